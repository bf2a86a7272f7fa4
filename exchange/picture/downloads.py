"""Published tables as files: CSV, XLSX, JSON, and a ZIP of CSV with its certificate.

Every download carries the release's disclosure certificate, so whoever receives the
file can see what was withheld and why:

- **JSON** embeds it: ``{"period", "table": <PublishedTable document>, "certificate"}``.
- **XLSX** has a second sheet, ``Disclosure certificate``, with the certificate as text.
- **CSV** is the table only (a file any tool can read); the response names the
  certificate in a ``Disclosure-Certificate`` header and links to it
  (:func:`certificate_headers`). ``zip`` bundles the CSV with ``certificate.json`` and
  ``certificate.txt`` for those who need them to travel together.

A withheld cell shows its mark (``[c]`` or ``[x]``); the certificate says why.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and tab or carriage
return can smuggle one in) as a formula. Supplier names come from councils' own
systems, so any *text* cell starting with one of those characters is neutralised: in
CSV it gets a leading apostrophe, in XLSX it is written as a string with Excel's
``quotePrefix`` style (the text itself is untouched). Numbers, negative ones included,
are written as numbers.

Pure: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Font

from exchange.disclosure.tables import PublishedTable

FORMATS = ("json", "csv", "xlsx", "zip")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TABLE_SHEET = "table"
CERTIFICATE_SHEET = "Disclosure certificate"
CERTIFICATE_HEADER = "Disclosure-Certificate"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Download:
    """A file to send: its bytes, media type, file name and extra response headers."""

    body: bytes
    mimetype: str
    filename: str
    headers: Mapping[str, str] = field(default_factory=dict)


def is_number(value: Any) -> bool:
    """A real number (not a bool, not NaN): written as a number, never neutralised."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        return False
    return not (isinstance(value, float) and math.isnan(value))


def dangerous(text: str) -> bool:
    """Text a spreadsheet could run as a formula."""
    return text.startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """A cell value safe for CSV: risky text gets a leading apostrophe; numbers unchanged."""
    if isinstance(value, str) and dangerous(value):
        return "'" + value
    return value


def certificate_id(certificate: Mapping[str, Any]) -> str:
    """The certificate's id (the SHA-256 of its canonical content)."""
    return str(certificate.get("id", ""))


def certificate_headers(certificate: Mapping[str, Any]) -> dict[str, str]:
    """Response headers naming the certificate and linking to it (the CSV case)."""
    ident = certificate_id(certificate)
    return {
        CERTIFICATE_HEADER: ident,
        "Link": f'</api/v1/picture/certificates/{ident}>; rel="describedby"',
    }


def render(
    table: PublishedTable,
    certificate: Mapping[str, Any],
    *,
    period: str,
    fmt: str,
    certificate_text: Callable[[Mapping[str, Any]], str],
) -> Download:
    """``table`` as a ``fmt`` file (one of :data:`FORMATS`), with its certificate."""
    stem = f"{table.name}-{period}"
    headers = certificate_headers(certificate)
    if fmt == "csv":
        return Download(to_csv(table), "text/csv", f"{stem}.csv", headers)
    if fmt == "xlsx":
        body = to_xlsx(table, certificate_text(certificate))
        return Download(body, XLSX_TYPE, f"{stem}.xlsx", headers)
    if fmt == "zip":
        body = to_zip(table, certificate, certificate_text(certificate), stem=stem)
        return Download(body, "application/zip", f"{stem}.zip", headers)
    if fmt == "json":
        return Download(
            to_json(table, certificate, period=period), "application/json", f"{stem}.json", headers
        )
    raise ValueError(f"unknown format {fmt!r}")


def _csv_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if is_number(value):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return neutralise(str(value))


def to_csv(table: PublishedTable) -> bytes:
    """The table as UTF-8 CSV: a header of column names, then rows with marks shown."""
    out = io.StringIO()
    writer = csv.writer(out)
    names = table.column_names()
    writer.writerow([neutralise(name) for name in names])
    for row in table.display_rows():
        writer.writerow([_csv_value(row.get(name)) for name in names])
    return out.getvalue().encode("utf-8")


def _set_cell(cell: Cell | MergedCell, value: Any) -> None:
    """Write ``value``: numbers as numbers, text as text (never a formula)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return
    if is_number(value):
        cell.value = float(value) if isinstance(value, Decimal) else value
        return
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl would take "=..." for a formula
    if dangerous(text):
        cell.quotePrefix = True


def to_xlsx(table: PublishedTable, certificate_text: str) -> bytes:
    """Sheet ``table`` (titles, then rows) and sheet ``Disclosure certificate`` (text)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = TABLE_SHEET
    bold = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        heading = sheet.cell(row=1, column=index)
        _set_cell(heading, column.title)
        heading.font = bold
    for row_index, row in enumerate(table.display_rows(), start=2):
        for index, name in enumerate(table.column_names(), start=1):
            _set_cell(sheet.cell(row=row_index, column=index), row.get(name))
    sheet.freeze_panes = "A2"
    certificate = book.create_sheet(CERTIFICATE_SHEET)
    for line_index, line in enumerate(certificate_text.splitlines(), start=1):
        _set_cell(certificate.cell(row=line_index, column=1), line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(table: PublishedTable, certificate: Mapping[str, Any], *, period: str) -> bytes:
    """``{"period", "table", "certificate"}``: the table's document with its certificate."""
    document = {"period": period, "table": table.to_document(), "certificate": certificate}
    return json.dumps(document, indent=1, sort_keys=True, default=str).encode("utf-8")


def to_zip(
    table: PublishedTable, certificate: Mapping[str, Any], certificate_text: str, *, stem: str
) -> bytes:
    """The CSV with ``certificate.json`` and ``certificate.txt`` beside it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"{stem}.csv", to_csv(table))
        certificate_json = json.dumps(certificate, indent=1, sort_keys=True, default=str)
        bundle.writestr("certificate.json", certificate_json)
        bundle.writestr("certificate.txt", certificate_text)
    return out.getvalue()
