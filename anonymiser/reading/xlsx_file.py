"""Read an XLSX workbook's data rows as text, streaming with openpyxl in read-only mode.

openpyxl parses the workbook's XML through defusedxml when it is installed (it
is a dependency; ``openpyxl.DEFUSEDXML`` is checked on import). Cells are
turned into the text an export would hold: dates as ``2024-03-31 00:00:00``,
whole numbers without a decimal point. The sheet read is the one whose opening
rows read best as a header; rows are numbered as Excel numbers them.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from anonymiser.errors import UnusableInput
from anonymiser.reading.csv_file import RawTable
from anonymiser.reading.header import HeaderVocabulary, best_score

if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a declared dependency
    raise ImportError("defusedxml must be installed so that workbooks are parsed safely")

_DAMAGED = (
    "is a damaged workbook that Excel's format reader cannot open: open it in Excel, "
    "save a fresh copy (or save it as CSV, UTF-8) and check that"
)


@dataclass(frozen=True)
class SheetHead:
    """The sheet chosen to read and its opening rows as text."""

    title: str
    rows: tuple[tuple[str, ...], ...]
    sheet_count: int


@contextmanager
def open_workbook(path: Path) -> Iterator[Any]:
    """The workbook, read-only and with cached values; any failure to parse is refused.

    It is opened from a file object so that openpyxl goes by the bytes, not the name.
    """
    with path.open("rb") as stream, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            workbook = openpyxl.load_workbook(
                stream, read_only=True, data_only=True, keep_links=False
            )
        except Exception:  # openpyxl raises many types for malformed parts
            raise UnusableInput(f"{path.name} {_DAMAGED}.") from None
        try:
            yield workbook
        finally:
            workbook.close()


def choose_sheet(
    path: Path, workbook: Any, vocabularies: Sequence[HeaderVocabulary], count: int
) -> SheetHead:
    """The visible sheet whose opening rows best name the fields of any known return type."""
    sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"] or list(
        workbook.worksheets
    )
    if not sheets:
        raise UnusableInput(f"{path.name} has no worksheets: export the data again.")
    best: tuple[int, SheetHead] | None = None
    for sheet in sheets:
        rows = _guarded(path, lambda sheet=sheet: _head_rows(sheet, count))
        score = max(best_score(rows, vocab) for vocab in vocabularies)
        if best is None or score > best[0]:
            best = (score, SheetHead(sheet.title, rows, len(sheets)))
    assert best is not None
    return best[1]


def read_sheet_table(
    path: Path, workbook: Any, title: str, header_row: int, positions: tuple[int, ...], width: int
) -> RawTable:
    """The data rows below ``header_row`` on sheet ``title``, blank rows skipped."""
    sheet = workbook[title]
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


def _guarded(path: Path, read: Any) -> Any:
    """Run a read over the sheet's XML, refusing the file when it proves malformed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return read()
        except UnusableInput:
            raise
        except Exception:  # malformed XML surfaces from openpyxl as many exception types
            raise UnusableInput(f"{path.name} {_DAMAGED}.") from None


def _head_rows(sheet: Any, count: int) -> tuple[tuple[str, ...], ...]:
    sheet.reset_dimensions()  # a wrong <dimension> tag must not cut rows off
    rows = sheet.iter_rows(min_row=1, max_row=count, values_only=True)
    return tuple(tuple(cell_text(value) for value in row) for row in rows)


def _stream(sheet: Any, header_row: int, positions: tuple[int, ...], width: int) -> RawTable:
    columns: list[list[str]] = [[] for _ in positions]
    index: list[int] = []
    overflow: list[int] = []
    sheet.reset_dimensions()
    rows = sheet.iter_rows(min_row=header_row + 1, values_only=True)
    for number, row in enumerate(rows, start=header_row + 1):
        size = len(row)
        picked = [cell_text(row[p]) if p < size else "" for p in positions]
        if any(text.strip() for text in picked):
            for column, text in zip(columns, picked, strict=True):
                column.append(text)
            index.append(number)
        if size > width and any(cell_text(value).strip() for value in row[width:]):
            overflow.append(number)
    frame = pd.DataFrame(dict(zip(positions, columns, strict=True)), dtype=object)
    frame.index = pd.Index(index, name="row", dtype="int64")
    return RawTable(frame, tuple(overflow))
