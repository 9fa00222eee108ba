"""Turn the command line's INPUTS (files, directories, glob patterns) and listed paths into files to convert.

Directories are searched recursively for ``*.pdf`` in any letter case; a file named explicitly (or matched
by a pattern) is tried whatever its extension, so a mislabelled report still gets a verdict. Entries whose
name starts with a dot are skipped inside directories: archives copied from a Mac are full of
``._report.pdf`` resource forks that are not PDFs, and ``.cache`` folders hold nothing to convert.
A folder that cannot be listed (permission denied) is recorded, to become a failure row: reports in it would
otherwise be missing from the outputs without a word. Links to folders are followed (an archive often links in a
year's folder from another disk), each real folder searched once, so a link back up the tree ends no loop.

A list of paths (``extract --files-from``, e.g. the output of ``find``) is the way to name thousands of files: split
over several runs by ``xargs``, each run would publish only its share. Listed paths are taken literally (a
name with "[" or "*" is no pattern), and one that names nothing is a failure row ``missing-file``, not the end
of a run of thousands: the list was made before the run, and a file may move in between.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO


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


class InputListError(ValueError):
    """A list of paths (``--files-from``) that cannot be read (a usage error)."""


def read_path_list(source: str | BinaryIO) -> list[str]:
    """The paths of a list file (or of a binary stream such as stdin): one per line, or NUL-separated when the
    list holds a NUL (``find -print0``, the only way to list a name holding a newline). Empty lines are skipped and
    a line's CR LF end is taken whole; bytes that are not UTF-8 stay the file name they are (``os.fsdecode``)."""
    try:
        if isinstance(source, str):
            with open(source, "rb") as fh:
                data = fh.read()
        else:
            data = source.read()
    except OSError as exc:
        raise InputListError(f"cannot read the list of files {source}: {exc.strerror or exc}") from exc
    entries = data.split(b"\0") if b"\0" in data else [line.removesuffix(b"\r") for line in data.split(b"\n")]
    return [os.fsdecode(entry) for entry in entries if entry]


def discover(inputs: Sequence[str], listed: Sequence[str] = ()) -> Discovery:
    """Expand the inputs and the listed paths into distinct files, in the order given; raise
    :class:`InputNotFoundError` for an input that names nothing (a listed path that names nothing is kept, to fail)."""
    found = Discovery()
    seen: dict[str, str] = {}
    missing = []
    for item, is_listed in [*((i, False) for i in inputs), *((p, True) for p in listed)]:
        paths = list(_expand_listed(item, found.unreadable) if is_listed else _expand(item, found.unreadable))
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
        raise InputNotFoundError("no PDF files found in: " + ", ".join([*inputs, *listed][:10]))
    return found


def _expand_listed(path: str, unreadable: list[tuple[str, str]]) -> Iterator[str]:
    """A listed path: a folder is searched like an input folder; anything else is a file to try, as named."""
    return _walk(path, unreadable) if os.path.isdir(path) else iter([os.path.normpath(path)])


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
