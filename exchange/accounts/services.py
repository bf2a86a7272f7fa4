"""Users: adding, disabling, and checking a login, each audited in the caller's transaction.

Service functions take keyword-only dependencies (the session, the throttle, the
clock) and never touch the request. The audit log names users by id only.
"""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.accounts.errors import (
    DuplicateUser,
    LoginFailed,
    LoginThrottled,
    UnknownUser,
    WeakPassword,
)
from exchange.accounts.models import DATA_OFFICER, ROLES, User
from exchange.accounts.throttle import LoginThrottle, account_key
from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.db import utc_now
from exchange.errors import Conflict, InvalidRequest
from exchange.registry.services import find_authority

MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a miss costs as long as a hit.
_DUMMY_HASH = _hasher.hash("not-a-real-password-at-all")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``, refusing one that is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return _hasher.hash(password)


def find_user(session: Session, username: str) -> User:
    """The user called ``username``."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise UnknownUser(f"There is no user {username!r}.")
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    authority_code: str | None,
    actor: str,
    now: datetime | None = None,
) -> User:
    """Add a user with ``role``; a data officer must name their authority, others must not."""
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise InvalidRequest("A username is 1 to 80 characters without spaces.")
    if role not in ROLES:
        raise InvalidRequest(f"The role must be one of: {', '.join(ROLES)}.")
    if (role == DATA_OFFICER) != (authority_code is not None):
        raise InvalidRequest("A data officer needs --authority; other roles must not have one.")
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise DuplicateUser(f"The username {username!r} is taken.")
    authority = find_authority(session, authority_code) if authority_code else None
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        authority=authority,
        created_at=now or utc_now(),
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        tag=tags.USER_ADD,
        actor=actor,
        authority=authority.code if authority else None,
        object=user.actor,
        details={"role": role},
        now=now,
    )
    return user


def disable_user(
    session: Session, *, username: str, actor: str, now: datetime | None = None
) -> User:
    """Stop a user logging in or using any of their tokens."""
    user = find_user(session, username)
    if not user.active:
        raise Conflict(f"User {username!r} is already disabled.")
    user.disabled_at = now or utc_now()
    record_event(
        session,
        tag=tags.USER_DISABLE,
        actor=actor,
        authority=user.authority.code if user.authority else None,
        object=user.actor,
        now=now,
    )
    return user


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    throttle: LoginThrottle,
    address: str,
    now: datetime | None = None,
) -> User:
    """The user whose password this is; every outcome is audited.

    Raises :class:`LoginThrottled` before checking anything when the account or the
    address has failed too often (the attempt is counted before the password is checked,
    and given back if it was right), else :class:`LoginFailed` on any failure. The caller
    commits the session even on failure, so the audit entry is kept.
    """
    account = account_key(username)
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    actor = user.actor if user else "anonymous"
    authority = user.authority.code if user and user.authority else None
    if not throttle.attempt(account=account, address=address):
        record_event(session, tag=tags.LOGIN_THROTTLE, actor=actor, authority=authority, now=now)
        raise LoginThrottled("Too many failed logins. Wait fifteen minutes and try again.")
    reason = _password_problem(user, password)
    if reason is not None:
        record_event(
            session,
            tag=tags.LOGIN_FAIL,
            actor=actor,
            authority=authority,
            details={"reason": reason},
            now=now,
        )
        raise LoginFailed("The username or password is wrong, or the account is disabled.")
    assert user is not None  # _password_problem returned no problem
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    throttle.succeeded(account=account, address=address)
    record_event(session, tag=tags.LOGIN_SUCCEED, actor=actor, authority=authority, now=now)
    return user


def _password_problem(user: User | None, password: str) -> str | None:
    stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return "bad_password" if user is not None else "unknown_account"
    if user is None:
        return "unknown_account"
    return None if user.active else "disabled"
