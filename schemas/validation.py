"""Validating a whole frame against a schema view: the vectorised path.

Every column is parsed by its field's type (see :mod:`schemas.fieldtypes.engine`), missing
required values and columns are reported, then the view's cross-field rules run over the
parsed frame. Nothing here loops over rows in Python on the common path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from schemas.fields import Field, SharedField
from schemas.fieldtypes import Failure, FieldType, ParseContext, parse_cells
from schemas.fieldtypes.engine import Cells
from schemas.period import ReturnPeriod
from schemas.problems import (
    MISSING_COLUMN,
    REPEATED_COLUMN,
    REQUIRED,
    UNEXPECTED_COLUMN,
    FrameValidation,
    ProblemLog,
)
from schemas.rules import FrameRule

View = Literal["raw", "shared"]
AnyField = Field | SharedField


def validate_frame(
    df: pd.DataFrame,
    fields: Sequence[AnyField],
    rules: Sequence[FrameRule],
    *,
    view: View,
    rehearsal: bool = False,
    period: ReturnPeriod | None = None,
    on_parsed: Callable[[str, Any], None] | None = None,
) -> FrameValidation:
    """Parse and check ``df`` (cells as text) against ``fields`` and ``rules``.

    ``on_parsed(name, values)``, when given, is called as each field's column is parsed
    (before the rules run), so a caller can start work on it while the rest is checked;
    such work must be dropped if the validation then fails.
    """
    context = ParseContext(rehearsal=rehearsal)
    log = ProblemLog(df.index, {f.name: position for position, f in enumerate(fields)})
    _check_columns(df, fields, view, log)
    parsed: dict[str, np.ndarray] = {}
    for field in fields:
        if field.name not in df.columns:
            parsed[field.name] = _empty(field.type, len(df))
            continue
        cells = _cells(df, field.name)
        outcome, missing = parse_cells(cells, field.type, context)
        parsed[field.name] = outcome.values
        if on_parsed is not None:
            on_parsed(field.name, outcome.values)
        for failure, mask in outcome.failures.items():
            log.rows(field.name, mask, cells, failure, masked=field.identifier)
        if field.required and missing.any():
            log.rows(field.name, missing, None, _required(field), masked=False)
    # copy=False keeps one block per column: consolidating a million-row frame costs seconds.
    frame = pd.DataFrame(parsed, index=df.index, copy=False)
    for rule in rules:
        failing = rule.failing(frame, period)
        if not np.any(failing):
            continue  # the cells are fetched only to show failures
        shown = _cells(df, rule.field) if rule.field in df.columns else None
        masked = any(f.identifier for f in fields if f.name == rule.field)
        log.rows(rule.field, failing, shown, rule.failure, masked=masked)
    return FrameValidation(problems=log.table(), parsed=frame)


def _check_columns(
    df: pd.DataFrame, fields: Sequence[AnyField], view: View, log: ProblemLog
) -> None:
    names = {field.name for field in fields}
    for field in fields:
        if field.required and field.name not in df.columns:
            headers = ", ".join(field.aliases[:6]) or field.name
            log.column(
                field.name,
                MISSING_COLUMN,
                f"The required column {field.name} is missing",
                f"Add a column headed {field.name} (or one of: {headers}) and fill it in.",
            )
    repeated = sorted({str(c) for c in df.columns[df.columns.duplicated()] if c in names})
    for name in repeated:
        log.column(
            name,
            REPEATED_COLUMN,
            f"More than one column is read as {name}; the first is used",
            "Remove or rename the extra columns so each field appears once.",
        )
    if view == "shared":
        for column in df.columns:
            if column not in names:
                log.column(
                    str(column),
                    UNEXPECTED_COLUMN,
                    "The shared view has a column the schema does not allow",
                    "Send only the shared fields the schema lists; this column must not leave "
                    "the authority.",
                )


def _cells(df: pd.DataFrame, name: str) -> Cells:
    """A column's cells: Arrow text stays Arrow (no Python object per cell), else objects."""
    column = df.loc[:, name]
    if isinstance(column, pd.DataFrame):  # a repeated header: the first column is used
        column = column.iloc[:, 0]
    if isinstance(column.dtype, pd.ArrowDtype):
        text = pa.array(column.array)  # Arrow's own (chunked) array, not a copy
        return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    return column.to_numpy(dtype=object)


def _empty(field_type: FieldType, length: int) -> np.ndarray:
    if field_type.parsed_kind == "float":
        return np.full(length, np.nan)
    if field_type.parsed_kind == "date":
        return np.full(length, np.datetime64("NaT"), dtype="datetime64[ns]")
    return np.full(length, None, dtype=object)


def _required(field: AnyField) -> Failure:
    return Failure(
        REQUIRED,
        f"{field.name} is required but the cell is empty",
        f"Fill in {field.name} for this row; every row needs it.",
    )
