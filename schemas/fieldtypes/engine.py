"""Running a field type over a column of cells, or over one cell.

Both entry points do the same groundwork before the type sees a value: anything that is
not text becomes text (a float ``1234567890.0`` from a spreadsheet reader, a ``datetime``),
surrounding white space goes, blanks become missing, and a spreadsheet error such as
``#N/A`` is reported as such rather than as a badly formed value.

Columns whose values repeat (code lists, dates, amounts, provider ids) are parsed once
per distinct value and spread back, which is what makes a million-row file quick.
"""

from __future__ import annotations

import math
import re
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas.fieldtypes.base import (
    TRIM_CHARS,
    ColumnOutcome,
    Failure,
    FieldType,
    ParseContext,
    Pattern,
    ValueOutcome,
    flag,
)

SPREADSHEET_ERROR = Failure(
    "cell.spreadsheet_error",
    "The cell holds a spreadsheet error (such as #N/A or #REF!) instead of a value",
    "Fix the formula in the source spreadsheet, or paste the values in, and export again.",
)
_SPREADSHEET_ERROR = Pattern(r"#(?:N/A|REF!|VALUE!|DIV/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!)")

#: Below this many rows, or when nearly every sampled value differs, parse each row directly.
_DEDUPE_MIN_ROWS = 5_000
#: A sample this large tells 100,000 distinct values in a million rows (about 2,000 repeats
#: expected in the sample) from a million distinct ones (about 200).
_SAMPLE = 20_000


#: A column of cells: Python values in an object array, or text in Arrow.
Cells: TypeAlias = np.ndarray | pa.Array | pa.ChunkedArray

_SURROGATE = re.compile("[\ud800-\udfff]")


def as_text(value: Any) -> str | None:
    """A cell as text, or ``None`` when it is missing (``None``, NaN, NaT, ``pd.NA``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = value if isinstance(value, str) else str(value)
    if not text.isascii() and _SURROGATE.search(text):
        # A lone surrogate cannot be encoded; the replacement still fails strict types.
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def parse_value(value: Any, field_type: FieldType, context: ParseContext) -> ValueOutcome:
    """Parse one cell: the single-value engine (marshmallow fields use this)."""
    text = as_text(value)
    if text is None:
        return ValueOutcome(missing=True)
    text = text.strip(TRIM_CHARS)
    if not text:
        return ValueOutcome(missing=True)
    if _SPREADSHEET_ERROR.one(text):
        return ValueOutcome(failure=SPREADSHEET_ERROR)
    return field_type.parse_one(text, context)


def parse_cells(
    cells: Cells, field_type: FieldType, context: ParseContext
) -> tuple[ColumnOutcome, np.ndarray]:
    """Parse a column of cells: the vectorised engine.

    ``cells`` is an object array (any values), or an Arrow string array as the CSV reader
    gives them (parsed without a Python object per cell). Returns the outcome and a mask
    of cells that are missing (blank).
    """
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    if isinstance(cells, pa.Array):
        return _parse_arrow(cells, field_type, context)
    if len(cells) >= _DEDUPE_MIN_ROWS and _repetitive(cells):
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        outcome, missing = _parse_distinct(np.asarray(uniques, dtype=object), field_type, context)
        return _spread(outcome, missing, np.asarray(codes))
    return _parse_distinct(cells, field_type, context)


def _parse_arrow(
    cells: pa.Array, field_type: FieldType, context: ParseContext
) -> tuple[ColumnOutcome, np.ndarray]:
    """Arrow text: each distinct value parsed once when values repeat (dictionary encoded)."""
    if not (pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type)):
        return _parse_distinct(np.asarray(cells.to_pylist(), dtype=object), field_type, context)
    cells = cells.cast(pa.string())
    if len(cells) >= _DEDUPE_MIN_ROWS and _repetitive_arrow(cells):
        encoded = cells.dictionary_encode()
        outcome, missing = _parse_text(encoded.dictionary, None, field_type, context, keep=True)
        if isinstance(outcome.values, pa.Array) and not encoded.indices.null_count:
            # Text: spread in Arrow, and it stays Arrow.
            rows = encoded.indices.to_numpy()
            failures = {f: mask[rows] for f, mask in outcome.failures.items()}
            spread = ColumnOutcome(
                _arrow_text_column(outcome.values.take(encoded.indices)), failures
            )
            return spread, missing[rows]
        if isinstance(outcome.values, pa.Array):
            outcome.values = outcome.numpy_values()
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return _spread(outcome, missing, np.asarray(codes, dtype=np.int64))
    outcome, missing = _parse_text(cells, None, field_type, context, keep=True)
    if isinstance(outcome.values, pa.Array):
        outcome.values = _arrow_text_column(outcome.values)
    return outcome, missing


def _arrow_text_column(values: pa.Array) -> Any:
    """Parsed text kept in Arrow, as a pandas array (``None`` reads back where missing)."""
    return pd.arrays.ArrowExtensionArray(values.cast(pa.string()))


def _parse_distinct(
    cells: np.ndarray, field_type: FieldType, context: ParseContext
) -> tuple[ColumnOutcome, np.ndarray]:
    raw, all_text = _arrow_text(cells)
    return _parse_text(raw, cells if all_text else None, field_type, context)


def _parse_text(
    raw: pa.Array,
    cells: np.ndarray | None,
    field_type: FieldType,
    context: ParseContext,
    *,
    keep: bool = False,
) -> tuple[ColumnOutcome, np.ndarray]:
    """Parse Arrow text; ``cells``, when given, are the same values as Python strings."""
    text = pc.utf8_trim(raw, characters=TRIM_CHARS)
    blank = pc.equal(text, "")
    text = pc.if_else(blank, None, text)
    missing = ~np.asarray(text.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    broken = _spreadsheet_errors(text)
    if broken.any():
        text = pc.if_else(pa.array(broken), None, text)
    outcome = field_type.parse_column(text, context)
    if broken.any():
        outcome.failures = {SPREADSHEET_ERROR: broken, **outcome.failures}
    if isinstance(outcome.values, pa.Array) and not keep:
        outcome.values = _python_strings(outcome.values, raw, cells)
    return outcome, missing


def _python_strings(values: pa.Array, raw: pa.Array, cells: np.ndarray | None) -> np.ndarray:
    """Parsed text as Python strings, reusing each cell's own object when it is unchanged."""
    if cells is None:
        return np.array(values.to_numpy(zero_copy_only=False), dtype=object)
    same = flag(pc.equal(values, raw))
    out = np.full(len(values), None, dtype=object)
    out[same] = cells[same]
    changed = ~same & np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if changed.any():
        out[changed] = values.filter(pa.array(changed)).to_numpy(zero_copy_only=False)
    return out


def _spreadsheet_errors(text: pa.Array) -> np.ndarray:
    """Cells holding a spreadsheet error; only cells starting ``#`` need the pattern."""
    hashed = flag(pc.starts_with(text, "#"))
    if not hashed.any():
        return hashed
    return hashed & _SPREADSHEET_ERROR.column(text)


def to_arrow(cells: np.ndarray) -> pa.Array:
    """Cells as a pyarrow string array, null where missing; non-text becomes text."""
    return _arrow_text(cells)[0]


def _arrow_text(cells: np.ndarray) -> tuple[pa.Array, bool]:
    """Cells as a pyarrow string array, and whether every present cell was already text."""
    try:
        array = pa.array(cells, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError, UnicodeError):
        array = None
    if array is not None and pa.types.is_null(array.type):
        return pa.nulls(len(cells), pa.string()), True
    if array is not None and (
        pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    ):
        return array.cast(pa.string()), True
    return pa.array([as_text(cell) for cell in cells], type=pa.string()), False


def _repetitive(cells: np.ndarray) -> bool:
    """Whether a fixed sample suggests values repeat enough to parse each distinct one once."""
    step = max(1, len(cells) // _SAMPLE)
    sample = cells[::step]
    return len(pd.unique(sample)) < 0.95 * len(sample)


def _repetitive_arrow(cells: pa.Array) -> bool:
    """:func:`_repetitive` for Arrow text: the same fixed sample, counted in Arrow."""
    step = max(1, len(cells) // _SAMPLE)
    sample = cells.take(pa.array(np.arange(0, len(cells), step)))
    return pc.count_distinct(sample, mode="all").as_py() < 0.95 * len(sample)


def _spread(
    outcome: ColumnOutcome, missing: np.ndarray, codes: np.ndarray
) -> tuple[ColumnOutcome, np.ndarray]:
    """Map per-distinct-value results back onto rows (code -1 is a missing cell)."""
    take = np.where(codes < 0, len(missing), codes)
    distinct = outcome.numpy_values()
    values = np.concatenate([distinct, _missing_like(distinct)])
    failures = {
        failure: np.concatenate([mask, [False]])[take] for failure, mask in outcome.failures.items()
    }
    return ColumnOutcome(values[take], failures), np.concatenate([missing, [True]])[take]


def _missing_like(values: np.ndarray) -> np.ndarray:
    if values.dtype == np.float64:
        return np.array([np.nan])
    if np.issubdtype(values.dtype, np.datetime64):
        return np.array(["NaT"], dtype=values.dtype)
    return np.array([None], dtype=object)
