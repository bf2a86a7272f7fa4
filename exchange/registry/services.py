"""Registering authorities and their keys; rotating and revoking keys. All audited.

Key ids are derived from the public key alone by :func:`key_id_for` (the rule of
:func:`keys.signing.derive_key_id`), so an authority, the hub and an offline verifier
always agree on them. :func:`trust_store` hands the signing keys to ``keys``'
verification of return files and rotation statements.
"""

from __future__ import annotations

import re
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.db import utc_now
from exchange.errors import Conflict, InvalidRequest
from exchange.registry.errors import (
    DuplicateAuthority,
    DuplicateKey,
    KeyRefused,
    UnknownAuthority,
    UnknownKey,
)
from exchange.registry.models import (
    ALGORITHMS,
    REVOCATION_REASONS,
    SIGNING,
    Authority,
    AuthorityKey,
    KeyRotation,
)
from keys.errors import VerificationError
from keys.rotation import verify_rotation_statement
from keys.signing import derive_key_id
from keys.trust import TrustedKey, TrustStore
from schemas.geography import AUTHORITIES, HISTORIC_AUTHORITIES, PREDECESSORS

ONS_CODE = re.compile(r"[ENSW]\d{8}")


def key_id_for(purpose: str, public_key: bytes) -> str:
    """The key id of a public key: ``ed25519:`` or ``x25519:`` and a hash prefix."""
    return derive_key_id(ALGORITHMS[purpose], public_key)


def find_authority(session: Session, code: str) -> Authority:
    """The authority with ONS code ``code``."""
    authority = session.scalars(select(Authority).where(Authority.code == code)).first()
    if authority is None:
        raise UnknownAuthority(
            f"No authority {code!r} is registered; `exchange authority list` shows them."
        )
    return authority


def list_authorities(session: Session) -> list[Authority]:
    """Every registered authority, by code."""
    return list(session.scalars(select(Authority).order_by(Authority.code)))


def add_authority(
    session: Session,
    *,
    code: str,
    name: str | None,
    successor_of: str | None,
    actor: str,
    now: datetime | None = None,
) -> Authority:
    """Register an authority; the name defaults to the agreed geography's."""
    code = code.strip().upper()
    if not ONS_CODE.fullmatch(code):
        raise InvalidRequest(f"{code!r} is not an ONS area code (a letter and eight digits).")
    if session.scalars(select(Authority.id).where(Authority.code == code)).first() is not None:
        raise DuplicateAuthority(f"Authority {code} is already registered.")
    name = name or AUTHORITIES.get(code) or HISTORIC_AUTHORITIES.get(code)
    if not name:
        raise InvalidRequest(f"{code} is not in the agreed geography; give its name with --name.")
    if successor_of is None:
        successor_of = next((old for old, new in PREDECESSORS.items() if code in new), None)
    predecessor = find_authority(session, successor_of) if successor_of else None
    authority = Authority(
        code=code, name=name, successor_of=predecessor, created_at=now or utc_now()
    )
    session.add(authority)
    session.flush()
    details = {"successor_of": predecessor.code} if predecessor else {}
    record_event(
        session,
        tag=tags.AUTHORITY_ADD,
        actor=actor,
        authority=code,
        object=f"authority:{code}",
        details=details,
        now=now,
    )
    return authority


def register_key(
    session: Session,
    *,
    authority_code: str,
    public_key: bytes,
    purpose: str,
    actor: str,
    valid_from: datetime | None = None,
    now: datetime | None = None,
) -> AuthorityKey:
    """Register an authority's public key for ``purpose`` (``signing`` or ``relay``)."""
    if purpose not in ALGORITHMS:
        raise KeyRefused(f"A key's purpose is one of: {', '.join(ALGORITHMS)}.")
    _check_public_key(purpose, public_key)
    authority = find_authority(session, authority_code)
    key_id = key_id_for(purpose, public_key)
    if session.scalars(select(AuthorityKey.id).where(AuthorityKey.key_id == key_id)).first():
        raise DuplicateKey(f"Key {key_id} is already registered.")
    moment = now or utc_now()
    key = AuthorityKey(
        authority=authority,
        key_id=key_id,
        purpose=purpose,
        algorithm=ALGORITHMS[purpose],
        public_key=public_key,
        valid_from=valid_from or moment,
        registered_at=moment,
    )
    session.add(key)
    session.flush()
    record_event(
        session,
        tag=tags.KEY_REGISTER,
        actor=actor,
        authority=authority.code,
        object=f"key:{key_id}",
        details={"purpose": purpose},
        now=now,
    )
    return key


def find_key(session: Session, key_id: str) -> AuthorityKey:
    """The registered key with ``key_id``."""
    key = session.scalars(select(AuthorityKey).where(AuthorityKey.key_id == key_id)).first()
    if key is None:
        raise UnknownKey(f"No key {key_id!r} is registered.")
    return key


def revoke_key(
    session: Session,
    *,
    key_id: str,
    reason: str,
    actor: str,
    at: datetime | None = None,
    now: datetime | None = None,
) -> AuthorityKey:
    """Revoke a key from ``at`` (default now): documents signed from then on are refused.

    ``reason`` is one of :data:`REVOCATION_REASONS`, never free text, so it can be audited.
    """
    if reason not in REVOCATION_REASONS:
        raise InvalidRequest(f"The reason is one of: {', '.join(REVOCATION_REASONS)}.")
    key = find_key(session, key_id)
    if key.revoked_at is not None:
        raise Conflict(f"Key {key_id} was already revoked.")
    key.revoked_at = at or now or utc_now()
    key.revocation_reason = reason
    record_event(
        session,
        tag=tags.KEY_REVOKE,
        actor=actor,
        authority=key.authority.code,
        object=f"key:{key_id}",
        details={"reason": reason, "revoked_at": key.revoked_at.isoformat()},
        now=now,
    )
    return key


def rotate_key(
    session: Session, *, statement: bytes, actor: str, now: datetime | None = None
) -> KeyRotation:
    """Apply an authority's rotation statement, signed by its old and new keys."""
    try:
        verified = verify_rotation_statement(statement, trust_store(session))
    except VerificationError as err:
        raise KeyRefused(f"The rotation statement is refused: {err}") from None
    old = find_key(session, verified.old_key_id)
    if old.valid_until is not None:
        raise Conflict(f"Key {old.key_id} was already rotated out.")
    new = register_key(
        session,
        authority_code=verified.authority,
        public_key=verified.new_public_key,
        purpose=SIGNING,
        actor=actor,
        valid_from=verified.rotated_at,
        now=now,
    )
    old.valid_until = verified.rotated_at
    rotation = KeyRotation(authority_id=old.authority_id, old_key=old, new_key=new,
                           rotated_at=verified.rotated_at, statement=statement,
                           recorded_at=now or utc_now())  # fmt: skip
    session.add(rotation)
    session.flush()
    record_event(
        session,
        tag=tags.KEY_ROTATE,
        actor=actor,
        authority=verified.authority,
        object=f"key:{old.key_id}",
        details={"new_key": new.key_id},
        now=now,
    )
    return rotation


def trust_store(session: Session) -> TrustStore:
    """Every registered signing key, with its validity, as ``keys`` verifies against."""
    rows = session.scalars(select(AuthorityKey).where(AuthorityKey.purpose == SIGNING))
    return TrustStore(
        TrustedKey(
            key_id=row.key_id,
            authority=row.authority.code,
            public_key=row.public_key,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            revoked_at=row.revoked_at,
        )
        for row in rows
    )


def _check_public_key(purpose: str, public_key: bytes) -> None:
    if len(public_key) != 32:
        raise KeyRefused("A public key is 32 bytes (64 hexadecimal digits).")
    if purpose == SIGNING:
        try:
            Ed25519PublicKey.from_public_bytes(public_key)
        except ValueError:
            raise KeyRefused("That is not a valid Ed25519 public key.") from None
