"""The regional pseudonymisation key and the pseudonymiser.

A pseudonym is ``v<N>:`` followed by the 64 lowercase hex digits of::

    HMAC-SHA256(regional key N, "regional-exchange/pseudonym/v1/" + domain + NUL
                                + normalised identifier as UTF-8)

Keyed, so the hub (which never holds the key) cannot reverse one by hashing all 10^9
NHS numbers; domain-separated, so the same string as an NHS number and as a local id
gives unrelated pseudonyms; tagged with the key version, so re-keying is visible.
Normalisation is specified in :mod:`keys.normalise`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from keys.normalise import normaliser_for
from keys.parallel import Pending, WorkerPool, map_chunks, usable_cores

KEY_LENGTH = 32
PSEUDONYM_PATTERN = re.compile(r"v([1-9][0-9]*):([0-9a-f]{64})")
# Below this many distinct values a second process costs more than it saves.
PARALLEL_THRESHOLD = 50_000

_Array = TypeVar("_Array", np.ndarray, pd.Series)


@dataclass(frozen=True)
class RegionalKey:
    """One version of the region's 256-bit pseudonymisation key."""

    version: int
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if self.version < 1 or len(self.secret) != KEY_LENGTH:
            raise ValueError("a regional key has a version >= 1 and a 32-byte secret")

    @classmethod
    def generate(cls, version: int) -> RegionalKey:
        """A new random regional key of ``version``."""
        return cls(version, os.urandom(KEY_LENGTH))

    def check_value(self) -> str:
        """A short public value that tells two holders they have the same key."""
        digest = hmac.digest(self.secret, b"regional-exchange/key-check/v1", "sha256")
        return f"v{self.version}:{digest[:6].hex()}"


def domain_prefix(domain: str) -> bytes:
    """The bytes prepended to every normalised identifier of ``domain``."""
    normaliser_for(domain)
    return b"regional-exchange/pseudonym/v1/" + domain.encode("ascii") + b"\x00"


def pseudonym_version(pseudonym: str) -> int:
    """The key version a pseudonym was made with; malformed pseudonyms raise ValueError."""
    match = PSEUDONYM_PATTERN.fullmatch(pseudonym)
    if not match:
        raise ValueError("not a pseudonym of the form v<N>:<64 hex digits>")
    return int(match.group(1))


class Pseudonymiser:
    """Turns identifiers into pseudonyms under one regional key version."""

    def __init__(self, key: RegionalKey, *, workers: int | None = None) -> None:
        self.key = key
        self.workers = usable_cores() if workers is None else max(1, workers)

    def pseudonymise(self, domain: str, value: object) -> str | None:
        """The pseudonym of one identifier, or ``None`` when it is missing."""
        return _pseudonymise_unique(self.key.secret, self.key.version, domain, [value])[0]

    @overload
    def pseudonymise_many(self, domain: str, values: _Array) -> _Array: ...
    @overload
    def pseudonymise_many(self, domain: str, values: Sequence[Any]) -> list[str | None]: ...

    def pseudonymise_many(self, domain: str, values: Any) -> Any:
        """Pseudonymise a batch: a list gives a list, an array an array, a Series a Series.

        Each distinct value is computed once; large batches use every core.
        """
        normaliser_for(domain)
        given = values
        if not _is_array(values):
            values = _object_array(values)
        codes, uniques = pd.factorize(values)
        distinct = np.asarray(uniques, dtype=object).tolist()
        return _shaped(given, codes, self._unique(domain, distinct))

    def start_many(
        self, batches: Mapping[str, tuple[str, Any]], pool: WorkerPool
    ) -> PendingPseudonyms:
        """Start pseudonymising several batches (``name -> (domain, values)``) in
        ``pool``'s workers and return at once, so this process can get on with other work.

        :meth:`PendingPseudonyms.result` gives each batch as :meth:`pseudonymise_many`
        would. Small batches are computed here before returning.
        """
        plans = []
        for name, (domain, values) in batches.items():
            normaliser_for(domain)
            arrow = _arrow_text(values)
            if arrow is not None:
                codes, distinct = _distinct_text(arrow)
            else:
                array = values if _is_array(values) else _object_array(values)
                codes, uniques = pd.factorize(array)
                distinct = np.asarray(uniques, dtype=object).tolist()
            plans.append(_Batch(name, domain, values, codes, distinct))
        total = sum(len(plan.uniques) for plan in plans)
        secret, version = self.key.secret, self.key.version
        tasks: list[tuple[tuple[Any, ...], Any]] = []
        for plan in plans:
            size = max(1, -(-len(plan.uniques) // max(1, pool.workers)))
            for start in range(0, len(plan.uniques), size):
                plan.chunks += 1
                tasks.append(((secret, version, plan.domain), plan.uniques[start : start + size]))
        if total < PARALLEL_THRESHOLD:
            done = [_block(_pseudonymise_unique(a[0], a[1], a[2], chunk)) for a, chunk in tasks]
            return PendingPseudonyms(plans, None, done)
        return PendingPseudonyms(plans, pool.start(_pseudonymise_unique, tasks), None)

    def _unique(self, domain: str, uniques: list[Any]) -> list[str | None]:
        secret, version = self.key.secret, self.key.version
        if self.workers < 2 or len(uniques) < PARALLEL_THRESHOLD:
            return _pseudonymise_unique(secret, version, domain, uniques)
        size = -(-len(uniques) // self.workers)
        chunks = [uniques[i : i + size] for i in range(0, len(uniques), size)]
        return map_chunks(_pseudonymise_unique, (secret, version, domain), chunks)


def _arrow_text(values: Any) -> pa.Array | None:
    """Text held in Arrow (an Arrow-backed Series), as one Arrow array; else ``None``."""
    if not (isinstance(values, pd.Series) and isinstance(values.dtype, pd.ArrowDtype)):
        return None
    array = pa.array(values.array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array
    return None


def _distinct_text(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Each value's code and the values to compute (``-1``: missing). Distinct values
    when they repeat; when nearly every value differs (placement references), the values
    themselves, as hashing a million strings to find a handful of repeats costs more than
    the repeats. They go to the workers as Arrow buffers, not a million pickled strings."""
    step = max(1, len(values) // _SAMPLE)
    sample = values.take(pa.array(np.arange(0, len(values), step)))
    if len(sample) and pc.count_distinct(sample).as_py() > 0.95 * len(sample):
        codes = np.arange(len(values), dtype=np.int64)
        codes[~np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)] = -1
        return codes, values
    encoded = values.dictionary_encode()
    codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), np.int64)
    return codes, encoded.dictionary


#: Values sampled to tell whether a column's values repeat (as schemas' engine does).
_SAMPLE = 20_000


@dataclass
class _Batch:
    name: str
    domain: str
    given: Any
    codes: np.ndarray
    uniques: list[Any] | pa.Array
    chunks: int = 0


class PendingPseudonyms:
    """Pseudonyms being computed by :meth:`Pseudonymiser.start_many`."""

    def __init__(
        self,
        batches: list[_Batch],
        pending: Pending | None,
        done: list[bytes] | None,
    ) -> None:
        self._batches, self._pending, self._done = batches, pending, done

    def result(self) -> dict[str, Any]:
        """Each batch's pseudonyms: a Series for a Series, an array for an array, else a list."""
        chunks = iter(self._blocks())
        out: dict[str, Any] = {}
        for batch in self._batches:
            computed = [v for _ in range(batch.chunks) for v in _lines(next(chunks))]
            out[batch.name] = _shaped(batch.given, batch.codes, computed)
        return out

    def arrow_result(self) -> dict[str, pa.Array]:
        """Each batch's pseudonyms as an Arrow text array (null where the value is missing),
        made from the workers' text without a Python string per pseudonym."""
        chunks = iter(self._blocks())
        out: dict[str, pa.Array] = {}
        for batch in self._batches:
            block = b"\n".join(next(chunks) for _ in range(batch.chunks))
            text = pa.array([block], type=pa.large_binary()).cast(pa.large_string())
            distinct = pc.list_flatten(pc.split_pattern(text, "\n"))
            if not batch.chunks:  # nothing to pseudonymise: no distinct values
                distinct = pa.array([], type=pa.large_string())
            distinct = pc.if_else(
                pc.equal(distinct, ""), pa.scalar(None, pa.large_string()), distinct
            )
            codes = np.asarray(batch.codes, dtype=np.int64)
            out[batch.name] = distinct.take(pa.array(codes, mask=codes < 0))
        return out

    def _blocks(self) -> list[bytes]:
        if self._done is None:
            assert self._pending is not None
            self._done, self._pending = self._pending.blocks(), None
        return self._done


def _block(values: list[str | None]) -> bytes:
    """Pseudonyms as the workers send them: UTF-8 lines, ``""`` for ``None``."""
    return "\n".join(v or "" for v in values).encode("utf-8")


def _lines(block: bytes) -> list[str | None]:
    return [v or None for v in block.decode("utf-8").split("\n")]


def _shaped(given: Any, codes: np.ndarray, computed: list[str | None]) -> Any:
    """Spread pseudonyms of distinct values back over ``given``, in its own shape."""
    table = np.array([*computed, None], dtype=object)
    result = table[codes]
    if isinstance(given, pd.Series):
        return pd.Series(result, index=given.index, name=given.name, dtype=object)
    return result if isinstance(given, np.ndarray) else result.tolist()


def rekey_mapping(
    old: RegionalKey, new: RegionalKey, domain: str, identifiers: Iterable[object]
) -> dict[str, str]:
    """Old pseudonym -> new pseudonym for local ``identifiers``; no identifier is returned.

    An authority runs this on its own records when the region moves to a new key
    version; only the mapping between pseudonyms goes to the hub.
    """
    if new.version <= old.version:
        raise ValueError("the new regional key must have a higher version than the old one")
    values = list(identifiers)
    before = Pseudonymiser(old).pseudonymise_many(domain, values)
    after = Pseudonymiser(new).pseudonymise_many(domain, values)
    return {o: n for o, n in zip(before, after, strict=True) if o is not None and n is not None}


def _is_array(values: object) -> bool:
    return isinstance(values, np.ndarray | pd.Series | pd.Index)


def _object_array(values: Iterable[Any]) -> np.ndarray:
    items = list(values)
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _pseudonymise_unique(
    secret: bytes, version: int, domain: str, values: list[Any] | pa.Array
) -> list[str | None]:
    """HMAC every value; runs in worker processes too, so it takes only plain data.

    The HMAC inner and outer states (key XOR ipad/opad, then the domain prefix) are
    computed once and copied per value: about twice as fast as ``hmac.digest``.
    """
    normalise = normaliser_for(domain)
    if isinstance(values, pa.Array):  # Arrow text sent to a worker: made Python here
        values = values.to_pylist()
    block = secret.ljust(64, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    inner.update(domain_prefix(domain))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    tag = f"v{version}:"
    out: list[str | None] = []
    append = out.append
    for value in values:
        text = normalise(value)
        if text is None:
            append(None)
            continue
        step = inner.copy()
        step.update(text.encode("utf-8"))
        final = outer.copy()
        final.update(step.digest())
        append(tag + final.hexdigest())
    return out
