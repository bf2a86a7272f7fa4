"""The return's payload: the shared frame as CSV bytes, written column-wise with Arrow.

RFC 4180 as docs/return-format.md specifies: comma separated, a header of the shared
field names in schema order, LF line ends, UTF-8, empty cells for missing values, and a
value quoted (``""`` for a quote inside) only when it holds a comma, a quote or a line
break. Money is written with two decimals (``912.50``), other numbers plainly (``37.5``).

Each batch of rows is turned into one Arrow string per line by joining the columns'
text (the last column carrying the line end), so the batch's CSV is the joined array's
data buffer and a million rows never pass through Python one by one.
"""

from __future__ import annotations

from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas import ReturnSchema

BATCH_ROWS = 100_000
_NEEDS_QUOTES = r'[",\r\n]'
_SPECIAL_BYTES = (b'"', b",", b"\r", b"\n")
_UNQUOTED_TYPES = frozenset({"pseudonym", "month", "ons_code", "code"})
_TEXT = pa.large_string()


def _s(text: str) -> pa.Scalar:
    return pa.scalar(text, _TEXT)


def write_payload(shared: pd.DataFrame, schema: ReturnSchema, stream: BinaryIO) -> dict[str, int]:
    """Write ``shared`` as the payload CSV; returns each column's count of filled cells."""
    kinds = {field.name: field.type.name for field in schema.shared_fields}
    names = list(shared.columns)
    filled = dict.fromkeys(names, 0)
    # Shared field names are [a-z0-9_]: the header never needs quoting.
    stream.write((",".join(names) + "\n").encode("utf-8"))
    for start in range(0, len(shared), BATCH_ROWS):
        batch = shared.iloc[start : start + BATCH_ROWS]
        texts = [column_text(batch[name], kinds.get(name, "text")) for name in names]
        for name, text in zip(names, texts, strict=True):
            filled[name] += len(text) - text.null_count
        stream.write(_lines(texts))
    return filled


def column_text(values: pd.Series, kind: str) -> pa.Array:
    """One column as CSV cell text (quoted where needed; null where missing)."""
    if kind == "money":
        return fixed_point(values, places=2, trim=False)
    if pd.api.types.is_float_dtype(values.dtype):
        return fixed_point(values, places=4, trim=True)
    text = pa.array(values.to_numpy(dtype=object), type=_TEXT, from_pandas=True)
    if kind in _UNQUOTED_TYPES:
        return text
    return _quote_where_needed(text)


def fixed_point(values: pd.Series, *, places: int, trim: bool) -> pa.Array:
    """Numbers as text with ``places`` decimals (trailing zeros trimmed if ``trim``)."""
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(numbers)
    scale = 10**places
    scaled = np.abs(np.round(np.where(missing, 0.0, numbers) * scale)).astype(np.int64)
    whole = pa.array(scaled // scale).cast(_TEXT)
    fraction = pc.utf8_lpad(pa.array(scaled % scale).cast(_TEXT), places, "0")
    text = pc.binary_join_element_wise(whole, fraction, _s("."))
    if trim:
        text = pc.utf8_rtrim(pc.utf8_rtrim(text, "0"), ".")
    negative = pa.array((numbers < 0) & (scaled > 0))
    text = pc.if_else(negative, pc.binary_join_element_wise(_s("-"), text, _s("")), text)
    return pc.if_else(pa.array(missing), pa.scalar(None, _TEXT), text)


def _quote_where_needed(text: pa.Array) -> pa.Array:
    if not _holds_special_bytes(text):
        return text
    needs = pc.fill_null(pc.match_substring_regex(text, _NEEDS_QUOTES), False)
    if not pc.any(needs).as_py():
        return text
    escaped = pc.replace_substring(text, '"', '""')
    quoted = pc.binary_join_element_wise(_s('"'), escaped, _s('"'), _s(""))
    return pc.if_else(needs, quoted, text)


def _holds_special_bytes(text: pa.Array) -> bool:
    """Whether a quote, comma or line break may be in some value: one search of the
    array's whole text buffer (none there means none in any value; UTF-8 never uses
    these bytes inside a multi-byte character), so most columns skip the per-value test."""
    data = text.buffers()[2]
    if data is None:
        return False
    whole = data.to_pybytes()
    return any(byte in whole for byte in _SPECIAL_BYTES)


def _lines(texts: list[pa.Array]) -> memoryview:
    """The batch's CSV lines, each ended by LF, as one buffer."""
    last = pc.binary_join_element_wise(pc.fill_null(texts[-1], _s("")), _s(""), _s("\n"))
    joined = pc.binary_join_element_wise(*texts[:-1], last, _s(","), null_handling="replace")
    start, stop = joined.offset, joined.offset + len(joined)
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64, count=stop + 1)
    first, end = int(offsets[start]), int(offsets[stop])
    return memoryview(joined.buffers()[2])[first:end]
