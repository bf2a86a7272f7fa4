"""Rate limits: Flask-Limiter for every route, and the login throttle beside it.

Each app gets its own :class:`flask_limiter.Limiter` (its storage is per instance),
kept in ``app.extensions``; counts live where ``EXCHANGE_RATELIMIT_STORAGE_URI``
says — Redis in production, so all workers share them. A route that needs its own
limit decorates its view in ``create_app`` with ``rate_limiter(app).limit("10/minute")``.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from exchange.accounts.throttle import LoginThrottle

_LIMITER = "exchange.limiter"
_THROTTLE = "exchange.login_throttle"


def init_app(app: Flask, *, per_account: str, per_address: str) -> None:
    """Give ``app`` its limiter (configured from ``RATELIMIT_*``) and its login throttle."""
    limiter = Limiter(get_remote_address, app=app)
    app.extensions[_LIMITER] = limiter
    app.extensions[_THROTTLE] = LoginThrottle(
        limiter.limiter,
        per_account=per_account,
        per_address=per_address,
        namespace=app.config.get("RATELIMIT_KEY_PREFIX", ""),
    )


def rate_limiter(app: Flask | None = None) -> Limiter:
    """The limiter of ``app`` (default: the current app)."""
    limiter: Limiter = (app or current_app).extensions[_LIMITER]
    return limiter


def login_throttle() -> LoginThrottle:
    """The current app's login throttle."""
    throttle: LoginThrottle = current_app.extensions[_THROTTLE]
    return throttle
