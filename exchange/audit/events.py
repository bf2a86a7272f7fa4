"""Recording an audit event: an entry appended to the log in the caller's transaction.

Every action the hub takes on behalf of someone calls :func:`record_event` with the
same session as the action itself, so both commit or neither does. The entry is
canonical JSON (the ``body``); its leaf hash is ``SHA-256(0x00 || body)`` and it
carries the previous entry's leaf hash, so the log is both a Merkle tree and a hash
chain. Details are data about the event, never about people: keys that name personal
data, and values that look like an NHS number or a postcode, are refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from exchange.audit.formats import ENTRY_FORMAT, GENESIS_HASH
from exchange.audit.models import AuditEntry
from exchange.db import utc_now
from exchange.errors import ExchangeError
from keys.strict_json import canonical_json
from keys.transparency import leaf_hash

MAX_BODY_BYTES = 8192
# Held for the rest of the transaction on PostgreSQL, so entries get consecutive indexes.
APPEND_LOCK_KEY = 0x6175646974  # "audit"
TAG_PATTERN = re.compile(r"[a-z][a-z_]*:[a-z][a-z_]*:[a-z][a-z_]*")
PERSONAL_WORDS = frozenset(
    {
        "name", "names", "forename", "forenames", "surname", "firstname", "lastname",
        "fullname", "username", "nhs", "postcode", "postcodes", "dob", "birth",
        "birthdate", "address", "addresses", "email", "phone", "telephone", "mobile",
        "password", "passphrase", "secret",
    }
)  # fmt: skip
SECRET_KEYS = frozenset({"token", "api_token", "authorization", "cookie", "seed"})
_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", re.IGNORECASE)
_TEN_DIGITS = re.compile(r"\d{3} ?\d{3} ?\d{4}")


class AuditError(ExchangeError):
    """An audit entry could not be written; the action it records must fail too."""

    code = "audit_refused"


def record_event(
    session: Session,
    *,
    tag: str,
    actor: str,
    authority: str | None = None,
    object: str | None = None,
    details: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Append an entry ``tag`` (``source:subject:action``) to the log, in ``session``.

    Takes the log's append lock (PostgreSQL) until the transaction ends, so call it
    as late in a long transaction as the action allows.
    """
    details = dict(details or {})
    _check_event(tag, details, actor=actor, authority=authority, object=object)
    acquire_append_lock(session)
    index, prev = _chain_head(session)
    moment = (now or utc_now()).astimezone(UTC)
    fields: dict[str, Any] = {
        "tag": tag, "actor": actor, "authority": authority, "object": object, "details": details
    }  # fmt: skip
    body = entry_body(index=index, moment=moment, prev_hash=prev, **fields)
    if len(body) > MAX_BODY_BYTES:
        raise AuditError(f"Audit entry {tag} is larger than {MAX_BODY_BYTES} bytes.")
    entry = AuditEntry(
        index=index, recorded_at=moment, prev_hash=prev, leaf_hash=leaf_hash(body),
        body=body.decode("utf-8"), **fields,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    return entry


def _check_event(
    tag: str,
    details: Mapping[str, Any],
    *,
    actor: str,
    authority: str | None,
    object: str | None,
) -> None:
    if not TAG_PATTERN.fullmatch(tag):
        raise AuditError(f"Audit tag {tag!r} is not of the form source:subject:action.")
    refuse_personal_data(details)
    for label, value in (("actor", actor), ("object", object), ("authority", authority)):
        _refuse_personal_value(value, label)


def _chain_head(session: Session) -> tuple[int, bytes]:
    """The next entry's index and the leaf hash it must chain to."""
    last = session.execute(
        select(AuditEntry.index, AuditEntry.leaf_hash).order_by(AuditEntry.index.desc()).limit(1)
    ).first()
    return (0, GENESIS_HASH) if last is None else (last[0] + 1, last[1])


def entry_body(
    *,
    index: int,
    moment: datetime,
    tag: str,
    actor: str,
    authority: str | None,
    object: str | None,
    details: Mapping[str, Any],
    prev_hash: bytes,
) -> bytes:
    """The canonical bytes of an entry: what its leaf hash covers."""
    return canonical_json(
        {
            "format": ENTRY_FORMAT,
            "index": index,
            "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "tag": tag,
            "actor": actor,
            "authority": authority,
            "object": object,
            "details": dict(details),
            "prev_hash": prev_hash.hex(),
        }
    )


def acquire_append_lock(session: Session) -> None:
    """Serialise appends (PostgreSQL; SQLite transactions already hold the write lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})


def refuse_personal_data(details: Mapping[str, Any], *, path: str = "details") -> None:
    """Raise :class:`AuditError` if ``details`` could carry personal data or a secret."""
    for key, value in details.items():
        if not isinstance(key, str):
            raise AuditError(f"Audit {path} keys must be strings.")
        words = set(re.split(r"[^a-z0-9]+", _snake(key)))
        if words & PERSONAL_WORDS or key.lower() in SECRET_KEYS:
            raise AuditError(
                f"Audit {path} may not carry {key!r}: it names personal data or a secret. "
                "Record an id or a count instead."
            )
        _refuse_value(value, f"{path}.{key}")


def _refuse_value(value: Any, path: str) -> None:
    if isinstance(value, Mapping):
        refuse_personal_data(value, path=path)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_value(item, path)
    elif isinstance(value, float):
        raise AuditError(f"Audit {path} is a float; record an integer or a string.")
    elif isinstance(value, str):
        _refuse_personal_value(value, path)
    elif value is not None and not isinstance(value, bool | int):
        raise AuditError(f"Audit {path} must be JSON data, not {type(value).__name__}.")


def _refuse_personal_value(value: str | None, path: str) -> None:
    if value is None:
        return
    for part in re.split(r"[:,;/|]", value):
        candidate = part.strip()
        if _POSTCODE.fullmatch(candidate) or (
            _TEN_DIGITS.fullmatch(candidate) and _nhs_checksum_ok(candidate)
        ):
            raise AuditError(f"Audit {path} looks like a postcode or an NHS number; refused.")


def _nhs_checksum_ok(candidate: str) -> bool:
    digits = [int(c) for c in candidate if c.isdigit()]
    remainder = sum(d * (10 - i) for i, d in enumerate(digits[:9])) % 11
    check = 11 - remainder
    return check != 10 and (check % 11) == digits[9]


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower()
