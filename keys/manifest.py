"""The return manifest: what a signed return states about itself.

The manifest is canonical JSON (sorted keys, no whitespace, UTF-8), written once by the
signer; verifiers check the signature over those exact bytes, then parse them strictly
(every field present, no other field, each of the documented type). Its *hash* (the
SHA-256 of the exact bytes, in hex) names the return: a later return that corrects it
puts that hash in ``supersedes``. Fields are documented in docs/return-format.md.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keys.errors import MalformedDocument, MalformedManifest
from keys.strict_json import canonical_json, parse_strict_json
from keys.timestamps import format_utc, parse_utc

RETURN_PAYLOAD_TYPE = "application/vnd.regional-exchange.return-manifest+json; version=1"
PAYLOAD_FORMATS = ("csv", "csv+gzip")

_HEX64 = re.compile(r"[0-9a-f]{64}")
_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "authority": (lambda v: _matches(r"[EWSN][0-9]{8}", v), "an ONS area code like E06000015"),
    "key_id": (lambda v: _matches(r"ed25519:[0-9a-f]{32}", v), "an ed25519 key id"),
    "return_type": (lambda v: _matches(r"[a-z][a-z0-9_]{0,63}", v), "a return type name"),
    "schema_version": (lambda v: _count(v, 1), "a whole number from 1"),
    "period": (lambda v: _matches(r"[0-9A-Za-z-]{1,32}", v), "a return period like 2026-Q2"),
    "sequence": (lambda v: _count(v, 1), "a whole number from 1"),
    "nonce": (lambda v: _matches(r"[0-9a-f]{32}", v), "32 lowercase hex digits (128 bits)"),
    "disclosure_policy_sha256": (lambda v: _matches(_HEX64.pattern, v), "a sha256 in hex"),
    "pseudonym_key_version": (lambda v: v is None or _count(v, 1), "null or a number from 1"),
    "anonymiser_version": (lambda v: _matches(r"[0-9A-Za-z.+_-]{1,64}", v), "a version string"),
    "supersedes": (lambda v: v is None or _matches(_HEX64.pattern, v), "null or a sha256 hex"),
}
_PAYLOAD_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "format": (lambda v: v in PAYLOAD_FORMATS, " or ".join(PAYLOAD_FORMATS)),
    "sha256": (lambda v: _matches(_HEX64.pattern, v), "a sha256 in hex"),
    "length": (lambda v: _count(v, 0), "a whole number of bytes"),
    "rows": (lambda v: _count(v, 0), "a whole number of rows"),
}
_TIMES = ("created_at", "expires_at")


@dataclass(frozen=True)
class PayloadFacts:
    """What the manifest binds about the payload bytes."""

    format: str
    sha256: str
    length: int
    rows: int


@dataclass(frozen=True)
class ManifestDraft:
    """The facts the caller knows about a return before it is written and signed."""

    authority: str
    return_type: str
    schema_version: int
    period: str
    sequence: int
    disclosure_policy_sha256: str
    pseudonym_key_version: int | None
    anonymiser_version: str
    supersedes: str | None = None


@dataclass(frozen=True)
class Manifest:
    """A return's complete, signed description of itself."""

    authority: str
    key_id: str
    return_type: str
    schema_version: int
    period: str
    sequence: int
    created_at: datetime
    expires_at: datetime
    nonce: str
    payload: PayloadFacts
    disclosure_policy_sha256: str
    pseudonym_key_version: int | None
    anonymiser_version: str
    supersedes: str | None

    def to_dict(self) -> dict[str, Any]:
        """The manifest as JSON-ready values."""
        doc = dataclasses.asdict(self)
        for name in _TIMES:
            doc[name] = format_utc(doc[name])
        return doc

    def to_json(self) -> bytes:
        """The canonical manifest bytes (checked before they are returned)."""
        data = canonical_json(self.to_dict())
        parse_manifest(data)
        return data

    @classmethod
    def from_draft(
        cls,
        draft: ManifestDraft,
        *,
        key_id: str,
        created_at: datetime,
        expires_at: datetime,
        nonce: str,
        payload: PayloadFacts,
    ) -> Manifest:
        """Complete a draft with the facts known at signing time."""
        return cls(
            key_id=key_id,
            created_at=created_at,
            expires_at=expires_at,
            nonce=nonce,
            payload=payload,
            **dataclasses.asdict(draft),
        )


def manifest_hash(manifest_bytes: bytes) -> str:
    """The hash naming a return: SHA-256 of the exact manifest bytes, in hex."""
    return hashlib.sha256(manifest_bytes).hexdigest()


def parse_manifest(data: bytes) -> Manifest:
    """Parse manifest bytes strictly; every problem is a :class:`MalformedManifest`."""
    doc = parse_strict_json(data, what="the manifest")
    if not isinstance(doc, dict):
        raise MalformedManifest("The manifest must be a JSON object.")
    _check_fields(doc, _CHECKS, set(_TIMES) | {"payload"}, "manifest")
    payload = doc["payload"]
    if not isinstance(payload, dict):
        raise MalformedManifest("The manifest's payload must be an object.")
    _check_fields(payload, _PAYLOAD_CHECKS, set(), "manifest payload")
    created, expires = _time(doc, "created_at"), _time(doc, "expires_at")
    if expires <= created:
        raise MalformedManifest("The manifest expires before it was created.")
    fields = {name: doc[name] for name in _CHECKS}
    return Manifest(
        created_at=created, expires_at=expires, payload=PayloadFacts(**payload), **fields
    )


def _check_fields(
    doc: dict[str, Any],
    checks: dict[str, tuple[Callable[[Any], bool], str]],
    others: set[str],
    where: str,
) -> None:
    expected = set(checks) | others
    missing, extra = expected - set(doc), set(doc) - expected
    if missing or extra:
        raise MalformedManifest(
            f"The {where} is missing {sorted(missing) or 'nothing'} "
            f"and has unexpected {sorted(extra) or 'nothing'}."
        )
    for name, (check, wanted) in checks.items():
        if not check(doc[name]):
            raise MalformedManifest(f"The {where} field {name} must be {wanted}.")


def _time(doc: dict[str, Any], name: str) -> datetime:
    try:
        return parse_utc(doc[name], what=f"The manifest's {name}")
    except MalformedDocument as err:
        raise MalformedManifest(str(err)) from None


def _matches(pattern: str, value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


def _count(value: Any, least: int) -> bool:
    return type(value) is int and least <= value < 2**63
