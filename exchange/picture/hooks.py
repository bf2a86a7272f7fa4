"""Rebuilding the picture when returns change: inline, or in a background worker.

When a return is accepted, superseded or deleted, its period is marked stale and
rebuilt. With ``picture_recompute = "inline"`` (tests, small hubs) the rebuild runs
before the request answers. With ``"background"`` (the default) the request only marks
the period stale and hands it to the app's worker: one daemon thread per app, started
on demand with its own app context and session, that rebuilds pending periods one at a
time and stops when none is left (so no thread outlives its work). Repeated triggers
for a period coalesce: a period already pending is not queued twice; one changed while
it is being rebuilt is rebuilt again afterwards. On PostgreSQL a transaction-level
advisory lock per period keeps two processes (several gunicorn workers, or the CLI)
from rebuilding the same period at once.

A failed rebuild leaves the period stale with the error's type recorded (``exchange
picture status`` shows it); the previous release stays current.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence

import structlog
from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange.config import current_settings
from exchange.db import get_session
from exchange.picture.store import Release, build_release, mark_state, periods_to_build
from exchange.returns.hooks import ReturnsChanged, on_returns_changed

log = structlog.get_logger("exchange.picture")
_EXTENSION = "exchange.picture.worker"
INLINE = "inline"


def init_app(app: Flask) -> None:
    """Register the returns-changed callback and give ``app`` its (idle) worker."""
    on_returns_changed(returns_changed)
    app.extensions[_EXTENSION] = Worker(app)


def returns_changed(session: Session, change: ReturnsChanged) -> None:
    """The returns hook: rebuild the changed periods (inline or in the background)."""
    request_rebuild(session, change.periods or None)


def request_rebuild(session: Session, periods: Sequence[str] | None = None) -> None:
    """Mark ``periods`` (default: every period) stale and rebuild them as configured.

    Call after committing the change that makes them stale (a return, framework prices).
    """
    targets = list(dict.fromkeys(periods)) if periods else periods_to_build(session)
    if not targets:
        return
    mark_state(session, targets, stale=True)
    session.commit()
    if current_settings().picture_recompute == INLINE:
        for period in targets:
            rebuild_period(session, period)
        return
    worker(current_app).submit(targets)


def rebuild_period(session: Session, period: str) -> Release | None:
    """Rebuild one period under its lock; record a failure's type and re-raise it."""
    try:
        _lock(session, period)
        return build_release(session, period)
    except Exception as err:
        session.rollback()
        log.error("picture_rebuild_failed", period=period, error_type=type(err).__name__)
        try:
            mark_state(session, [period], stale=True, error=type(err).__name__)
            session.commit()
        except Exception:  # the database itself may be what failed
            session.rollback()
        raise


def _lock(session: Session, period: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"picture:{period}".encode()).digest()
        session.execute(
            select(func.pg_advisory_xact_lock(int.from_bytes(digest[:8], "big", signed=True)))
        )


def worker(app: Flask) -> Worker:
    """The app's background worker."""
    found = app.extensions.get(_EXTENSION)
    if found is None:
        found = app.extensions[_EXTENSION] = Worker(app)
    assert isinstance(found, Worker)
    return found


class Worker:
    """Rebuilds pending periods in one daemon thread that exits when the queue is empty."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._pending: dict[str, None] = {}
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def submit(self, periods: Sequence[str]) -> None:
        """Queue ``periods`` (coalescing with those already pending) and start if idle."""
        with self._lock:
            self._pending.update(dict.fromkeys(periods))
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="picture-rebuild", daemon=True
                )
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until nothing is pending or running; whether it got there in time."""
        return self._idle.wait(timeout)

    def _next(self) -> str | None:
        with self._lock:
            if not self._pending:
                self._thread = None
                self._idle.set()
                return None
            period = next(iter(self._pending))
            del self._pending[period]
            return period

    def _run(self) -> None:
        while (period := self._next()) is not None:
            try:
                with self.app.app_context():
                    rebuild_period(get_session(), period)
            except Exception as err:  # logged by rebuild_period; the worker carries on
                log.warning("picture_background_rebuild_failed", period=period,
                            error_type=type(err).__name__)  # fmt: skip
