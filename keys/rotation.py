"""Key rotation: a statement, signed by both the old and the new key, that an authority
moves from one signing key to the next at a stated time.

The statement is canonical JSON in an envelope (see :mod:`keys.envelope`) of payload
type :data:`ROTATION_PAYLOAD_TYPE`, with exactly two signatures: the old key's, then
the new key's. The old key proves the authority consents; the new key proves its
holder has the private half. Applying it to a trust store ends the old key's validity
at ``rotated_at`` and trusts the new one from then.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keys.envelope import Envelope, parse_envelope, sign_envelope
from keys.errors import (
    BadSignature,
    MalformedDocument,
    MalformedEnvelope,
    UnknownKey,
    UnknownPayloadType,
)
from keys.signing import SigningKey, derive_key_id, verify_signature
from keys.strict_json import canonical_json, parse_strict_json
from keys.timestamps import format_utc, parse_utc
from keys.trust import TrustedKey, TrustStore

ROTATION_PAYLOAD_TYPE = "application/vnd.regional-exchange.key-rotation+json; version=1"
_FIELDS = {"authority", "new_key_id", "new_public_key", "old_key_id", "rotated_at"}


@dataclass(frozen=True)
class RotationStatement:
    """An authority's move from ``old_key_id`` to a new signing key."""

    authority: str
    old_key_id: str
    new_key_id: str
    new_public_key: bytes
    rotated_at: datetime


def make_rotation_statement(
    authority: str, old: SigningKey, new: SigningKey, rotated_at: datetime
) -> bytes:
    """The signed rotation statement, ready to send to the hub (one line of JSON)."""
    statement = {
        "authority": authority,
        "new_key_id": new.key_id,
        "new_public_key": new.public_key.hex(),
        "old_key_id": old.key_id,
        "rotated_at": format_utc(rotated_at),
    }
    envelope = sign_envelope(ROTATION_PAYLOAD_TYPE, canonical_json(statement), [old, new])
    return envelope.to_json() + b"\n"


def verify_rotation_statement(data: bytes, trust: TrustStore) -> RotationStatement:
    """Check a rotation statement against ``trust``; return what it states.

    The old key's signature is checked before the statement is parsed.
    """
    envelope = parse_envelope(data.rstrip(b"\n"), what="the rotation statement")
    if envelope.payload_type != ROTATION_PAYLOAD_TYPE:
        raise UnknownPayloadType(f"Not a rotation statement: {envelope.payload_type!r}.")
    if len(envelope.signatures) != 2:
        raise MalformedEnvelope("A rotation statement is signed by the old and the new key.")
    old_sig, new_sig = envelope.signatures
    old = trust.get(old_sig.key_id)
    if old is None:
        raise UnknownKey(f"The key being rotated, {old_sig.key_id}, is not trusted.")
    _verify(old.public_key, envelope, old_sig.signature, "old")
    statement = _parse_statement(envelope.payload)
    if (statement.old_key_id, statement.new_key_id) != (old_sig.key_id, new_sig.key_id):
        raise MalformedEnvelope("The rotation statement's key ids are not its signers'.")
    old.check_signed_at(statement.authority, statement.rotated_at)
    _verify(statement.new_public_key, envelope, new_sig.signature, "new")
    return statement


def apply_rotation(trust: TrustStore, statement: RotationStatement) -> TrustStore:
    """A trust store in which the old key ends and the new key starts at ``rotated_at``.

    Call only with a statement returned by :func:`verify_rotation_statement`.
    """
    old = trust.get(statement.old_key_id)
    if old is None:
        raise UnknownKey(f"The key being rotated, {statement.old_key_id}, is not trusted.")
    new = TrustedKey(
        key_id=statement.new_key_id,
        authority=statement.authority,
        public_key=statement.new_public_key,
        valid_from=statement.rotated_at,
    )
    ended = dataclasses.replace(old, valid_until=statement.rotated_at)
    return trust.with_key(ended).with_key(new)


def _verify(public_key: bytes, envelope: Envelope, signature: bytes, which: str) -> None:
    try:
        verify_signature(public_key, envelope.signed_bytes(), signature)
    except BadSignature:
        raise BadSignature(
            f"The {which} key's signature on the rotation statement fails."
        ) from None


def _parse_statement(payload: bytes) -> RotationStatement:
    doc: Any = parse_strict_json(payload, what="the rotation statement")
    if not isinstance(doc, dict) or set(doc) != _FIELDS:
        raise MalformedDocument(f"A rotation statement has exactly: {', '.join(sorted(_FIELDS))}.")
    if not all(isinstance(doc[f], str) for f in _FIELDS - {"rotated_at"}):
        raise MalformedDocument("Rotation statement fields are strings.")
    try:
        public_key = bytes.fromhex(doc["new_public_key"])
    except ValueError:
        raise MalformedDocument("The new public key is not hexadecimal.") from None
    if len(public_key) != 32 or derive_key_id("ed25519", public_key) != doc["new_key_id"]:
        raise MalformedDocument("The new key id does not match the new public key.")
    return RotationStatement(
        authority=doc["authority"],
        old_key_id=doc["old_key_id"],
        new_key_id=doc["new_key_id"],
        new_public_key=public_key,
        rotated_at=parse_utc(doc["rotated_at"], what="rotated_at"),
    )
