"""Streaming writers for the exports: CSV, and XLSX without holding the sheet in memory.

Both take columns a chunk at a time and write them straight to disk, so a
million-row export never exists in memory. Both write to ``NAME.part`` and
rename on success: a failed run never leaves a half-written export behind.

The XLSX writer streams the worksheet XML itself (inline strings, real numbers,
dates as Excel serials with a date style) into the zip. openpyxl's write-only
mode is correct but builds a cell object per value: measured here at about
5,000 rows a second for 28 columns, too slow for a million rows. Zip entries
carry a fixed timestamp and the document properties the run date, so the same
seed gives byte-identical workbooks.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

from anonymiser.synth.cells import Column

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
#: Rows turned into XML at a time: keeps the text of a chunk from piling up in memory.
_XML_BATCH = 2_000
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "application/vnd.openxmlformats-officedocument"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Sink(Protocol):
    """Where an export's rows go."""

    def write_line(self, values: Sequence[object]) -> None: ...
    def write_columns(self, columns: list[Column]) -> None: ...
    def __enter__(self) -> Sink: ...
    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...


class _AtomicFile:
    """Writes to ``path.part`` and renames to ``path`` only when everything went well."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".part")

    def finish(self, ok: bool) -> None:
        if ok:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)


class CsvSink(_AtomicFile):
    """A CSV file as Excel writes it (CRLF line ends), in the system's encoding."""

    def __init__(self, path: Path, *, encoding: str = "utf-8") -> None:
        super().__init__(path)
        self.encoding = encoding
        self._file: IO[str] | None = None

    def __enter__(self) -> CsvSink:
        self._file = open(self.partial, "w", encoding=self.encoding, errors="replace", newline="")
        self._writer = csv.writer(self._file, lineterminator="\r\n")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._file is not None
        self._file.close()
        self.finish(kind is None)

    def write_line(self, values: Sequence[object]) -> None:
        """One row, such as a preamble line or the header."""
        self._writer.writerow(values)

    def write_columns(self, columns: list[Column]) -> None:
        """A chunk of rows, given as columns."""
        self._writer.writerows(zip(*(column.values for column in columns), strict=True))


class XlsxSink(_AtomicFile):
    """A one-sheet workbook, its rows streamed into the zip as they come."""

    def __init__(self, path: Path, *, sheet: str, created: dt.datetime) -> None:
        super().__init__(path)
        self.sheet = sheet
        self.created = created
        self.row = 0

    def __enter__(self) -> XlsxSink:
        self._zip = zipfile.ZipFile(self.partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        for name, content in _package_parts(self.sheet, self.created).items():
            self._zip.writestr(_entry(name), content)
        self._sheet = self._zip.open(_entry("xl/worksheets/sheet1.xml"), "w", force_zip64=True)
        self._sheet.write(f'{_XML}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            self._sheet.write(b"</sheetData></worksheet>")
            self._sheet.close()
        finally:
            self._zip.close()
            self.finish(kind is None)

    def write_line(self, values: Sequence[object]) -> None:
        """One row of text cells, such as a preamble line or the header (or a blank row)."""
        if not values:
            self.row += 1
            return
        self.write_columns([Column("text", [value]) for value in values])

    def write_columns(self, columns: list[Column]) -> None:
        """A chunk of rows, given as columns; blank rows keep their row number."""
        height = len(columns[0].values) if columns else 0
        for low in range(0, height, _XML_BATCH):
            part = [Column(c.kind, c.values[low : low + _XML_BATCH]) for c in columns]
            self._write_rows(part)

    def _write_rows(self, columns: list[Column]) -> None:
        first = self.row + 1
        cells = [_cells(column, get_column_letter(n), first) for n, column in enumerate(columns, 1)]
        rows = []
        for number, row in enumerate(zip(*cells, strict=True), first):
            content = "".join(row)
            if content:
                rows.append(f'<row r="{number}">{content}</row>')
        self.row += len(cells[0])
        self._sheet.write("".join(rows).encode())


def _cells(column: Column, letter: str, first: int) -> list[str]:
    values = column.values
    if column.kind == "number":
        return [
            f'<c r="{letter}{r}"><v>{v!r}</v></c>' if v != "" else ""
            for r, v in enumerate(values, first)
        ]
    if column.kind == "date":
        return [
            f'<c r="{letter}{r}" s="1"><v>{_serial(v)}</v></c>' if v != "" else ""
            for r, v in enumerate(values, first)
        ]
    return [
        _text_cell(f"{letter}{r}", str(v)) if v != "" else "" for r, v in enumerate(values, first)
    ]


def _text_cell(reference: str, value: str) -> str:
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{reference}" t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _serial(value: object) -> int:
    assert isinstance(value, dt.datetime)
    return (value - _EXCEL_EPOCH).days


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _package_parts(sheet: str, created: dt.datetime) -> dict[str, str]:
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "[Content_Types].xml": _XML + _CONTENT_TYPES,
        "_rels/.rels": _XML + _ROOT_RELS,
        "docProps/app.xml": _XML + _APP,
        "docProps/core.xml": _XML + _CORE.format(stamp=stamp),
        "xl/workbook.xml": _XML + _WORKBOOK.format(sheet=quoteattr(sheet)),
        "xl/_rels/workbook.xml.rels": _XML + _WORKBOOK_RELS,
        "xl/styles.xml": _XML + _STYLES,
    }


_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_SHEET_TYPE = f"{_DOC}.spreadsheetml"


def _override(part: str, content_type: str) -> str:
    return f'<Override PartName="{part}" ContentType="{content_type}"/>'


def _relationship(number: int, kind: str, target: str) -> str:
    return f'<Relationship Id="rId{number}" Type="{kind}" Target="{target}"/>'


_CONTENT_TYPES = (
    f'<Types xmlns="{_PACKAGE}/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    + _override("/xl/workbook.xml", f"{_SHEET_TYPE}.sheet.main+xml")
    + _override("/xl/worksheets/sheet1.xml", f"{_SHEET_TYPE}.worksheet+xml")
    + _override("/xl/styles.xml", f"{_SHEET_TYPE}.styles+xml")
    + _override("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml")
    + _override("/docProps/app.xml", f"{_DOC}.extended-properties+xml")
    + "</Types>"
)
_ROOT_RELS = (
    f'<Relationships xmlns="{_PKG_REL}">'
    + _relationship(1, f"{_REL}/officeDocument", "xl/workbook.xml")
    + _relationship(2, f"{_PACKAGE}/relationships/metadata/core-properties", "docProps/core.xml")
    + _relationship(3, f"{_REL}/extended-properties", "docProps/app.xml")
    + "</Relationships>"
)
_APP = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application></Properties>"
)
_CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>Report Server</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
    "</cp:coreProperties>"
)
_WORKBOOK = (
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name={sheet} sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{_PKG_REL}">'
    + _relationship(1, f"{_REL}/worksheet", "worksheets/sheet1.xml")
    + _relationship(2, f"{_REL}/styles", "styles.xml")
    + "</Relationships>"
)
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
