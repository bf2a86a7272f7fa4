"""Who is asking: login sessions for pages, bearer tokens for the API, and role checks.

Every authenticated request has a :class:`Principal` in ``g.principal``. Pages use
Flask-Login sessions (:func:`page_access`); the API uses ``Authorization: Bearer``
tokens only (:func:`api_access`). A refusal because of role or authority is audited
(``accounts:access:deny``) and committed before the 403 is raised, so a data officer
of one authority probing another's data leaves a trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, NoReturn, TypeVar, cast

from flask import Flask, g, request
from flask_login import LoginManager, UserMixin, current_user

from exchange.accounts.errors import TokenRejected
from exchange.accounts.models import DATA_OFFICER, User
from exchange.accounts.tokens import resolve_token
from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.db import get_session
from exchange.errors import AuthenticationRequired, PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to see that page."
login_manager.session_protection = "strong"


@dataclass(frozen=True)
class Principal:
    """The user behind a request, their role and authority, and the token if one was used."""

    user_id: int
    role: str
    authority: str | None
    token_prefix: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names this principal."""
        return f"user:{self.user_id}"

    @classmethod
    def of(cls, user: User, token_prefix: str | None = None) -> Principal:
        """The principal for ``user``."""
        code = user.authority.code if user.authority else None
        return cls(user.id, user.role, code, token_prefix)


class SessionUser(UserMixin):
    """What Flask-Login keeps for a logged-in user: the principal, not the ORM row."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.id = principal.user_id


@login_manager.user_loader
def _load_user(user_id: str) -> SessionUser | None:
    user = get_session().get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active:
        return None  # a disabled user's session ends at their next request
    return SessionUser(Principal.of(user))


def init_app(app: Flask) -> None:
    """Attach Flask-Login to ``app``."""
    login_manager.init_app(app)


def current_principal() -> Principal:
    """The principal of the current request (set by the access decorators)."""
    principal: Principal = g.principal
    return principal


def api_access(*roles: str) -> Callable[[F], F]:
    """Require a valid bearer token, and one of ``roles`` when any are given."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.principal = _bearer_principal()
            require_role(g.principal, roles)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def page_access(*roles: str) -> Callable[[F], F]:
    """Require a logged-in user, and one of ``roles`` when any are given."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            g.principal = current_user.principal
            require_role(g.principal, roles)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def require_role(principal: Principal, roles: tuple[str, ...]) -> None:
    """Refuse (audited) unless the principal has one of ``roles`` (any, if empty)."""
    if roles and principal.role not in roles:
        deny(principal, reason="role", object=f"endpoint:{request.endpoint}")


def require_authority(principal: Principal, code: str) -> None:
    """Refuse (audited) a data officer asking about an authority other than their own."""
    if principal.role == DATA_OFFICER and principal.authority != code:
        deny(principal, reason="other_authority", object=f"authority:{code}")


def deny(principal: Principal, *, reason: str, object: str) -> NoReturn:
    """Audit a refusal in its own transaction, then raise :class:`PermissionDenied`."""
    session = get_session()
    session.rollback()
    record_event(
        session,
        tag=tags.ACCESS_DENY,
        actor=principal.actor,
        authority=principal.authority,
        object=object,
        details={"reason": reason, "method": request.method},
    )
    session.commit()
    raise PermissionDenied("Your role or authority does not allow this.")


def _bearer_principal() -> Principal:
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise AuthenticationRequired(
            "This needs an API token: send `Authorization: Bearer <token>`."
        )
    session = get_session()
    try:
        token = resolve_token(session, presented=presented.strip())
    except TokenRejected:
        session.commit()  # keep the audit entry of the rejection
        raise
    return Principal.of(token.user, token_prefix=token.prefix)
