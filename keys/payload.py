"""Measuring a return's payload as it streams past: SHA-256, length and row count.

Rows are counted the RFC 4180 way, on the CSV bytes (after gunzip for ``csv+gzip``):
every LF (0x0A) outside double quotes ends a record, a double quote (0x22) toggles
"inside quotes" (so an escaped ``""`` toggles twice), a last record without a final
LF still counts, and the first record is the header. ``rows`` is the number of
records minus one (zero for an empty payload). CRLF line ends count once (by the LF).
"""

from __future__ import annotations

import hashlib
import zlib

import numpy as np

from keys.manifest import PayloadFacts

CHUNK = 1 << 20
_QUOTE, _LF = 0x22, 0x0A


class CsvRecordCounter:
    """Counts CSV records in bytes fed in any chunking."""

    def __init__(self) -> None:
        self._records = 0
        self._inside = 0
        self._last = b""

    def feed(self, data: bytes) -> None:
        """Count the records ended in ``data``."""
        if not data:
            return
        if not self._inside and data.find(b'"') < 0:
            self._records += data.count(b"\n")
        else:
            array = np.frombuffer(data, dtype=np.uint8)
            quotes = np.flatnonzero(array == _QUOTE)
            newlines = np.flatnonzero(array == _LF)
            parity = (np.searchsorted(quotes, newlines) + self._inside) & 1
            self._records += int(newlines.size - np.count_nonzero(parity))
            self._inside = (quotes.size + self._inside) & 1
        self._last = data[-1:]

    @property
    def rows(self) -> int:
        """Records seen so far, less the header."""
        unterminated = 1 if self._last not in (b"", b"\n") else 0
        return max(self._records + unterminated - 1, 0)


class PayloadMeter:
    """The facts a manifest binds, computed over stored bytes as they pass.

    Stored bytes are hashed and measured; their CSV content (gunzipped for
    ``csv+gzip``) is row-counted. A writer that compresses itself feeds the CSV with
    :meth:`add_csv` and the compressed bytes with ``count_rows=False``.
    """

    def __init__(self, payload_format: str) -> None:
        self.format = payload_format
        self.problem: str | None = None
        self._hash = hashlib.sha256()
        self._length = 0
        self._counter = CsvRecordCounter()
        gzip = payload_format == "csv+gzip"
        self._inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS) if gzip else None

    def add_stored(self, data: bytes, *, count_rows: bool = True) -> None:
        """Hash and measure stored payload bytes (and count their rows)."""
        self._hash.update(data)
        self._length += len(data)
        if count_rows and self._inflater is not None:
            self._inflate(self._inflater, data)
        elif count_rows:
            self._counter.feed(data)

    def add_csv(self, data: bytes) -> None:
        """Count the rows of CSV bytes that are stored compressed elsewhere."""
        self._counter.feed(data)

    def facts(self) -> PayloadFacts:
        """The payload's format, sha256, length and row count."""
        if self._inflater is not None and not self._inflater.eof and self.problem is None:
            self.problem = "the gzip stream is incomplete"
        return PayloadFacts(self.format, self._hash.hexdigest(), self._length, self._counter.rows)

    def _inflate(self, inflater: zlib._Decompress, data: bytes) -> None:
        """Gunzip in bounded steps, so a small bomb cannot fill memory."""
        while data and self.problem is None:
            if inflater.eof:
                self.problem = "there are bytes after the end of the gzip stream"
                return
            try:
                self._counter.feed(inflater.decompress(data, CHUNK))
            except zlib.error:
                self.problem = "the gzip stream is damaged"
                return
            data = inflater.unconsumed_tail or inflater.unused_data
