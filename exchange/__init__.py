"""The regional hub: verifies and stores returns, builds the regional picture.

:func:`create_app` builds the Flask application (``gunicorn 'exchange:create_app()'``);
the ``exchange`` command (:mod:`exchange.cli`) administers it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from exchange import db, errors, observability, ops, picture, ratelimit, security
from exchange.accounts import auth
from exchange.config import (
    SETTINGS_EXTENSION,
    Settings,
    flask_config,
    load_settings,
    refuse_unsafe_production,
)
from exchange.ops.bodywatch import BodyWatch

SQLITE_FILE = "exchange.sqlite3"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the hub from its settings (see :mod:`exchange.config`); ``config`` wins."""
    app = Flask(__name__, instance_relative_config=True)
    settings, extra = load_settings(
        environ=os.environ, overrides=config, default_instance_path=app.instance_path
    )
    refuse_unsafe_production(settings)
    app.instance_path = settings.instance_path
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config.update(flask_config(settings))
    app.config.update(extra)
    app.extensions[SETTINGS_EXTENSION] = settings

    observability.init_app(app, level=settings.log_level, style=settings.log_format)
    db.init_app(app, database_url(settings))
    security.init_app(app, hsts_seconds=settings.hsts_seconds, proxies=settings.proxy_fix_x_for)
    ratelimit.init_app(
        app,
        per_account=settings.login_failures_per_account,
        per_address=settings.login_failures_per_address,
    )
    auth.init_app(app)
    ops.init_app(app)  # /healthz and /readyz: no login, no rate limit
    app.wsgi_app = BodyWatch(  # type: ignore[method-assign]
        app.wsgi_app, min_rate=settings.body_min_rate_bytes, grace=settings.body_grace_seconds
    )  # under gunicorn, cut off request bodies trickled in too slowly
    picture.init_app(app)  # rebuild the regional picture when returns change
    _register_api(app)
    errors.init_app(app)  # after flask-smorest, whose own HTTP error handler it replaces
    _register_pages(app)
    _register_commands(app)
    return app


def database_url(settings: Settings) -> str:
    """The configured database, or the SQLite file in the instance folder."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{Path(settings.instance_path) / SQLITE_FILE}"


def _register_api(app: Flask) -> None:
    from exchange.accounts.api import blp as me
    from exchange.audit.api import blp as audit
    from exchange.picture.api import blp as picture
    from exchange.registry.api import blp as authorities
    from exchange.returns.api import blp as returns
    from exchange.suppliers.api import blp as suppliers

    api = errors.Api(app)  # documents the hub's own error shape
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API token"}
    )
    for blueprint in (authorities, audit, me, returns, picture, suppliers):
        api.register_blueprint(blueprint)
        security.csrf.exempt(blueprint)
    app.extensions["exchange.api"] = api


def _register_pages(app: Flask) -> None:
    from exchange.accounts.views import bp as accounts
    from exchange.audit.views import bp as audit
    from exchange.picture.views import bp as picture
    from exchange.registry.views import bp as registry
    from exchange.returns.views import bp as returns
    from exchange.suppliers.views import bp as suppliers

    for blueprint in (accounts, registry, audit, returns, picture, suppliers):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from exchange.cli import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)
