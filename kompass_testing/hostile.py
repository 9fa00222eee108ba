"""Hostile and odd inputs for the batch, made by a seeded generator: the fuzz target and regression tests use them.

Categories: mutated fixtures (byte flips, truncations, deleted and duplicated chunks), crafted PDFs (a huge
page, 100,000 pages, a content stream that inflates to a gigabyte), special files (FIFO, link to ``/dev/zero``,
socket, link loop, link to nothing), odd names (not UTF-8, a newline, a leading dash, 250 bytes, decomposed
Unicode) and good reports under odd names, whose numbers must come out exactly as from the plain file.

``python -m kompass_testing.hostile --out DIR [--seed N] [--count N]`` writes a set and prints its manifest.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "fixtures" / "lulea-2018" / "report.pdf"
GENERATED = ROOT / "fixtures" / "generated"


@dataclass
class Hostile:
    name: str
    """File name inside the input folder (may hold bytes that are not UTF-8, via surrogateescape)."""
    category: str
    expect: str | None = None
    """The failure code it must get, "ok" when it must convert, None when any documented outcome will do."""
    good_as: str | None = None
    """For a good report under an odd name: the plain file whose numbers it must give."""


# --- crafted PDFs ---------------------------------------------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct cross-reference table; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def blank_pages_pdf(count: int, width: float = 595, height: float = 842) -> bytes:
    """``count`` blank pages of one size (100,000 pages make ~7 MB; the page size may be absurd)."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    box = f"[0 0 {width:g} {height:g}]".encode()
    pages = [b"<< /Type /Page /Parent 2 0 R >>"] * count
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d /MediaBox " % count + box + b" >>",
            *pages,
        ]
    )


def inflating_pdf(megabytes: int) -> bytes:
    """One page whose content stream is ~1 KB per MB compressed and ``megabytes`` of spaces inflated."""
    raw = zlib.compress(b" " * (megabytes << 20), 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(raw) + raw + b"\nendstream"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, stream])


# --- mutations ------------------------------------------------------------------------------------------------


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 4, 32, 256))):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def delete_chunk(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randrange(1, 4096) :]


def duplicate_chunk(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randrange(1, 4096)]
    at = rng.randrange(len(data))
    return data[:at] + chunk * rng.choice((1, 2, 50)) + data[at:]


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": flip_bytes,
    "truncate": truncate,
    "delete": delete_chunk,
    "duplicate": duplicate_chunk,
}


# --- the set --------------------------------------------------------------------------------------------------


def _sources() -> list[Path]:
    return [GOOD, *sorted(GENERATED.glob("*/report.pdf"))]


def _special(folder: Path) -> list[Hostile]:
    made = []
    fifo = folder / "fifo.pdf"
    os.mkfifo(fifo)
    made.append(Hostile(fifo.name, "special", "not-a-file"))
    (folder / "zero.pdf").symlink_to("/dev/zero")
    made.append(Hostile("zero.pdf", "special", "not-a-file"))
    (folder / "loop-a.pdf").symlink_to("loop-b.pdf")
    (folder / "loop-b.pdf").symlink_to("loop-a.pdf")
    made += [Hostile("loop-a.pdf", "special", "not-a-file"), Hostile("loop-b.pdf", "special", "not-a-file")]
    (folder / "nothing.pdf").symlink_to("does-not-exist.pdf")
    made.append(Hostile("nothing.pdf", "special", "missing-file"))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(folder / "socket.pdf"))
        made.append(Hostile("socket.pdf", "special", "not-a-file"))
    except OSError:  # a path too long for a socket address
        pass
    finally:
        sock.close()
    return made


ODD_NAMES = [
    os.fsdecode(b"caf\xe9-latin1.pdf"),
    os.fsdecode(b"\xff\xfe-bytes.pdf"),
    "line\nbreak.pdf",
    "-rf leading dash.pdf",
    "Lule\u0061\u030a decomposed.pdf",
    "x" * 246 + ".pdf",
    "tab\tand  spaces .PDF",
    "emoji \U0001f4c4.pdf",
]


def generate(folder: Path, *, seed: int = 13, count: int = 200, bombs: bool = True) -> list[Hostile]:
    """Write a hostile input set of about ``count`` inputs into ``folder``; return what each must give.

    ``bombs`` adds the content stream that inflates to a gigabyte (seconds and gigabytes to find out)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made = _special(folder)
    good = GOOD.read_bytes()
    for n, name in enumerate(ODD_NAMES):  # good reports under odd names: their own numbers, exactly
        (folder / name).write_bytes(good + b"\n%" + str(n).encode())
        made.append(Hostile(name, "odd-name", "ok", good_as=GOOD.name))
    (folder / "same-bytes.pdf").write_bytes(good + b"\n%0")  # the same bytes as the first odd name
    made.append(Hostile("same-bytes.pdf", "odd-name"))
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "text.pdf").write_text("ingen pdf\n", encoding="utf-8")
    made += [Hostile("empty.pdf", "crafted", "empty-file"), Hostile("text.pdf", "crafted", "not-pdf")]
    (folder / "huge-page.pdf").write_bytes(blank_pages_pdf(1, 14400, 14400))
    (folder / "absurd-page.pdf").write_bytes(blank_pages_pdf(1, 1e9, 1e9))
    (folder / "many-pages.pdf").write_bytes(blank_pages_pdf(100_000))
    made += [
        Hostile("huge-page.pdf", "crafted"),
        Hostile("absurd-page.pdf", "crafted"),
        Hostile("many-pages.pdf", "crafted", "too-many-pages"),
    ]
    if bombs:
        (folder / "inflates.pdf").write_bytes(inflating_pdf(1024))
        made.append(Hostile("inflates.pdf", "crafted"))
    sources = _sources()
    while len(made) < count:
        source = rng.choice(sources)
        kind = rng.choice(sorted(MUTATIONS))
        name = f"mut-{len(made):03d}-{kind}-{source.parent.name}.pdf"
        (folder / name).write_bytes(MUTATIONS[kind](source.read_bytes(), rng))
        made.append(Hostile(name, f"mutation:{kind}"))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    made = generate(args.out, seed=args.seed, count=args.count)
    print(json.dumps([asdict(h) for h in made], ensure_ascii=True, indent=1))


if __name__ == "__main__":
    main()
