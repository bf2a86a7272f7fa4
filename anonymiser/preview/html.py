"""The preview as one self-contained HTML file: inline CSS, no script, nothing fetched.

Every value from the document is HTML-escaped (``html.escape``), so a supplier called
``<script>`` is shown as text. Sections appear when the document has them: a preview
written by ``prepare`` has the raw side; ``anonymiser preview`` adds the signature check
and the payload's own figures.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from anonymiser.preview import sections

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #1b1b1b; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem;
       border-bottom: 2px solid #1d70b8; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #b1b4b6; padding: .25rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f3f2f1; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.warn { background: #fff7bf; border-left: 5px solid #ffdd00; padding: .5rem 1rem; }
.ok { background: #e7f5ec; border-left: 5px solid #00703c; padding: .5rem 1rem; }
.bad { background: #fce9e8; border-left: 5px solid #d4351c; padding: .5rem 1rem; }
code, .mono { font-family: ui-monospace, Consolas, monospace; font-size: .85rem;
              word-break: break-all; }
.sample { display: inline-block; margin-right: 1rem; vertical-align: top; }
"""


def render_html(document: dict[str, Any]) -> str:
    """The whole preview page."""
    title = f"Preview of {document.get('return_file', 'a return')}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
    ]
    for banner_class, text in sections.banners(document):
        parts.append(f'<p class="{banner_class}">{_e(text)}</p>')
    for section in sections.all_sections(document):
        parts.append(f"<h2>{_e(section.title)}</h2>")
        parts.extend(f"<p>{_e(line)}</p>" for line in section.lines)
        for table in section.tables:
            parts.append(_table(table.headings, table.rows, table.caption))
    parts.extend(_samples(document.get("sample") or []))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _table(headings: Sequence[str], rows: Iterable[Sequence[object]], caption: str | None) -> str:
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{_e(caption)}</caption>")
    out.append("<tr>" + "".join(f"<th>{_e(h)}</th>" for h in headings) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(_cell(value) for value in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _cell(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="n">{_e(sections.number(value))}</td>'
    return f"<td>{_e('' if value is None else str(value))}</td>"


def _samples(sample: list[dict[str, Any]]) -> list[str]:
    """Sample rows side by side: each field's value in the export, and what leaves."""
    if not sample:
        return []
    out = [
        "<h2>Sample rows: the export beside what leaves</h2>",
        "<p>Identifiers are masked or withheld here too; what leaves is shown in full.</p>",
    ]
    for row in sample:
        out.append(f'<div class="sample"><h3>Row {_e(str(row["row"]))}</h3>')
        rows = [
            (cell["field"], cell["raw"], cell["leaves_as"] or "(dropped)", cell["leaves"])
            for cell in row["cells"]
        ]
        out.append(_table(("Field", "In the export", "Leaves as", "Value that leaves"), rows, None))
        out.append("</div>")
    return out


def _e(text: str) -> str:
    return html.escape(text, quote=True)
