"""The printed words of a test report, shared by the PDF producers that set them (HTML for Chromium and LibreOffice,
Typst): what the cover, chapter 2 and the overview tables say, so that each producer only decides how it looks."""

from __future__ import annotations

from typing import Any


def number(value: float, layout: dict[str, Any]) -> str:
    """A score as printed: no ".0", a decimal comma where the variant uses half points."""
    text = str(int(value)) if float(value).is_integer() else str(value)
    return text.replace(".", ",") if layout["half_points"] else text


def cover_lines(truth: dict[str, Any], template: dict[str, str]) -> list[str]:
    """The cover's lines under the "KommunKompassen" title, as each report series printed them."""
    name, year = truth["municipality"], truth["year"]
    lines = {
        "skl2016": [f"Analys av {name}", f"{truth['month'].capitalize()} {year}"],
        "analys_upper": [f"ANALYS AV {name.upper()} {year}"],
        "skr2020": [f"Analys {year}", template["org"]],
    }[truth["template"]]
    evaluators = [f"Utvärderare: {', '.join(truth['evaluators'])}"] if truth["template"] == "skl2016" else []
    return lines + evaluators


def chapter2_blocks(truth: dict[str, Any], template: dict[str, str]) -> list[tuple[str, str]]:
    """Chapter 2 and the heading of chapter 3 as (kind, text): kind is "h1" (a chapter), "h3" or "p"."""
    name, layout = truth["municipality"], truth["layout"]
    total = sum(a["overview_total"]["achieved"] for a in truth["areas"])
    evaluators = " och ".join(truth["evaluators"])
    return [
        ("h1", f"2. {name} i förhållande till Kommunkompassen{template['chapter2_suffix']}"),
        ("h3", "Utvärderingen"),
        (
            "p",
            f"Utvärderingen av {name} genomfördes i {truth['month']} år {truth['year']}. Utvärderingsgruppen har "
            "studerat dokument, granskat kommunens hemsida och intervjuat "
            f"{truth['interviewees']} personer i organisationen. Utvärderare har varit {evaluators}.",
        ),
        ("h3", "Sammanfattning av resultatet"),
        ("p", f"Totalt fick {name} {number(total, layout)} poäng av 800 möjliga."),
        ("h3", truth["summary_heading"]),
        *(("p", text) for text in truth["summary"]),
        ("h1", "3. Detaljerad genomgång per område"),
    ]


OVERVIEW_LEAD = "Nedanstående tabeller visar kommunens resultat fördelat på delfrågor inom respektive område."


def overview_rows(area: dict[str, Any], layout: dict[str, Any]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """An area's overview table: the column heads, then (text, printed numbers) per question and the total row."""
    with_percent = layout["percent_format"] != "none"
    head = ["Uppnått", "Max", *(["Procent"] if with_percent else [])]
    cells = [(f"{q['id']} {q['text']}", q) for q in area["questions"]]
    cells.append((layout["total_label"], area["overview_total"]))
    rows = []
    for text, q in cells:
        numbers = [number(q["achieved"], layout), number(q["max"], layout)]
        if with_percent:
            numbers.append("" if q["percent"] is None else layout["percent_format"].replace("75", str(q["percent"])))
        rows.append((text, numbers))
    return head, rows
