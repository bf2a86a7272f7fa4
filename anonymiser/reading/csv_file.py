"""Read the data rows of a CSV file below its header, keeping Excel's row numbers.

The fast path is Arrow's multi-threaded CSV parser, reading every cell as text.
Any row with more or fewer cells than the header sends the file down the slow,
exact path (the standard library's ``csv`` module), which pads short rows and
notes rows with values beyond the last header. Both paths index rows by the
number Excel shows: blank rows are skipped but still counted.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from anonymiser.errors import UnusableInput
from anonymiser.reading.text import CP1252, UTF8, UTF16, TextLayout

_BLOCK_BYTES = 1 << 24
_FALLBACK_ENCODINGS = {UTF8: (UTF8, CP1252, "latin-1"), CP1252: (CP1252, "latin-1")}


@dataclass(frozen=True)
class CsvPlan:
    """Where the data starts and which columns to read."""

    layout: TextLayout
    #: Physical lines up to and including the header row.
    skip_lines: int
    #: Excel's number for the header row.
    header_row: int
    #: Number of cells in the header row.
    width: int
    #: The 0-based positions of the columns to read.
    positions: tuple[int, ...]


@dataclass(frozen=True)
class RawTable:
    """Cells as text, one column per position read, indexed by Excel row number."""

    frame: pd.DataFrame
    #: Excel rows holding values to the right of the last header cell.
    overflow_rows: tuple[int, ...] = ()


def read_csv_table(path: Path, plan: CsvPlan) -> RawTable:
    """Read the data rows named by ``plan``, trying each plausible encoding in turn."""
    encodings = _FALLBACK_ENCODINGS.get(plan.layout.encoding, (plan.layout.encoding,))
    for encoding in encodings:
        try:
            return _read_with(path, plan, encoding)
        except UnicodeDecodeError:
            continue
    raise UnusableInput(
        f"{path.name} is not text in any encoding tried: save it from Excel as CSV (UTF-8)."
    )


def _read_with(path: Path, plan: CsvPlan, encoding: str) -> RawTable:
    """Arrow first, the exact path when Arrow finds ragged rows or cannot take the encoding."""
    if encoding != UTF16:
        table = _arrow_table(path, plan, encoding)
        if table is not None:
            return _from_arrow(table, plan)
    return _read_exactly(path, plan, encoding)


def _arrow_table(path: Path, plan: CsvPlan, encoding: str) -> pa.Table | None:
    """The data rows as an Arrow table of strings, or ``None`` when some row is ragged."""
    ragged: list[object] = []

    def note_ragged(row: object) -> str:
        ragged.append(row)
        return "skip"

    try:
        table = _arrow_read(path, plan, encoding, note_ragged)
    except pa.ArrowInvalid as err:
        if "UTF8" in str(err) or "UTF-8" in str(err):
            raise UnicodeDecodeError(encoding, b"", 0, 1, "invalid text") from None
        return None
    return None if ragged else table


def _arrow_read(
    path: Path, plan: CsvPlan, encoding: str, on_ragged: Callable[[object], str]
) -> pa.Table:
    names = [f"c{position}" for position in range(plan.width)]
    wanted = [names[position] for position in plan.positions]
    return pa_csv.read_csv(
        path,
        read_options=pa_csv.ReadOptions(
            skip_rows=plan.skip_lines,
            column_names=names,
            encoding="utf8" if encoding == UTF8 else encoding,
            block_size=_BLOCK_BYTES,
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=plan.layout.delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=on_ragged,
        ),
        convert_options=pa_csv.ConvertOptions(
            include_columns=wanted,
            column_types=dict.fromkeys(wanted, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _from_arrow(table: pa.Table, plan: CsvPlan) -> RawTable:
    """Drop blank rows, number the rest as Excel does, and hand them to pandas as Arrow text."""
    rows = np.arange(table.num_rows, dtype=np.int64) + plan.header_row + 1
    blank = _blank_rows(table)
    if blank.size:
        keep = np.ones(table.num_rows, dtype=bool)
        keep[blank] = False
        table = table.filter(pa.array(keep))
        rows = rows[keep]
    columns = {
        position: _as_text(column)
        for position, column in zip(plan.positions, table.columns, strict=True)
    }
    del table
    frame = pd.DataFrame(columns, copy=False)  # one block per column: no copy into a 2-D block
    frame.index = pd.Index(rows, name="row")
    return RawTable(frame)


def _as_text(column: pa.ChunkedArray) -> pd.Series:
    """A column as pandas text backed by the Arrow array itself: no copy, and no Python
    object per cell (validation parses Arrow text directly; see schemas.fieldtypes)."""
    return pd.Series(pd.arrays.ArrowExtensionArray(column), copy=False)


def _blank_rows(table: pa.Table) -> np.ndarray:
    """Positions of rows whose every cell is empty or spaces.

    Only rows whose first cell is blank are candidates, so the full test runs
    on a handful of rows rather than on every cell of the file.
    """
    if table.num_columns == 0:
        return np.arange(table.num_rows)
    candidates = np.flatnonzero(_blank_cells(table.column(0)))
    if candidates.size == 0:
        return candidates
    subset = table.take(pa.array(candidates))
    blank = np.ones(candidates.size, dtype=bool)
    for column in subset.columns[1:]:
        blank &= _blank_cells(column)
    return candidates[blank]


def _blank_cells(column: pa.ChunkedArray) -> np.ndarray:
    empty = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(column)), 0)
    return np.asarray(empty.to_numpy(zero_copy_only=False), dtype=bool)


def _read_exactly(path: Path, plan: CsvPlan, encoding: str) -> RawTable:
    """Read row by row with the ``csv`` module, padding short rows and noting long ones."""
    cells: list[list[str]] = []
    index: list[int] = []
    overflow: list[int] = []
    row = plan.header_row
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream, delimiter=plan.layout.delimiter)
        try:
            for _ in range(plan.header_row):
                next(reader, None)
            for record in reader:
                row += 1
                if _has_values(record[plan.width :]):
                    overflow.append(row)
                picked = _pick(record, plan.positions)
                if _has_values(picked):
                    cells.append(picked)
                    index.append(row)
        except csv.Error:
            raise UnusableInput(
                f"{path.name} cannot be read as CSV at row {row + 1} "
                "(a stray quote, or a cell too long): fix that row or save the file from "
                "Excel as CSV (UTF-8)."
            ) from None
    columns = zip(*cells, strict=True) if cells else ([] for _ in plan.positions)
    frame = pd.DataFrame(
        {
            position: _as_text(pa.chunked_array([pa.array(list(values), pa.string())]))
            for position, values in zip(plan.positions, columns, strict=True)
        },
        copy=False,
    )
    frame.index = pd.Index(index, name="row", dtype=np.int64)
    return RawTable(frame, tuple(overflow))


def _pick(record: Sequence[str], positions: Sequence[int]) -> list[str]:
    size = len(record)
    return [record[position] if position < size else "" for position in positions]


def _has_values(cells: Sequence[str]) -> bool:
    return any(cell.strip() for cell in cells)
