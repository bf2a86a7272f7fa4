"""Pages of accounts: log in, log out, the home page and the administrator's user list."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from exchange.accounts.auth import Principal, SessionUser, current_principal, page_access
from exchange.accounts.errors import LoginFailed, LoginThrottled
from exchange.accounts.forms import LoginForm, LogoutForm
from exchange.accounts.models import ADMIN
from exchange.accounts.services import authenticate, list_users
from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.db import get_session
from exchange.ratelimit import login_throttle

bp = Blueprint("accounts", __name__)


@bp.route("/")
@page_access()
def home() -> str:
    """What the logged-in user can do, by role."""
    return render_template("home.html", principal=current_principal())


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The login form; failures are audited and throttled per account and address."""
    form = LoginForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/login.html", form=form), status
    db = get_session()
    try:
        user = authenticate(
            db,
            username=form.username.data or "",
            password=form.password.data or "",
            throttle=login_throttle(),
            address=request.remote_addr or "unknown",
        )
    except (LoginFailed, LoginThrottled) as err:
        db.commit()  # the failure's audit entry is kept
        form.password.data = ""
        return render_template("accounts/login.html", form=form, error=err.message), err.status
    principal = Principal.of(user)
    db.commit()
    session.clear()  # a fresh session on login: no fixation
    login_user(SessionUser(principal))
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    """End the session (POST with a CSRF token)."""
    LogoutForm().validate_on_submit()  # the CSRF check itself runs before the view
    if current_user.is_authenticated:
        principal = current_user.principal
        db = get_session()
        record_event(db, tag=tags.LOGOUT, actor=principal.actor, authority=principal.authority)
        db.commit()
    logout_user()
    session.clear()
    return redirect(url_for("accounts.login"))


@bp.route("/admin/users")
@page_access(ADMIN)
def users() -> str:
    """Every user, their role, authority and whether they are disabled."""
    return render_template("admin/users.html", users=list_users(get_session()))


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login, never another host."""
    parts = urlsplit(target or "")
    same_site = not parts.scheme and not parts.netloc
    if target and same_site and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("accounts.home")
