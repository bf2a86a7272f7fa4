"""Problems found in a return, as a table a data officer can work through.

Columns: ``row`` (the frame's index label, so the reader's Excel row numbers carry
through; ``None`` for a whole-column problem), ``field``, ``value`` (as found, masked for
identifiers), ``code``, ``severity`` (``error`` blocks the return; ``query`` may be
explained), ``message`` and ``hint`` (what to do next).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from schemas.fieldtypes import Failure, as_text
from schemas.fieldtypes.engine import Cells

PROBLEM_COLUMNS = ("row", "field", "value", "code", "severity", "message", "hint")
MASK = "•"

MISSING_COLUMN = "column.missing"
UNEXPECTED_COLUMN = "column.unexpected"
REPEATED_COLUMN = "column.repeated"
REQUIRED = "value.required"


def mask_identifier(value: str) -> str:
    """An identifier with its middle hidden: ``9990000018`` -> ``999•••••18``.

    Long values keep their first three and last two characters, shorter ones the first
    and last, and very short ones nothing, so a report never reveals an identifier.
    """
    value = value.strip()
    length = len(value)
    if length >= 8:
        return value[:3] + MASK * (length - 5) + value[-2:]
    if length >= 5:
        return value[0] + MASK * (length - 2) + value[-1]
    return MASK * length


@dataclass(frozen=True)
class FrameValidation:
    """The outcome of validating a frame: the problems and the parsed values."""

    problems: pd.DataFrame
    parsed: pd.DataFrame

    @property
    def ok(self) -> bool:
        """Whether there are no errors (queries do not block a return)."""
        return not bool((self.problems["severity"] == "error").any())

    @property
    def errors(self) -> pd.DataFrame:
        """The problems that block the return."""
        return self.problems[self.problems["severity"] == "error"]

    @property
    def queries(self) -> pd.DataFrame:
        """The problems the officer may explain instead of fixing."""
        return self.problems[self.problems["severity"] == "query"]


class ProblemLog:
    """Collects problems while a frame is validated, then lays them out in row order."""

    def __init__(self, index: pd.Index, field_order: dict[str, int]) -> None:
        self._index = index
        self._order = field_order
        self._parts: list[pd.DataFrame] = []

    def column(self, field: str, code: str, message: str, hint: str) -> None:
        """A problem with a whole column (``row`` is ``None``)."""
        self._parts.append(
            _frame(np.array([-1]), [None], field, [None], code, "error", message, hint, self._order)
        )

    def rows(
        self,
        field: str,
        mask: np.ndarray,
        cells: Cells | None,
        failure: Failure,
        *,
        masked: bool,
    ) -> None:
        """A failure on the rows in ``mask``, showing each row's cell as found."""
        positions = np.flatnonzero(mask)
        if positions.size == 0:
            return
        values = None
        if cells is not None:
            values = [_shown(cell, masked) for cell in _at(cells, positions)]
        self._parts.append(
            _frame(
                positions,
                self._index[positions].tolist(),
                field,
                values or [None] * positions.size,
                failure.code,
                failure.severity,
                failure.message,
                failure.hint,
                self._order,
            )
        )

    def table(self) -> pd.DataFrame:
        """All problems: whole-column ones first, then by row and field order."""
        if not self._parts:
            return pd.DataFrame({name: pd.Series(dtype=object) for name in PROBLEM_COLUMNS})
        table = pd.concat(self._parts, ignore_index=True)
        table = table.sort_values(["_position", "_field_order"], kind="stable")
        return table.loc[:, list(PROBLEM_COLUMNS)].reset_index(drop=True)


def _at(cells: Cells, positions: np.ndarray) -> Sequence[Any]:
    """The cells at ``positions``, from an object array or Arrow text."""
    if isinstance(cells, pa.Array | pa.ChunkedArray):
        return cells.take(pa.array(positions)).to_pylist()
    return cells[positions]


def _shown(cell: Any, masked: bool) -> str | None:
    text = as_text(cell)
    if text is None:
        return None
    return mask_identifier(text) if masked else text.strip()


def _frame(
    positions: np.ndarray,
    rows: Any,
    field: str,
    values: list[str | None],
    code: str,
    severity: str,
    message: str,
    hint: str,
    order: dict[str, int],
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": pd.Series(list(rows), dtype=object),
            "field": field,
            "value": pd.Series(values, dtype=object),
            "code": code,
            "severity": severity,
            "message": message,
            "hint": hint,
            "_position": positions,
            "_field_order": order.get(field, len(order)),
        }
    )
