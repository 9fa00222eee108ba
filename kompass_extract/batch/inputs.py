"""Turn the command line's INPUTS (files, directories, glob patterns) into a list of files to convert.

Directories are searched recursively for ``*.pdf`` in any letter case; a file named explicitly (or matched
by a pattern) is tried whatever its extension, so a mislabelled report still gets a verdict. Entries whose
name starts with a dot are skipped inside directories: archives copied from a Mac are full of
``._report.pdf`` resource forks that are not PDFs, and ``.cache`` folders hold nothing to convert.
A folder that cannot be listed (permission denied) is recorded, to become a failure row: reports in it would
otherwise be missing from the outputs without a word. Links to folders are followed (an archive often links in a
year's folder from another disk), each real folder searched once, so a link back up the tree ends no loop.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field


class InputNotFoundError(ValueError):
    """An input is neither an existing path nor a pattern that matches something (a usage error)."""


@dataclass(frozen=True)
class InputFile:
    path: str
    """The path as the user reached it (normalised), written to ``source_file``."""
    real: str
    """The resolved absolute path, to notice the same file reached twice."""


@dataclass
class Discovery:
    files: list[InputFile] = field(default_factory=list)
    repeated: list[tuple[str, str]] = field(default_factory=list)
    """(path, first path) for files reached more than once: through two inputs, a pattern and a directory, a link."""
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """(folder, message) for folders that could not be listed."""


def discover(inputs: Sequence[str]) -> Discovery:
    """Expand the inputs into distinct files, in the order given; raise :class:`InputNotFoundError` for misses."""
    found = Discovery()
    seen: dict[str, str] = {}
    missing = []
    for item in inputs:
        paths = list(_expand(item, found.unreadable))
        if not paths and not os.path.isdir(item):
            missing.append(item)
        for path in paths:
            real = os.path.realpath(path)
            if real in seen:
                found.repeated.append((path, seen[real]))
                continue
            seen[real] = path
            found.files.append(InputFile(path, real))
    if missing:
        raise InputNotFoundError("no such file, or no match for pattern: " + ", ".join(missing))
    if not found.files and not found.unreadable:
        raise InputNotFoundError("no PDF files found in: " + ", ".join(inputs))
    return found


def _expand(item: str, unreadable: list[tuple[str, str]]) -> Iterator[str]:
    if os.path.isdir(item):
        yield from _walk(item, unreadable)
    elif os.path.lexists(item):  # a link to nothing is an input too: it gets its failure row
        yield os.path.normpath(item)
    elif glob.has_magic(item):
        for match in sorted(glob.glob(item, recursive=True)):
            yield from _walk(match, unreadable) if os.path.isdir(match) else [os.path.normpath(match)]


def _walk(directory: str, unreadable: list[tuple[str, str]]) -> Iterator[str]:
    def note(exc: OSError) -> None:
        unreadable.append(
            (os.path.normpath(exc.filename or directory), f"cannot list the folder: {exc.strerror or exc}")
        )

    visited = {os.path.realpath(directory)}
    for root, dirs, files in os.walk(directory, onerror=note, followlinks=True):
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            real = os.path.realpath(os.path.join(root, name))
            if real not in visited:  # a linked folder is searched once; a link back up (a loop) not again
                visited.add(real)
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.lower().endswith(".pdf") and not name.startswith("."):
                yield os.path.normpath(os.path.join(root, name))
