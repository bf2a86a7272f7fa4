"""calamine reads workbooks as openpyxl did: the same text for every cell, the same row numbers.

The reference is openpyxl's read-only mode (the reader before calamine) with
:func:`cell_text` applied to its values, on workbooks openpyxl writes.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymiser.errors import UnusableInput
from anonymiser.reading import read_return
from anonymiser.reading.xlsx_file import (
    _guarded,
    cell_text,
    choose_sheet,
    open_workbook,
    read_sheet_table,
)
from schemas import ReturnSchema

ERRORS = ("#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!")
# Printable text; calamine decodes Excel's _xHHHH_ escapes, which openpyxl kept as typed.
TEXT = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=12
).filter(lambda text: "_x" not in text)
# Times up to 23:59:59.999: a later one rounds to midnight, which openpyxl reads as 1900-01-01.
TIMES = st.times(max_value=dt.time(23, 59, 59, 999_000))
VALUES = st.one_of(
    st.none(),
    TEXT,
    st.sampled_from(ERRORS),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(dt.date(1900, 1, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31)),
    TIMES,
    st.timedeltas(dt.timedelta(0), dt.timedelta(days=9000)),
)
GRID = st.lists(st.lists(VALUES, max_size=7), min_size=1, max_size=10)
SETTINGS = settings(
    max_examples=150, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip


class _Anything:
    """A vocabulary that names no field: every sheet scores 0 and the first visible one wins."""

    return_type = "any"
    version = 1
    raw_fields = ()

    def match_header(self, header: str) -> str | None:
        return None


def write(path: Path, grid: list[list[object]], top: int, left: int) -> Path:
    """``grid`` on a sheet, starting ``top`` rows down and ``left`` columns across."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for r, row in enumerate(grid, start=top + 1):
        for c, value in enumerate(row, start=left + 1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)  # type: ignore[arg-type]
    workbook.save(path)
    return path


def openpyxl_rows(path: Path) -> list[tuple[str, ...]]:
    """Every row as openpyxl's read-only mode gave it, through ``cell_text``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet: Any = workbook.active
        sheet.reset_dimensions()
        rows = [tuple(cell_text(v) for v in row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    return rows


def openpyxl_table(
    rows: list[tuple[str, ...]], header_row: int, positions: tuple[int, ...], width: int
) -> tuple[dict[int, list[str]], tuple[int, ...]]:
    """The data rows and overflow rows as the openpyxl reader streamed them."""
    kept: dict[int, list[str]] = {}
    overflow = []
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        picked = [row[p] if p < len(row) else "" for p in positions]
        if any(text.strip() for text in picked):
            kept[number] = picked
        if any(text.strip() for text in row[width:]):
            overflow.append(number)
    return kept, tuple(overflow)


@SETTINGS
@given(grid=GRID, top=st.integers(0, 4), left=st.integers(0, 3), header=st.integers(0, 6))
def test_cells_read_as_openpyxl_read_them(
    grid: list[list[object]], top: int, left: int, header: int
) -> None:
    """Every cell's text, every row number and every overflow row match the openpyxl reader."""
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "mixed.xlsx", grid, top, left)
        expected = openpyxl_rows(path)
        width = left + 3
        positions = tuple(range(left + 4))
        with open_workbook(path) as workbook:
            head = choose_sheet(path, workbook, [_Anything()], 200)
            table = read_sheet_table(path, workbook, head.title, header, positions, width)
    assert list(head.rows) == expected
    kept, overflow = openpyxl_table(expected, header, positions, width)
    assert list(table.frame.index) == list(kept)
    assert table.frame.to_numpy().tolist() == list(kept.values())
    assert table.overflow_rows == overflow


def test_head_rows_stop_at_the_count(tmp_path: Path) -> None:
    """Only the opening rows are given for the header search, numbered from row 1."""
    path = write(tmp_path / "long.xlsx", [[f"r{n}", n] for n in range(30)], top=2, left=1)
    with open_workbook(path) as workbook:
        head = choose_sheet(path, workbook, [_Anything()], 5)
    assert head.rows == ((), (), ("", "r0", "0"), ("", "r1", "1"), ("", "r2", "2"))


def test_whole_day_dates_read_as_midnight(tmp_path: Path) -> None:
    """A date cell reads as openpyxl's datetime at midnight, as earlier checks reported it."""
    cells: list[list[object]] = [[dt.date(2024, 3, 31), dt.datetime(2024, 3, 31, 9)]]
    path = write(tmp_path / "dates.xlsx", cells, 0, 0)
    with open_workbook(path) as workbook:
        head = choose_sheet(path, workbook, [_Anything()], 5)
    assert head.rows == (("2024-03-31 00:00:00", "2024-03-31 09:00:00"),)


def test_error_cells_keep_their_codes(messy: Any, placements: ReturnSchema) -> None:
    """An #N/A in a data cell is read as #N/A (calamine alone would blank it)."""
    layout = messy.layout(typed=True)
    path = messy.xlsx(layout)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    first, second = layout.data_rows[:2]
    column = messy.position("unit_cost") + 1
    sheet.cell(row=first, column=column, value="#N/A")
    sheet.cell(row=second, column=column, value="#DIV/0!")
    workbook.save(path)
    read = read_return(path, placements)
    assert read.frame.at[first, "unit_cost"] == "#N/A"
    assert read.frame.at[second, "unit_cost"] == "#DIV/0!"


def test_a_row_of_errors_is_not_skipped_as_blank(tmp_path: Path) -> None:
    """A row holding only error cells is a data row, as it was with openpyxl."""
    path = write(tmp_path / "errors.xlsx", [["Ref", "Cost"], ["#N/A", "#REF!"], ["A1", 2]], 0, 0)
    with open_workbook(path) as workbook:
        table = read_sheet_table(path, workbook, "Sheet", 1, (0, 1), 2)
    assert list(table.frame.index) == [2, 3]
    assert table.frame.loc[2].tolist() == ["#N/A", "#REF!"]


def test_hidden_sheets_are_passed_over(tmp_path: Path) -> None:
    """A hidden sheet is not read while a visible one is there."""
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.title = "Hidden"
    hidden["A1"] = "secret"
    hidden.sheet_state = "hidden"
    shown = workbook.create_sheet("Shown")
    shown["A1"] = "shown"
    path = tmp_path / "hidden.xlsx"
    workbook.save(path)
    with open_workbook(path) as opened:
        head = choose_sheet(path, opened, [_Anything()], 5)
    assert (head.title, head.rows, head.sheet_count) == ("Shown", (("shown",),), 1)


def test_an_empty_sheet_has_no_rows(tmp_path: Path) -> None:
    """A sheet with no cells gives no head rows and no data rows."""
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with open_workbook(path) as workbook:
        head = choose_sheet(path, workbook, [_Anything()], 5)
        table = read_sheet_table(path, workbook, head.title, 1, (0,), 1)
    assert head.rows == ()
    assert table.frame.empty
    assert isinstance(table.frame, pd.DataFrame)


class PanicException(BaseException):
    """Stands for pyo3's exception type, which Python code cannot import before a panic."""


def test_a_rust_panic_is_refused_as_a_damaged_workbook(tmp_path: Path) -> None:
    """A panic inside calamine (a BaseException) becomes the damaged-workbook refusal."""

    def panics() -> None:
        raise PanicException("index out of bounds")

    with pytest.raises(UnusableInput, match="is a damaged workbook"):
        _guarded(tmp_path / "export.xlsx", panics)


def test_an_interrupt_is_not_taken_for_damage(tmp_path: Path) -> None:
    """Ctrl-C while reading still stops the run: only panics are turned into refusals."""

    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _guarded(tmp_path / "export.xlsx", interrupted)
