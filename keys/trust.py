"""The trust store: which signing keys belong to which authority, and when they count.

The hub keeps one (in its database); an offline verifier loads one from JSON. A key
is trusted for documents signed in ``[valid_from, valid_until)``; ``valid_until`` is
set when the authority rotates to a new key. A revoked key (compromised, lost) refuses
documents signed at or after ``revoked_at``; documents signed before stay verifiable
and carry the flag :data:`KEY_REVOKED_AFTER_SIGNING`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keys.errors import KeyNotValidAtSigning, MalformedDocument, RevokedKey, WrongAuthorityKey
from keys.signing import derive_key_id
from keys.strict_json import canonical_json, parse_strict_json
from keys.timestamps import format_utc, parse_utc, require_aware

TRUST_FORMAT = "regional-exchange-trust/1"
KEY_REVOKED_AFTER_SIGNING = "key-revoked-after-signing"


@dataclass(frozen=True)
class TrustedKey:
    """One authority signing key the verifier accepts, with its validity."""

    key_id: str
    authority: str
    public_key: bytes
    valid_from: datetime
    valid_until: datetime | None = None
    revoked_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.key_id != derive_key_id("ed25519", self.public_key):
            raise ValueError("the key id does not match the public key")
        for moment in (self.valid_from, self.valid_until, self.revoked_at):
            if moment is not None:
                require_aware(moment)

    @classmethod
    def from_registration(cls, registration: bytes | str, valid_from: datetime) -> TrustedKey:
        """The signing key in a registration as ``anonymiser keys init`` prints it."""
        text = registration.encode("utf-8") if isinstance(registration, str) else registration
        doc = parse_strict_json(text, what="the registration")
        try:
            signing = doc["signing_key"]
            return cls(
                key_id=signing["key_id"],
                authority=doc["authority"],
                public_key=bytes.fromhex(signing["public_key"]),
                valid_from=valid_from,
            )
        except (KeyError, TypeError, ValueError) as err:
            raise MalformedDocument(f"The registration's signing key is unusable: {err}.") from None

    def check_signed_at(self, authority: str, signed_at: datetime) -> tuple[str, ...]:
        """Refuse if this key could not sign for ``authority`` at ``signed_at``; else flags."""
        if self.authority != authority:
            raise WrongAuthorityKey(
                f"The document claims authority {authority} but was signed with key "
                f"{self.key_id}, registered to {self.authority}."
            )
        if self.revoked_at is not None and signed_at >= self.revoked_at:
            raise RevokedKey(
                f"Key {self.key_id} was revoked at {format_utc(self.revoked_at)}; this document "
                f"was signed at {format_utc(signed_at)}. Sign again with the current key."
            )
        if signed_at < self.valid_from or (
            self.valid_until is not None and signed_at >= self.valid_until
        ):
            raise KeyNotValidAtSigning(
                f"Key {self.key_id} was not in use at {format_utc(signed_at)} (valid from "
                f"{format_utc(self.valid_from)}{_until(self.valid_until)})."
            )
        return (KEY_REVOKED_AFTER_SIGNING,) if self.revoked_at is not None else ()


@dataclass(frozen=True)
class Revocation:
    """A record that a key stopped being trusted at a moment, and why."""

    key_id: str
    revoked_at: datetime
    reason: str


class TrustStore:
    """An immutable set of trusted keys, looked up by key id."""

    def __init__(self, keys: Iterable[TrustedKey] = ()) -> None:
        self._keys: dict[str, TrustedKey] = {}
        for key in keys:
            if key.key_id in self._keys:
                raise ValueError(f"key {key.key_id} is listed twice")
            self._keys[key.key_id] = key

    def get(self, key_id: str) -> TrustedKey | None:
        """The trusted key with this id, or ``None``."""
        return self._keys.get(key_id)

    def keys_of(self, authority: str) -> tuple[TrustedKey, ...]:
        """Every key registered to ``authority``, oldest first."""
        found = (k for k in self._keys.values() if k.authority == authority)
        return tuple(sorted(found, key=lambda k: k.valid_from))

    def __iter__(self) -> Iterator[TrustedKey]:
        return iter(self._keys.values())

    def __len__(self) -> int:
        return len(self._keys)

    def with_key(self, key: TrustedKey) -> TrustStore:
        """A store that also trusts ``key`` (replacing an entry with the same id)."""
        return TrustStore([*(k for k in self if k.key_id != key.key_id), key])

    def with_revocation(self, revocation: Revocation) -> TrustStore:
        """A store in which the revoked key refuses documents signed from then on."""
        key = self._keys.get(revocation.key_id)
        if key is None:
            raise ValueError(f"no key {revocation.key_id} to revoke")
        earliest = min(filter(None, (key.revoked_at, require_aware(revocation.revoked_at))))
        return self.with_key(dataclasses.replace(key, revoked_at=earliest))

    def to_json(self) -> bytes:
        """The store as canonical JSON (for offline verifiers)."""
        keys = [_key_to_dict(k) for k in sorted(self, key=lambda k: k.key_id)]
        return canonical_json({"format": TRUST_FORMAT, "keys": keys})

    @classmethod
    def from_json(cls, data: bytes) -> TrustStore:
        """Read a store written by :meth:`to_json`."""
        doc = parse_strict_json(data, what="the trust store")
        if not isinstance(doc, dict) or doc.get("format") != TRUST_FORMAT:
            raise MalformedDocument(f"The trust store is not in the {TRUST_FORMAT} format.")
        keys = doc.get("keys")
        if not isinstance(keys, list):
            raise MalformedDocument("The trust store has no list of keys.")
        return cls(_key_from_dict(item) for item in keys)


def _until(moment: datetime | None) -> str:
    return "" if moment is None else f" until {format_utc(moment)}"


def _key_to_dict(key: TrustedKey) -> dict[str, Any]:
    def when(moment: datetime | None) -> str | None:
        return None if moment is None else format_utc(moment)

    return {
        "authority": key.authority,
        "key_id": key.key_id,
        "public_key": key.public_key.hex(),
        "revoked_at": when(key.revoked_at),
        "valid_from": when(key.valid_from),
        "valid_until": when(key.valid_until),
    }


def _key_from_dict(item: Any) -> TrustedKey:
    fields = {"authority", "key_id", "public_key", "revoked_at", "valid_from", "valid_until"}
    if not isinstance(item, dict) or set(item) != fields:
        raise MalformedDocument(f"Each trust store key needs exactly: {', '.join(sorted(fields))}.")

    def when(name: str) -> datetime | None:
        value = item[name]
        return None if value is None else parse_utc(value, what=f"trust store {name}")

    valid_from = parse_utc(item["valid_from"], what="trust store valid_from")
    try:
        return TrustedKey(
            key_id=item["key_id"],
            authority=item["authority"],
            public_key=bytes.fromhex(item["public_key"]),
            valid_from=valid_from,
            valid_until=when("valid_until"),
            revoked_at=when("revoked_at"),
        )
    except (TypeError, ValueError) as err:
        raise MalformedDocument(f"A trust store key is unusable: {err}.") from None
