"""API tokens for machines: shown once, stored as a SHA-256 hash, found by a public prefix.

A token reads ``exch_<12 hex digit prefix>_<43 url-safe characters>``. The prefix
is not secret (it names the token in the audit log and in ``exchange token revoke``);
the whole token is 256 bits of randomness, so a plain SHA-256 is a safe way to store
it. A token is bound to its user and to the user's authority, and dies with either.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.accounts.errors import TokenRejected, UnknownToken
from exchange.accounts.models import ApiToken, User
from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.db import utc_now
from exchange.errors import Conflict, InvalidRequest

TOKEN_PATTERN = re.compile(r"exch_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def create_token(
    session: Session,
    *,
    user: User,
    days: int,
    max_days: int,
    label: str,
    actor: str,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid ``days`` days; returns the record and the secret."""
    if not 1 <= days <= max_days:
        raise InvalidRequest(f"A token lasts between 1 and {max_days} days.")
    if not user.active:
        raise Conflict("A disabled user cannot be given a token.")
    moment = now or utc_now()
    prefix = secrets.token_hex(6)
    secret = f"exch_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        prefix=prefix,
        token_hash=_digest(secret),
        user=user,
        authority_id=user.authority_id,
        label=label[:100],
        created_at=moment,
        expires_at=moment + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    record_event(
        session,
        tag=tags.TOKEN_CREATE,
        actor=actor,
        authority=user.authority.code if user.authority else None,
        object=f"token:{prefix}",
        details={"user": user.actor, "days": days},
        now=now,
    )
    return token, secret


def revoke_token(
    session: Session, *, prefix: str, actor: str, now: datetime | None = None
) -> ApiToken:
    """Revoke the token with ``prefix``; it is refused from now on."""
    token = session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)).first()
    if token is None:
        raise UnknownToken(f"There is no token {prefix!r}.")
    if token.revoked_at is not None:
        raise Conflict(f"Token {prefix} is already revoked.")
    token.revoked_at = now or utc_now()
    record_event(
        session,
        tag=tags.TOKEN_REVOKE,
        actor=actor,
        authority=token.authority.code if token.authority else None,
        object=f"token:{prefix}",
        details={"user": token.user.actor},
        now=now,
    )
    return token


def list_tokens(session: Session, *, user: User | None = None) -> list[ApiToken]:
    """Tokens (of ``user``, or all), newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


def resolve_token(session: Session, *, presented: str, now: datetime | None = None) -> ApiToken:
    """The live token ``presented`` is; :class:`TokenRejected` (with a reason) otherwise.

    Rejections of a well-formed token are audited in ``session``; the caller commits.
    """
    match = TOKEN_PATTERN.fullmatch(presented)
    if match is None:
        raise TokenRejected("The API token is malformed; send `Authorization: Bearer <token>`.")
    token = session.scalars(select(ApiToken).where(ApiToken.prefix == match.group(1))).first()
    reason = _rejection(token, presented, now or utc_now())
    if reason is not None:
        record_event(
            session,
            tag=tags.TOKEN_REJECT,
            actor=token.user.actor if token and reason != "unknown" else "anonymous",
            object=f"token:{match.group(1)}",
            details={"reason": reason},
            now=now,
        )
        raise TokenRejected(f"The API token is {reason.replace('_', ' ')}; ask for a new one.")
    assert token is not None
    return token


def _rejection(token: ApiToken | None, presented: str, now: datetime) -> str | None:
    if token is None or not hmac.compare_digest(token.token_hash, _digest(presented)):
        return "unknown"
    if token.revoked_at is not None:
        return "revoked"
    if now >= token.expires_at:
        return "expired"
    if not token.user.active:
        return "user_disabled"
    if token.authority_id != token.user.authority_id:
        return "authority_changed"
    return None
