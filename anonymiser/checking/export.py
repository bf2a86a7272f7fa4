"""The full problem list as a file the officer can sort and filter: CSV or XLSX.

The file is written beside its destination under a temporary name and moved
into place in one step, so a failed run never leaves a half-written list.
Values that a spreadsheet would run as a formula (``=``, ``+``, ``@``...) are
written with a leading apostrophe.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from anonymiser.checking.report import CheckReport

SUFFIXES = (".csv", ".xlsx")
EXCEL_MAX_ROWS = 1_048_576
_HEADINGS = {
    "file": "File",
    "row": "Row",
    "letter": "Column",
    "header": "Header",
    "field": "Field",
    "value": "Value",
    "severity": "Severity",
    "code": "Code",
    "message": "Problem",
    "hint": "What to do",
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_problem_list(report: CheckReport, destination: Path) -> None:
    """Write every problem to ``destination`` (``.csv`` or ``.xlsx``), atomically."""
    suffix = destination.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{destination.name}: the problem list is written as .csv or .xlsx")
    table = _table(report)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=suffix, dir=destination.parent or Path(".")
    )
    os.close(handle)
    try:
        if suffix == ".csv":
            table.to_csv(temporary, index=False, encoding="utf-8-sig")
        else:
            _write_xlsx(table, Path(temporary))
        os.replace(temporary, destination)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _table(report: CheckReport) -> pd.DataFrame:
    table = report.problems.assign(file=report.file.name)
    table = table[list(_HEADINGS)].rename(columns=_HEADINGS)
    table["Row"] = table["Row"].astype("Int64")
    for column in ("Header", "Value", "Problem", "What to do"):
        table[column] = table[column].map(_inert)
    return table


def _inert(value: object) -> object:
    """A text value a spreadsheet will show rather than run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _write_xlsx(table: pd.DataFrame, path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Problems")
    sheet.freeze_panes = "A2"
    sheet.append(list(table.columns))
    rows = table.astype(object).where(table.notna(), None)
    limit = EXCEL_MAX_ROWS - 2
    for values in rows.head(limit).itertuples(index=False):
        sheet.append(list(values))
    if len(rows) > limit:
        sheet.append(
            [f"... {len(rows) - limit:,} more problems: write the list as CSV to see all."]
        )
    workbook.save(path)
