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

import hashlib
import queue
import threading
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from keys import PayloadFacts
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
    return write_measured_payload(shared, schema, stream)[0]


def write_measured_payload(
    shared: pd.DataFrame, schema: ReturnSchema, stream: BinaryIO
) -> tuple[dict[str, int], PayloadFacts]:
    """:func:`write_payload`, also giving the facts a manifest binds (hash, length, rows),
    so the signer reads the payload once (``keys.write_return(measured=...)``).

    A second thread writes and hashes each batch (both let other threads run) while this
    one makes the next. The row count is the frame's: one CSV record per row, by
    construction; the hub counts them again when it verifies the return.
    """
    kinds = {field.name: field.type.name for field in schema.shared_fields}
    names = list(shared.columns)
    filled = dict.fromkeys(names, 0)
    with _HashingWriter(stream) as writer:
        # Shared field names are [a-z0-9_]: the header never needs quoting.
        writer.put((",".join(names) + "\n").encode("utf-8"))
        for start in range(0, len(shared), BATCH_ROWS):
            batch = shared.iloc[start : start + BATCH_ROWS]
            texts = [column_text(batch[name], kinds.get(name, "text")) for name in names]
            for name, text in zip(names, texts, strict=True):
                filled[name] += len(text) - text.null_count
            writer.put(_lines(texts))
    return filled, PayloadFacts("csv", writer.digest.hexdigest(), writer.length, len(shared))


class _HashingWriter:
    """Writes and hashes buffers in a thread of its own, at most two batches behind."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.digest, self.length = stream, hashlib.sha256(), 0
        self._queue: queue.Queue[bytes | memoryview | None] = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="payload-writer", daemon=True)

    def __enter__(self) -> _HashingWriter:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._failure is not None and kind is None:
            raise self._failure

    def put(self, data: bytes | memoryview) -> None:
        """Queue ``data`` (kept alive until written); raises what the writer met, if any."""
        if self._failure is not None:
            raise self._failure
        self._queue.put(data)

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._failure is not None:
                continue  # keep draining, so put() never blocks for ever
            try:
                self.stream.write(data)
                self.digest.update(data)
                self.length += len(data)
            except BaseException as failure:  # handed to the caller's thread
                self._failure = failure


def column_text(values: pd.Series, kind: str) -> pa.Array:
    """One column as CSV cell text (quoted where needed; null where missing)."""
    if kind == "money":
        return fixed_point(values, places=2, trim=False)
    if pd.api.types.is_float_dtype(values.dtype):
        return fixed_point(values, places=4, trim=True)
    if isinstance(values.dtype, pd.ArrowDtype):  # text kept in Arrow: no Python objects
        arrow = pa.array(values.array)
        text = (arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow).cast(_TEXT)
    else:
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
