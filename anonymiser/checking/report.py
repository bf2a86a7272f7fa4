"""The outcome of checking one export: what was read, and every problem pointed at a cell.

A :class:`CheckReport` holds the file's column mapping, the columns dropped and
a table of problems, one row per problem, with the columns in
:data:`PROBLEM_COLUMNS`: the Excel ``row``, the column's ``letter`` and its own
``header``, the schema ``field``, the ``value`` (masked for identifiers), a
``code``, the ``severity`` (``error`` must be fixed; ``query`` may be
explained), the ``message`` and the ``hint`` saying what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from anonymiser.reading import ColumnMatch, DroppedColumn

PROBLEM_COLUMNS = (
    "row",
    "letter",
    "header",
    "field",
    "value",
    "code",
    "severity",
    "message",
    "hint",
)
ERROR = "error"
QUERY = "query"


def empty_problems() -> pd.DataFrame:
    """A problem table with no rows."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name in PROBLEM_COLUMNS})


@dataclass(frozen=True)
class CheckReport:
    """Everything ``anonymiser check`` found in one file."""

    file: Path
    return_type: str
    version: int
    period: str | None
    rows: int
    header_row: int
    mapping: tuple[ColumnMatch, ...]
    dropped: tuple[DroppedColumn, ...]
    #: One row per problem, columns :data:`PROBLEM_COLUMNS`, in row then column order.
    problems: pd.DataFrame
    sheet: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def errors(self) -> pd.DataFrame:
        """Problems that must be fixed before the return can be made."""
        return self.problems[self.problems["severity"] == ERROR]

    @property
    def queries(self) -> pd.DataFrame:
        """Problems the officer may explain rather than fix."""
        return self.problems[self.problems["severity"] == QUERY]

    @property
    def exit_code(self) -> int:
        """0 when the file is clean, 1 when any problem (error or query) was found."""
        return 0 if self.problems.empty else 1

    def summary(self) -> dict[str, int]:
        """The counts an officer reads first."""
        return {
            "rows": self.rows,
            "columns_mapped": len(self.mapping),
            "columns_dropped": len(self.dropped),
            "errors": len(self.errors),
            "queries": len(self.queries),
        }


def cell_reference(row: object, letter: object) -> str:
    """Where a problem is, as Excel would name it: ``D12``, a whole column ``D``, or ``row 12``."""
    number = int(row) if isinstance(row, int | np.integer) else None
    has_letter = isinstance(letter, str) and bool(letter)
    if number is not None and has_letter:
        return f"{letter}{number}"
    if has_letter:
        return f"column {letter}"
    if number is not None:
        return f"row {number}"
    return "whole file"
