"""Read an XLSX workbook's data rows as text, with python-calamine (a Rust reader).

calamine reads a sheet many times faster than openpyxl's read-only mode. Its XML
parser (quick-xml) does not expand entities declared in a DTD, so entity tricks
(billion laughs, external entities) cannot make it read or grow anything; the
zip-level checks (zip bombs, damaged archives) run before it, in
:mod:`anonymiser.reading.workbook_safety`. The two small parts this module
parses itself to find error cells (the workbook part and its relationships)
go through defusedxml.

Cells become the text an export would hold, as :func:`cell_text` gives for the
values openpyxl reads: dates as ``2024-03-31 00:00:00``, whole numbers without
a decimal point, TRUE/FALSE, and error cells as their code (``#N/A``), which
calamine reads as blank and :func:`_error_cells` puts back. The sheet read is
the one whose opening rows read best as a header; rows are numbered as Excel
numbers them, wherever the sheet's used area starts.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import TypeVar, cast
from xml.sax.saxutils import unescape

import pandas as pd
from defusedxml import ElementTree
from python_calamine import CalamineSheet, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from anonymiser.errors import UnusableInput
from anonymiser.reading.csv_file import RawTable
from anonymiser.reading.header import HeaderVocabulary, best_score

_DAMAGED = (
    "is a damaged workbook that Excel's format reader cannot open: open it in Excel, "
    "save a fresh copy (or save it as CSV, UTF-8) and check that"
)
_T = TypeVar("_T")
_CHUNK = 4 * 2**20
#: A cell of type "e" (an error such as #N/A) and the rest of it, up to its value.
_ERROR_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s([^>]*?\bt\s*=\s*[\"']e[\"'][^>]*)>")
_ERROR_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)<|</(?:[\w.-]+:)?c>")
_REFERENCE = re.compile(rb"\br\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?([0-9]{1,7})[\"']")


@dataclass(frozen=True)
class SheetHead:
    """The sheet chosen to read and its opening rows as text."""

    title: str
    rows: tuple[tuple[str, ...], ...]
    sheet_count: int


@dataclass
class _Sheet:
    """One worksheet's cells as calamine loaded them, where they start, and its error cells."""

    cells: CalamineSheet
    #: Error codes by Excel row, then by 0-based column.
    errors: dict[int, dict[int, str]]

    @property
    def origin(self) -> tuple[int, int]:
        """The 0-based row and column of the used area's top left cell."""
        return self.cells.start or (0, 0)


@dataclass
class Workbook:
    """An open workbook, and the last sheet loaded (a sheet is loaded whole, once)."""

    path: Path
    book: CalamineWorkbook
    loaded: dict[str, _Sheet] = field(default_factory=dict)

    def sheet(self, title: str) -> _Sheet:
        """Sheet ``title``, loaded on first use."""
        if title not in self.loaded:
            cells = _guarded(self.path, lambda: self.book.get_sheet_by_name(title))
            errors = _guarded(self.path, lambda: _error_cells(self.path, title))
            self.loaded[title] = _Sheet(cells, errors)
        return self.loaded[title]

    def forget(self, title: str) -> None:
        """Let a loaded sheet go (a sheet not read is not kept in memory)."""
        self.loaded.pop(title, None)


@contextmanager
def open_workbook(path: Path) -> Iterator[Workbook]:
    """The workbook with its cached values; any failure to parse is refused.

    It is opened from a file object so that calamine goes by the bytes, not the name.
    """
    with path.open("rb") as stream:
        book = _guarded(path, lambda: CalamineWorkbook.from_filelike(stream))
        try:
            yield Workbook(path, book)
        finally:
            book.close()


def choose_sheet(
    path: Path, workbook: Workbook, vocabularies: Sequence[HeaderVocabulary], count: int
) -> SheetHead:
    """The visible sheet whose opening rows best name the fields of any known return type."""
    metadata = _guarded(path, lambda: workbook.book.sheets_metadata)
    worksheets = [sheet for sheet in metadata if sheet.typ == SheetTypeEnum.WorkSheet]
    sheets = [
        sheet for sheet in worksheets if sheet.visible == SheetVisibleEnum.Visible
    ] or worksheets
    if not sheets:
        raise UnusableInput(f"{path.name} has no worksheets: export the data again.")
    best: tuple[int, SheetHead] | None = None
    for sheet in sheets:
        loaded = workbook.sheet(sheet.name)
        rows = _guarded(path, partial(_head_rows, loaded, count))
        score = max(best_score(rows, vocab) for vocab in vocabularies)
        if best is None or score > best[0]:
            if best is not None:
                workbook.forget(best[1].title)
            best = (score, SheetHead(sheet.name, rows, len(sheets)))
        else:
            workbook.forget(sheet.name)
    assert best is not None
    return best[1]


def read_sheet_table(
    path: Path,
    workbook: Workbook,
    title: str,
    header_row: int,
    positions: tuple[int, ...],
    width: int,
) -> RawTable:
    """The data rows below ``header_row`` on sheet ``title``, blank rows skipped."""
    sheet = workbook.sheet(title)
    return _guarded(path, lambda: _stream(sheet, header_row, positions, width))


def cell_text(value: object) -> str:
    """A cell's value as the text an export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _text(value: object) -> str:
    """:func:`cell_text` of the value openpyxl reads for the cell calamine read as ``value``.

    calamine gives a whole-day date-formatted number as a ``date``; openpyxl, and
    so the text of every earlier read, as a ``datetime`` at midnight.
    """
    kind = type(value)
    if kind is str:
        return cast(str, value)
    if kind is float:
        number = cast(float, value)
        return str(int(number)) if number.is_integer() else str(number)
    if kind is dt.date:
        return f"{cast(dt.date, value).isoformat()} 00:00:00"
    return cell_text(value)


def _guarded(path: Path, read: Callable[[], _T]) -> _T:
    """Run a read of the workbook, refusing the file when it proves malformed."""
    try:
        return read()
    except UnusableInput:
        raise
    except Exception:  # calamine, zipfile and the XML parser raise many types
        raise UnusableInput(f"{path.name} {_DAMAGED}.") from None
    except BaseException as error:
        # A Rust panic in calamine reaches Python as pyo3's PanicException, which
        # derives from BaseException so that ``except Exception`` misses it.
        if type(error).__name__ != "PanicException":
            raise
        raise UnusableInput(f"{path.name} {_DAMAGED}.") from None


def _row_texts(values: Sequence[object], left: int, errors: dict[int, str]) -> list[str]:
    """A row as text from column A, trailing blank cells dropped (as openpyxl ends a row)."""
    texts = [""] * left + [_text(value) for value in values]
    for column, code in errors.items():
        if column < len(texts):
            texts[column] = code
    while texts and texts[-1] == "":
        texts.pop()
    return texts


def _head_rows(sheet: _Sheet, count: int) -> tuple[tuple[str, ...], ...]:
    """Rows 1 to ``count`` (fewer when the sheet ends sooner), as text from column A."""
    if sheet.cells.start is None:
        return ()
    top, left = sheet.origin
    rows: list[tuple[str, ...]] = [() for _ in range(min(top, count))]
    # to_python skips the empty area above and left of the used one (its documented default)
    values = sheet.cells.to_python(nrows=max(count - top, 0)) if count > top else []
    for number, cells in enumerate(values, start=top + 1):
        rows.append(tuple(_row_texts(cells, left, sheet.errors.get(number, {}))))
    return tuple(rows)


def _stream(sheet: _Sheet, header_row: int, positions: tuple[int, ...], width: int) -> RawTable:
    """The rows below the header; python-calamine's iter_rows starts with the rows above the
    used area as blank rows, and if a release stops doing so, the rows are numbered again."""
    if sheet.cells.start is None:
        return _table(positions, [[] for _ in positions], [], [])
    top = sheet.origin[0]
    last = (sheet.cells.end or (0, 0))[0] + 1
    table, yielded = _rows_below(sheet, header_row, positions, width, first=1)
    if yielded != last:
        table, _ = _rows_below(sheet, header_row, positions, width, first=top + 1)
    return table


def _rows_below(
    sheet: _Sheet, header_row: int, positions: tuple[int, ...], width: int, *, first: int
) -> tuple[RawTable, int]:
    """The data rows below ``header_row``, the first row iterated being Excel's ``first``."""
    columns: list[list[str]] = [[] for _ in positions]
    index: list[int] = []
    overflow: list[int] = []
    left = sheet.origin[1]
    local = [position - left for position in positions]
    beyond = max(width - left, 0)
    # Every row iterated is as wide as the used area: the columns read are picked at once.
    inside = bool(local) and min(local) >= 0 and max(local) < sheet.cells.width
    pick = _picker(local) if inside else None
    number = first - 1
    for number, row in enumerate(sheet.cells.iter_rows(), start=first):
        if number <= header_row:
            continue
        values: Sequence[object] = row
        if number in sheet.errors:
            values = _row_texts(row, left, sheet.errors[number])[left:]
        size = len(values)
        if pick is not None and size == sheet.cells.width:
            picked = [v if v.__class__ is str else _text(v) for v in pick(values)]
        else:
            picked = [_text(values[p]) if 0 <= p < size else "" for p in local]
        if any(text.strip() for text in picked):
            for column, text in zip(columns, picked, strict=True):
                column.append(text)
            index.append(number)
        if size > beyond and any(value != "" and _text(value).strip() for value in values[beyond:]):
            overflow.append(number)
    return _table(positions, columns, index, overflow), number - first + 1


def _picker(local: list[int]) -> Callable[[Sequence[object]], tuple[object, ...]]:
    """A function giving the values at ``local`` of a row, always as a tuple."""
    if len(local) == 1:
        only = local[0]
        return lambda values: (values[only],)
    return itemgetter(*local)


def _table(
    positions: tuple[int, ...], columns: list[list[str]], index: list[int], overflow: list[int]
) -> RawTable:
    frame = pd.DataFrame(dict(zip(positions, columns, strict=True)), dtype=object)
    frame.index = pd.Index(index, name="row", dtype="int64")
    return RawTable(frame, tuple(overflow))


def _error_cells(path: Path, title: str) -> dict[int, dict[int, str]]:
    """The error cells (``#N/A``, ``#DIV/0!``…) of sheet ``title``, by Excel row and column.

    calamine reads an error cell as blank; openpyxl read its code, and a blanked
    error would hide a broken formula (or skip a row of them), so the codes are
    found in the sheet's XML. A sheet without any costs one search of its bytes.
    """
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, title)
        if part is None or not _has_error_type(archive, part):
            return {}
        data = archive.read(part)
    found: dict[int, dict[int, str]] = {}
    for cell in _ERROR_CELL.finditer(data):
        reference = _REFERENCE.search(cell.group(1))
        value = _ERROR_VALUE.search(data, cell.end())
        if cell.group(1).endswith(b"/") or not reference or not value or value.group(1) is None:
            continue  # no value, or no place: calamine's blank stands
        column = 0
        for letter in reference.group(1).upper():
            column = column * 26 + letter - 64
        code = unescape(value.group(1).decode("utf-8", "replace"))
        found.setdefault(int(reference.group(2)), {})[column - 1] = code
    return found


def _has_error_type(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the part has an attribute valued "e" (as ``t="e"``), read a chunk at a time."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if b'"e"' in window or b"'e'" in window:
                return True
            tail = window[-2:]
    return False


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str | None:
    """The zip member holding sheet ``title``'s cells, found through the relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relation = next(
        (
            value
            for element in workbook.iter()
            if _local(element.tag) == "sheet" and element.get("name") == title
            for key, value in element.attrib.items()
            if _local(key) == "id" and key.startswith("{")
        ),
        None,
    )
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for element in rels.iter():
        if _local(element.tag) == "Relationship" and element.get("Id") == relation:
            target = element.get("Target", "")
            joined = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return posixpath.normpath(joined)
    return None


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]
