"""The identifier columns' pseudonyms, keyed on the second core while the other steps run.

The keyed hashes (HMAC-SHA256, :mod:`keys.pseudonym`) of a million-row file's identifiers
are the largest single cost of a return. They depend only on the identifiers, so right
after reading, a forked child takes the raw identifier columns, normalises the values as
:mod:`keys.normalise` specifies and pseudonymises every distinct normalised identifier,
while this process validates, generalises, redacts, scans and checks the risk. It sends
back, per column, the distinct normalised identifiers, their pseudonyms, and for every
row which identifier it had.

When the pseudonyms are wanted, a row takes the child's pseudonym only if its *parsed*
value is exactly the identifier the child normalised for that row and is its own
normalised form (upper-case ASCII letters and digits; for an NHS number, not the nine
digits normalisation pads). Every other row is pseudonymised here by
:class:`keys.Pseudonymiser`, as is everything when no child was started (a small file, a
process running threads) or the child failed. So the pseudonyms are always exactly
:meth:`keys.Pseudonymiser.pseudonymise_many`'s: the child only saves work, it never
decides a pseudonym the parsed value would not get.

The pseudonyms are one Arrow string column each (``v<N>:`` and 64 hex digits per value,
made in bulk from the digests), never a million Python strings.
"""

from __future__ import annotations

import binascii
import contextlib
import hashlib
import os
import re
import signal
import sys
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from keys import Pseudonymiser, RegionalKey
from keys.normalise import normaliser_for
from keys.parallel import process_context
from keys.pseudonym import domain_prefix

#: Below this many rows the child costs more than it saves: everything is keyed here.
CHILD_MIN_ROWS = 50_000
_TEXT = pa.large_string()
#: Parsed values that normalisation leaves exactly as they are (``keys.normalise``: the
#: fast path of every domain), and the NHS numbers among them it would still pad.
_NORMAL_FORM = r"^[0-9A-Z]+$"
_PADDED_NHS_NUMBER = r"^[0-9]{9}$"


#: A parsed identifier column: Arrow text, or the values themselves when not all text.
Cells: TypeAlias = pa.Array | np.ndarray


@dataclass(frozen=True)
class Keyed:
    """What the child made of one raw identifier column."""

    #: Each distinct normalised identifier, once.
    identifiers: pa.Array
    #: Its pseudonym, in the same order.
    pseudonyms: pa.Array
    #: For every row, the position of its normalised identifier (-1: none).
    codes: np.ndarray


class PseudonymKeying:
    """The identifier columns' pseudonyms: started early, collected by :meth:`columns`.

    Use as a context manager: leaving it stops a child still running (an error, Ctrl-C),
    so no process outlives the run.
    """

    def __init__(self, pseudonymiser: Pseudonymiser, fields: Mapping[str, str]) -> None:
        #: field name -> pseudonym domain
        self.pseudonymiser, self.fields = pseudonymiser, dict(fields)
        self._process: Any = None
        self._receiver: Connection | None = None
        self._sent: list[str] = []
        self._rows = 0
        self._held: dict[str, Cells] = {}
        #: The fields whose child's keying was received (the rest were keyed here).
        self.received: list[str] = []

    def start(self, raw: pd.DataFrame, *, min_rows: int | None = None) -> bool:
        """Fork the child over ``raw``'s identifier columns, when it is worth it (at least
        ``min_rows``, by default :data:`CHILD_MIN_ROWS`) and safe; whether it was forked."""
        present = [name for name in self.fields if name in raw.columns]
        if not present or len(raw) < (CHILD_MIN_ROWS if min_rows is None else min_rows):
            return False
        context = process_context()
        if context.get_start_method() != "fork":
            return False  # a fresh interpreter would need the columns pickled: not worth it
        columns = [(self.fields[name], _cells(raw, name)) for name in present]
        key = self.pseudonymiser.key
        self._rows = len(raw)
        receiver, sender = context.Pipe(duplex=False)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()  # nothing buffered may be written twice by the child
        # Handed over in a list emptied once forked: the child has its own copy, and this
        # process lets the raw columns go when the caller does.
        handed = [columns]
        process = context.Process(  # type: ignore[attr-defined]
            target=_child, args=(sender, key, handed), daemon=True
        )
        process.start()
        handed.clear()
        del columns
        sender.close()
        self._process, self._receiver, self._sent = process, receiver, present
        return True

    def hold(self, parsed: pd.DataFrame) -> None:
        """Keep the parsed identifier columns until the pseudonyms are wanted, as Arrow text
        (a fraction of the memory of a Python string per value) where every value is text."""
        self._held = {name: _held(parsed[name]) for name in self.fields}

    def columns(self, index: pd.Index) -> dict[str, pd.Series]:
        """``{field: pseudonyms}`` for every field held (indexed by ``index``, the parsed
        frame's rows); the child is ended."""
        out = {}
        try:
            for name, domain in self.fields.items():
                values = pseudonym_column(
                    self.pseudonymiser, domain, self._held.pop(name), self._keyed(name)
                )
                out[name] = pd.Series(
                    pd.arrays.ArrowExtensionArray(values), index=index, copy=False
                )
        finally:
            self._end()
        return out

    def _keyed(self, name: str) -> Keyed | None:
        """What the child sent for field ``name`` (``None``: not sent, or the child failed,
        and then everything left is keyed here)."""
        if self._receiver is None or name not in self._sent:
            return None
        try:
            keyed = _received(self._receiver, self._rows)
        except (EOFError, OSError, ValueError):
            self._end()
            return None
        self.received.append(name)
        return keyed

    def _end(self) -> None:
        receiver, self._receiver = self._receiver, None
        if receiver is not None:
            receiver.close()
        process, self._process = self._process, None
        if process is None:
            return
        if process.is_alive():
            process.terminate()
        process.join()

    def __enter__(self) -> PseudonymKeying:
        return self

    def __exit__(self, *exc: object) -> None:
        self._end()


def pseudonym_column(
    pseudonymiser: Pseudonymiser, domain: str, cells: Cells, keyed: Keyed | None
) -> pa.Array:
    """The pseudonyms of a parsed identifier column as Arrow strings (null where missing).

    A row takes the child's pseudonym when its parsed value is exactly the normalised
    identifier the child keyed for that row and normalisation leaves it unchanged; any
    other row is pseudonymised here."""
    if isinstance(cells, np.ndarray):
        return _computed(pseudonymiser, domain, cells)
    if keyed is None or len(keyed.codes) != len(cells):
        return _computed(pseudonymiser, domain, cells.to_numpy(zero_copy_only=False))
    missing = keyed.codes < 0
    expected = keyed.identifiers.take(pa.array(keyed.codes, mask=missing))
    normal = pc.match_substring_regex(cells, _NORMAL_FORM)
    if domain == "nhs_number":
        normal = pc.and_(normal, pc.invert(pc.match_substring_regex(cells, _PADDED_NHS_NUMBER)))
    same = _flags(pc.and_(pc.equal(cells, expected), normal))
    pseudonyms = keyed.pseudonyms.take(pa.array(keyed.codes, mask=missing | ~same))
    rest = ~same & _flags(cells.is_valid())
    if rest.any():
        chosen = pa.array(rest)
        computed = _computed(
            pseudonymiser, domain, cells.filter(chosen).to_numpy(zero_copy_only=False)
        )
        pseudonyms = pc.replace_with_mask(pseudonyms, chosen, computed)
    return pseudonyms


def _computed(pseudonymiser: Pseudonymiser, domain: str, cells: np.ndarray) -> pa.Array:
    """Pseudonymised here, by :class:`keys.Pseudonymiser` itself."""
    return pa.array(pseudonymiser.pseudonymise_many(domain, cells), type=_TEXT, from_pandas=True)


def _held(column: pd.Series) -> Cells:
    """A parsed column as Arrow text, or as it is when some present value is not text."""
    cells = column.to_numpy(dtype=object)
    try:
        return pa.array(cells, type=_TEXT, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return cells


def _flags(mask: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, null as false."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _cells(raw: pd.DataFrame, name: str) -> np.ndarray:
    column = raw.loc[:, name]
    if isinstance(column, pd.DataFrame):  # a repeated header: validation reads the first
        column = column.iloc[:, 0]
    return column.to_numpy(dtype=object)


def _received(receiver: Connection, rows: int) -> Keyed:
    identifiers, lengths, pseudonyms, codes = (receiver.recv_bytes() for _ in range(4))
    sizes = np.frombuffer(lengths, dtype=np.int64)
    count = len(sizes)
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    width = len(pseudonyms) // count if count else 0
    rows_codes = np.frombuffer(codes, dtype=np.int32)
    if (
        offsets[-1] != len(identifiers)
        or width * count != len(pseudonyms)
        or len(rows_codes) != rows
        or (count and int(rows_codes.max(initial=-1)) >= count)
    ):
        raise ValueError("the pseudonym worker sent a malformed block")
    return Keyed(
        identifiers=_strings(count, offsets, identifiers),
        pseudonyms=_strings(count, np.arange(count + 1, dtype=np.int64) * width, pseudonyms),
        codes=rows_codes,
    )


def _strings(count: int, offsets: np.ndarray, data: bytes) -> pa.Array:
    return pa.Array.from_buffers(_TEXT, count, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _child(
    sender: Connection, key: RegionalKey, handed: list[list[tuple[str, np.ndarray]]]
) -> None:
    """In the forked child: key each column's distinct normalised identifiers, send them.

    Ctrl-C is left to the parent, which ends this process; plain Python and hashlib only
    (the parent's Arrow threads are not in this process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    try:
        with sender:
            for domain, values in handed[0]:
                for block in keyed_identifiers(key, domain, values):
                    sender.send_bytes(block)
    except BaseException:
        # No traceback (it could quote a value); the parent keys what it did not receive.
        os._exit(1)


def keyed_identifiers(
    key: RegionalKey, domain: str, values: Sequence[object] | np.ndarray
) -> tuple[bytes, bytes, bytes | memoryview, bytes]:
    """``values`` keyed: every distinct normalised identifier (UTF-8, concatenated), their
    byte lengths (int64), their pseudonyms (``v<N>:`` and 64 hex digits each, concatenated)
    and, for every value, the position of its identifier (int32, -1 for none).

    The pseudonym is :mod:`keys.pseudonym`'s: the HMAC inner and outer states (key XOR
    ipad/opad, then the domain prefix) are computed once and copied per identifier.
    """
    normalised = _normalised_in_bulk(domain, values)
    if normalised is None:
        normalise = normaliser_for(domain)
        each = {value: normalise(value) for value in dict.fromkeys(values)}
        normalised = list(map(each.__getitem__, values))
    cells = np.empty(len(normalised), dtype=object)
    cells[:] = normalised
    del normalised
    codes, distinct = pd.factorize(cells)  # -1 for missing
    del cells
    # A lone surrogate (which keys cannot encode) gives bytes no parsed text can equal.
    identifiers = [text.encode("utf-8", "surrogatepass") for text in distinct.tolist()]
    del distinct
    lengths = array("q", map(len, identifiers)).tobytes()
    pseudonyms = _pseudonyms(key, domain, identifiers)
    return b"".join(identifiers), lengths, pseudonyms, codes.astype(np.int32).tobytes()


#: Every value is letters, digits and hyphens (or empty): ``keys.normalise``'s fast paths.
_SIMPLE_VALUES = re.compile(r"[0-9A-Za-z\-\n]*")


def _normalised_in_bulk(
    domain: str, values: Sequence[object] | np.ndarray
) -> list[str | None] | None:
    """Every value's normalised form, computed on the whole column at once; ``None`` unless
    every value is text of ASCII letters, digits and hyphens (or empty).

    For such values :mod:`keys.normalise` removes the hyphens and upper-cases (an empty
    result is missing), and pads a nine-digit NHS number with a leading zero.
    """
    try:
        text = "\n".join(values)  # type: ignore[arg-type]
    except TypeError:
        return None  # not all text
    if text.count("\n") != len(values) - 1 or not _SIMPLE_VALUES.fullmatch(text):
        return None
    normalised = text.replace("-", "").upper().split("\n")
    if domain == "nhs_number":
        normalised = [
            "0" + value if len(value) == 9 and value.isdigit() else value for value in normalised
        ]
    return [value or None for value in normalised]


def _pseudonyms(key: RegionalKey, domain: str, identifiers: list[bytes]) -> memoryview:
    """The pseudonyms of normalised identifiers (UTF-8), concatenated."""
    block = key.secret.ljust(64, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    inner.update(domain_prefix(domain))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    inner_copy, outer_copy = inner.copy, outer.copy
    digests = bytearray()
    for data in identifiers:
        step = inner_copy()
        step.update(data)
        final = outer_copy()
        final.update(step.digest())
        digests += final.digest()
    hexed = np.frombuffer(binascii.hexlify(digests), dtype=np.uint8).reshape(-1, 64)
    del digests
    tag = np.frombuffer(f"v{key.version}:".encode("ascii"), dtype=np.uint8)
    text = np.empty((len(identifiers), len(tag) + 64), dtype=np.uint8)
    text[:, : len(tag)] = tag
    text[:, len(tag) :] = hexed
    return text.reshape(-1).data
