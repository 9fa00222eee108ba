"""Regenerate the committed fixtures: one folder per variant with ``report.pdf`` and ``truth.json``.

Usage: ``python -m kompass_testing.generate --out fixtures/generated [--only NAME ...]``; with ``--chromium``
the reports of ``chromium_variants.json`` printed by headless Chromium (:mod:`kompass_testing.html_producer`); with
``--libreoffice`` a few of them converted by headless LibreOffice; with ``--typst`` the reports of
``typst_variants.json`` compiled by Typst (:mod:`kompass_testing.typst_producer`).
A variant is one entry of ``variants.json``; adding a layout to the test set needs no code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kompass_testing.generator import render_located
from kompass_testing.truth_builder import build_truth, load_json


def variants() -> list[dict[str, Any]]:
    """Every variant spec of ``variants.json``."""
    return list(load_json("variants.json"))


def generate_variant(spec: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """The PDF bytes and truth document of one variant (deterministic for the spec); the truth's ``located``
    says on which page and where the generator drew each located value."""
    truth = build_truth(spec)
    pdf, located = render_located(truth)
    return pdf, {**truth, "located": located}


def write_variant(spec: dict[str, Any], out_dir: Path) -> Path:
    """Write ``<out_dir>/<name>/report.pdf`` and ``truth.json``; returns the folder."""
    pdf, truth = generate_variant(spec)
    return write_fixture(out_dir / spec["name"], pdf, truth)


def write_fixture(folder: Path, pdf: bytes, truth: dict[str, Any]) -> Path:
    """Write ``folder/report.pdf`` and ``folder/truth.json``; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.pdf").write_bytes(pdf)
    (folder / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return folder


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--only", multiple=True, help="Variant name to generate (repeatable); default: all.")
@click.option("--chromium", is_flag=True, help="Print the variants of chromium_variants.json with headless Chromium.")
@click.option("--libreoffice", is_flag=True, help="Convert the LIBREOFFICE_VARIANTS' HTML with headless LibreOffice.")
@click.option("--typst", is_flag=True, help="Compile the variants of typst_variants.json with Typst.")
def main(out_dir: Path, only: tuple[str, ...], chromium: bool, libreoffice: bool, typst: bool) -> None:
    """Generate report PDFs with known answers for every variant in variants.json (or chromium_variants.json)."""
    if chromium:
        from kompass_testing.html_producer import html_variants, write_html_variant

        every, write = html_variants(), write_html_variant
    elif libreoffice:
        from kompass_testing.html_producer import LIBREOFFICE_VARIANTS, html_variants, write_libreoffice_variant

        every, write = [s for s in html_variants() if s["name"] in LIBREOFFICE_VARIANTS], write_libreoffice_variant
    elif typst:
        from kompass_testing.typst_producer import typst_variants, write_typst_variant

        every, write = typst_variants(), write_typst_variant
    else:
        every, write = variants(), write_variant
    specs = [s for s in every if not only or s["name"] in only]
    unknown = set(only) - {s["name"] for s in specs}
    if unknown:
        raise click.BadParameter(f"unknown variants: {', '.join(sorted(unknown))}", param_hint="--only")
    for spec in specs:
        folder = write(spec, out_dir)
        click.echo(f"{folder}: {(folder / 'report.pdf').stat().st_size // 1024} KB", err=True)


if __name__ == "__main__":
    sys.exit(main())
