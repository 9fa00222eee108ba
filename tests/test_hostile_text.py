"""Regular expressions that run on PDF text must take linear time: on untrusted input a super-linear one is a
denial of service (a chart's value labels made one report 5x slower in the trailing-numbers pattern).

Every compiled pattern of the package's modules and every pattern of the data files is run on adversarial text
(100 k digits, long runs of spaces and dots, and the cue words the data patterns start with); each must finish
in well under a second.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import re
import time
from collections.abc import Callable

import pytest

import kompass_extract
from kompass_extract.locate.labels import clean_heading, labels
from kompass_extract.match.municipality import _cues, _mention_re
from kompass_extract.match.text import normalise, strip_trailing_numbers
from kompass_extract.parse.cover import split_evaluators

N = 100_000
BUDGET = 0.5
"""CPU seconds for one 100 k text (a quadratic pattern takes minutes on them). CPU time, not the wall clock: on a
loaded machine the wall clock of a linear search passed a second."""
CUES = ("", "analys av ", "Utvärderare har varit ", "Rapport 2018-", "Område 3 ", "sida ", "kommun ")


def adversarial_texts() -> dict[str, str]:
    """Runs of 100 k characters, and shorter ones after each cue word (a cue lets a data pattern start matching)."""

    def runs(n: int) -> dict[str, str]:
        return {
            "digits": "1" * n,
            "spaces": " " * n + "x",
            "dots": "." * n + "x",
            "numbers": "1 " * (n // 2) + "x",
            "dot-spaces": ". " * (n // 2) + "x",
            "leaders": ("...." + " " * 40 + "7 x") * (n // 48),
            "percent": "75 % " * (n // 5) + "x",
            "dashes": " - " * (n // 3) + "x",
            "newlines": "\n" * n + "x",
            "commas": ", " * (n // 2) + "x",
        }

    texts = {name: text for name, text in runs(N).items()}
    texts |= {f"{cue!r}+{name}": cue + text for cue in CUES[1:] for name, text in runs(N // 5).items()}
    return texts


def package_patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(kompass_extract.__path__, "kompass_extract."):
        if info.name.split(".")[1] in ("cli", "review", "__main__"):
            continue
        for name, value in vars(importlib.import_module(info.name)).items():
            if isinstance(value, re.Pattern):
                found[f"{info.name}.{name}"] = value
    data = labels()
    for key in ("box_score_formats", "municipality_cues", "date_cues", "evaluator_cues"):
        for n, pattern in enumerate(data[key]):
            found[f"labels.json {key}[{n}]"] = re.compile(pattern)
    for n, template in enumerate(data["templates"]):
        found[f"labels.json templates[{n}]"] = re.compile(template["pattern"])
    for n, (_, cue) in enumerate(_cues()):
        found[f"municipality_cues.csv[{n}]"] = cue
    found["municipality mentions"] = _mention_re()
    return found


def test_trailing_numbers_regex_is_linear_and_keeps_its_meaning() -> None:
    assert strip_trailing_numbers("Finns en plan för information? 11 15 75%") == "Finns en plan för information?"
    assert strip_trailing_numbers("Finns en plan? 2 3 66,7 %") == "Finns en plan?"
    assert strip_trailing_numbers("12 13") == "12" and strip_trailing_numbers(" 12 13") == ""
    assert strip_trailing_numbers("plan2 ") == "plan2 " and strip_trailing_numbers("plan 5 %%") == "plan 5 %%"
    for text in ("1" * N, "a" + " 1" * (N // 2) + "x", "a" + " 7,5 %" * (N // 6), " " * N + "1"):
        start = time.process_time()
        normalise(text)
        assert time.process_time() - start < BUDGET


@pytest.mark.parametrize("name", sorted(package_patterns()))
def test_every_pattern_on_pdf_text_is_linear(name: str) -> None:
    pattern = package_patterns()[name]
    for kind, text in adversarial_texts().items():
        assert _best_of_3(lambda text=text: pattern.search(text)) < 2 * BUDGET, (
            f"{name} on {kind}: {pattern.pattern[:200]!r}"
        )


def _best_of_3(call: Callable[[], object]) -> float:
    """CPU seconds of the fastest of three calls: a pause of a loaded machine is not the pattern's doing, while a
    super-linear pattern is slow every time."""
    best = math.inf
    for _ in range(3):
        start = time.process_time()
        call()
        best = min(best, time.process_time() - start)
    return best


def test_text_helpers_are_linear_on_hostile_lines() -> None:
    for text in adversarial_texts().values():
        start = time.process_time()
        clean_heading(text)
        split_evaluators(text)
        assert time.process_time() - start < BUDGET
    assert clean_heading("Styrkor ....... 12") == "Styrkor" and clean_heading("a. ....5") == "a."
    assert split_evaluators("Anna Andersson , SKL och Bo Berg") == ["Anna Andersson, SKL", "Bo Berg"]
