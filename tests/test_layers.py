"""The import contract: the stages of the pipeline are layers, and a lower layer never imports a higher one.

Read every module's imports (also those inside functions, which the CLI uses to stay fast) with ``ast`` and
check each edge against the rank of its layer. A backward edge (e.g. the OCR reader importing a threshold from
the validator) makes a stage impossible to test or cache alone; this test names the edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kompass_extract"

LAYERS: list[tuple[str, ...]] = [
    ("common", "errors", "model", "data"),
    ("read",),
    ("locate",),
    ("parse",),
    ("match",),
    ("validate",),
    ("write",),
    ("correct",),
    ("pipeline",),
    ("batch",),
    ("review",),
    ("cli",),
    ("__init__", "__main__"),
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    """'kompass_extract.read.ocr.pages' -> 'read'; the package itself is the top layer."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "kompass_extract":
                found += [(node.lineno, f"kompass_extract.{a.name}") for a in node.names if a.name != "__version__"]
            elif node.module.startswith("kompass_extract."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("kompass_extract.")]
        elif isinstance(node, ast.ImportFrom) and node.level:
            pytest.fail(f"{path}: relative import on line {node.lineno}; use absolute imports")
    return found


def backward_edges(root: Path = PACKAGE) -> list[str]:
    """Every import of a higher layer by a lower one, as 'file:line importer -> imported'."""
    edges = []
    for path in sorted(root.rglob("*.py")):
        here = layer_of(module_name(path))
        for line, target in imported_modules(path):
            there = layer_of(target)
            if there not in RANK:
                edges.append(f"{path.name}:{line} imports {target}, which is in no layer")
            elif RANK[there] > RANK[here]:
                edges.append(f"{path.relative_to(root)}:{line} ({here}) imports {target} ({there})")
    return edges


def test_every_top_level_module_has_a_layer():
    names = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or p.is_dir()}
    names.discard("__pycache__")
    assert names <= set(RANK), f"modules without a layer: {sorted(names - set(RANK))}"


def test_no_layer_imports_a_higher_one():
    assert backward_edges() == []


def test_the_contract_catches_a_backward_import(tmp_path):
    """The checker itself can fail: a reader module importing the validator is reported."""
    fake = tmp_path / "kompass_extract"
    (fake / "read").mkdir(parents=True)
    (fake / "read" / "bad.py").write_text("from kompass_extract.validate import RULES\n", encoding="utf-8")
    global PACKAGE
    saved, PACKAGE = PACKAGE, fake
    try:
        edges = backward_edges(fake)
    finally:
        PACKAGE = saved
    assert edges == ["read/bad.py:1 (read) imports kompass_extract.validate (validate)"]
