"""Reference sections of the README, generated from the code that defines them.

``python -m kompass_extract.write.docs --write README.md`` refreshes the README between its markers; a test
fails when the README and the definitions disagree, so the docs cannot drift from the output.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from kompass_extract.validate import RULES
from kompass_extract.write.schema import TABLES

BEGIN = "<!-- BEGIN GENERATED: {name} (python -m kompass_extract.write.docs --write README.md) -->"
END = "<!-- END GENERATED: {name} -->"


def data_dictionary() -> str:
    out = []
    for table in TABLES.values():
        out.append(f"#### `{table.name}`\n\n{table.description}\n")
        out.append("| field | type | unit | description |\n|---|---|---|---|")
        out.extend(f"| `{f.name}` | {f.type} | {f.unit or ''} | {f.description} |" for f in table.fields)
        out.append("")
    return "\n".join(out).rstrip()


def check_codes() -> str:
    rows = ["| code | usual severity | meaning |", "|---|---|---|"]
    rows.extend(f"| `{code}` | {rule.severity} | {rule.description} |" for code, rule in sorted(RULES.items()))
    return "\n".join(rows)


SECTIONS = {"data dictionary": data_dictionary, "check codes": check_codes}


def refresh(text: str) -> str:
    """``text`` with every generated section replaced by its current rendering."""
    for name, render in SECTIONS.items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
        text = pattern.sub(lambda _m, b=begin, e=end, r=render: f"{b}\n{r()}\n{e}", text)
    return text


def stale_sections(text: str) -> list[str]:
    """What is wrong with the generated sections of ``text``: a section whose markers are missing or repeated (then
    :func:`refresh` cannot renew it, and nothing would notice), or whose content is out of date."""
    problems = []
    for name, render in SECTIONS.items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        if text.count(begin) != 1 or text.count(end) != 1:
            problems.append(f"{name}: markers missing or repeated")
        elif text.split(begin, 1)[1].split(end, 1)[0] != f"\n{render()}\n":
            problems.append(f"{name}: out of date")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", type=Path, help="refresh the generated sections of this file in place")
    args = parser.parse_args()
    if args.write:
        args.write.write_text(refresh(args.write.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(data_dictionary() + "\n\n" + check_codes())


if __name__ == "__main__":
    main()
