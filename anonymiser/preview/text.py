"""The preview on a terminal, drawn with rich from the same sections as the HTML page.

Values from the document are printed as plain text, never read as rich markup. The
side-by-side sample shows the first rows only; the HTML file has them all.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from anonymiser.preview import sections

SAMPLE_SHOWN = 2
_STYLES = {"ok": "bold green", "warn": "bold yellow", "bad": "bold red"}


def render_text(document: dict[str, Any], console: Console) -> None:
    """Print the preview."""
    console.print(Text(f"Preview of {document.get('return_file', 'a return')}", style="bold"))
    for style, message in sections.banners(document):
        console.print(Text(message, style=_STYLES[style]))
    for section in sections.all_sections(document):
        console.print()
        console.print(Text(section.title, style="bold underline"))
        for line in section.lines:
            console.print(Text(line))
        for table in section.tables:
            console.print(_table(table))
    _samples(document.get("sample") or [], console)


def _table(table: sections.Table) -> RichTable:
    drawn = RichTable(title=table.caption, title_justify="left")
    for heading in table.headings:
        drawn.add_column(heading, overflow="fold")
    for row in table.rows:
        drawn.add_row(*(Text(_plain(value)) for value in row))
    return drawn


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return sections.number(value)
    return str(value)


def _samples(sample: list[dict[str, Any]], console: Console) -> None:
    if not sample:
        return
    console.print()
    console.print(Text("Sample rows: the export beside what leaves", style="bold underline"))
    for row in sample[:SAMPLE_SHOWN]:
        rows = [
            (cell["field"], cell["raw"], cell["leaves_as"] or "(dropped)", cell["leaves"])
            for cell in row["cells"]
        ]
        headings = ("Field", "In the export", "Leaves as", "Value that leaves")
        console.print(_table(sections.Table(headings, rows, f"Row {row['row']}")))
    if len(sample) > SAMPLE_SHOWN:
        console.print(Text(f"{len(sample) - SAMPLE_SHOWN} more sample row(s) in the HTML preview."))
