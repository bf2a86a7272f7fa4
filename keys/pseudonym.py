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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

import numpy as np
import pandas as pd

from keys.normalise import normaliser_for
from keys.parallel import map_chunks, usable_cores

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
        computed = self._unique(domain, uniques.tolist())
        table = np.array([*computed, None], dtype=object)
        result = table[codes]
        if isinstance(given, pd.Series):
            return pd.Series(result, index=given.index, name=given.name, dtype=object)
        return result if isinstance(given, np.ndarray) else result.tolist()

    def _unique(self, domain: str, uniques: list[Any]) -> list[str | None]:
        secret, version = self.key.secret, self.key.version
        if self.workers < 2 or len(uniques) < PARALLEL_THRESHOLD:
            return _pseudonymise_unique(secret, version, domain, uniques)
        size = -(-len(uniques) // self.workers)
        chunks = [uniques[i : i + size] for i in range(0, len(uniques), size)]
        return map_chunks(_pseudonymise_unique, (secret, version, domain), chunks)


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
    secret: bytes, version: int, domain: str, values: list[Any]
) -> list[str | None]:
    """HMAC every value; runs in worker processes too, so it takes only plain data.

    The HMAC inner and outer states (key XOR ipad/opad, then the domain prefix) are
    computed once and copied per value: about twice as fast as ``hmac.digest``.
    """
    normalise = normaliser_for(domain)
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
