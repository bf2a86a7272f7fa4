"""Liveness and readiness probes for the process manager and the load balancer.

``/healthz`` answers while the process can serve a request at all; it touches nothing
else, so a database outage never gets the workers restarted. ``/readyz`` says whether
this worker can do useful work: the database answers, the rate-limit store answers
(with Redis down every limited route fails), and the database is at the migrations'
head (code newer than the schema must not serve). A failure is 503 with a JSON body
naming each check, so the operator sees at once what is missing. Neither needs a
login or counts against a rate limit, and neither says more than ok/not ok: the
reason text names the check, never a host, URL or password.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import structlog
from alembic.script import ScriptDirectory
from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from exchange import db
from exchange.ratelimit import rate_limiter

bp = Blueprint("ops", __name__)
log = structlog.get_logger("exchange.ops")
Check = Callable[[], str | None]


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and serving requests."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Every dependency answers: 200, or 503 naming the checks that failed."""
    checks: dict[str, Check] = {
        "database": _database,
        "ratelimit_store": _ratelimit_store,
        "migrations": _migrations,
    }
    results: dict[str, dict[str, str]] = {}
    for name, check in checks.items():
        problem = check()
        results[name] = {"status": "ok"}
        if problem is not None:
            results[name] = {"status": "fail", "reason": problem}
    failing = sorted(name for name, result in results.items() if result["status"] != "ok")
    if failing:
        log.warning("not ready", failing=failing)
    body = {"status": "fail" if failing else "ok", "not_ready": failing, "checks": results}
    return jsonify(body), 503 if failing else 200


@cache
def migrations_head() -> str | None:
    """The newest migration this code knows (the same for the process's life)."""
    script = ScriptDirectory(str(db.MIGRATIONS))
    return script.get_current_head()


def _database() -> str | None:
    try:
        with db.database().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as err:
        return f"the database did not answer ({type(err).__name__})"
    return None


def _ratelimit_store() -> str | None:
    try:
        answered = rate_limiter().storage.check()
    except Exception as err:  # a storage backend may raise its own errors
        return f"the rate-limit store did not answer ({type(err).__name__})"
    return None if answered else "the rate-limit store did not answer"


def _migrations() -> str | None:
    try:
        current = db.current_revision(db.database().engine)
    except SQLAlchemyError as err:
        return f"the migration revision could not be read ({type(err).__name__})"
    head = migrations_head()
    if current != head:
        return f"the database is at revision {current or '(none)'}, the code needs {head}"
    return None
