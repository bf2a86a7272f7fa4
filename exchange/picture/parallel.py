"""A full recompute spread over processes, one period per process at a time.

A period's rebuild is pandas and numpy work on one core (and the database's own work
on another), so on a machine with several cores rebuilding eight periods one after the
other leaves most of it idle. Here each worker process builds its own app from the
parent's settings (same database, same instance folder and hub key), opens its own
connections, and rebuilds the periods it is handed with
:func:`exchange.picture.hooks.rebuild_period`: under the period's advisory lock,
committed per period, a failure recorded against its period. Workers are started with
``spawn`` (no inherited connections or threads). Only on PostgreSQL: SQLite has one
writer at a time, so there the rebuilds stay in one process.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy.orm import Session

from exchange.config import Settings, current_settings

if TYPE_CHECKING:
    from flask import Flask

    from exchange.picture.store import Release

log = structlog.get_logger("exchange.picture")

#: At most this many worker processes, whatever the machine has.
MAX_JOBS = 8

_app: Flask | None = None


def default_jobs() -> int:
    """The machine's cores (those this process may use), at most :data:`MAX_JOBS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS))


def can_fan_out(session: Session) -> bool:
    """Whether rebuilds may run in several processes against this database."""
    return session.get_bind().dialect.name == "postgresql"


def settings_overrides(settings: Settings) -> dict[str, Any]:
    """The settings as ``create_app`` overrides, so a worker builds the same app."""
    return {f.name.upper(): getattr(settings, f.name) for f in dataclasses.fields(Settings)}


def _start_worker(overrides: dict[str, Any]) -> None:
    global _app
    from exchange import create_app

    _app = create_app(overrides)


def _rebuild_in_worker(period: str) -> int | None:
    """Rebuild ``period`` in this worker; the new release's id (``None``: nothing built)."""
    from exchange.db import get_session
    from exchange.picture.hooks import rebuild_period

    assert _app is not None, "worker not started"
    with _app.app_context():
        release = rebuild_period(get_session(), period)
        return None if release is None else release.id


def recompute_in_processes(
    session: Session,
    periods: Sequence[str],
    *,
    jobs: int,
    progress: Callable[[str, Release | None], None] | None = None,
) -> list[Release]:
    """Rebuild ``periods`` over ``jobs`` processes; the new releases in ``periods`` order.

    ``progress`` is called in this process as each period finishes. A period that fails
    does not stop the others; the first failure is raised once all have finished.
    """
    from exchange.picture.models import PictureRelease
    from exchange.picture.store import release_of

    overrides = settings_overrides(current_settings())
    session.commit()  # hold no locks or snapshot while the workers write
    built: dict[str, Release] = {}
    failure: BaseException | None = None
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=max(1, min(jobs, len(periods))), mp_context=context,
        initializer=_start_worker, initargs=(overrides,),
    ) as pool:  # fmt: skip
        futures: dict[Future[int | None], str] = {
            pool.submit(_rebuild_in_worker, period): period for period in periods
        }
        for done in as_completed(futures):
            period = futures[done]
            try:
                release_id = done.result()
            except Exception as err:  # recorded by rebuild_period in the worker
                log.error("picture_recompute_failed", period=period, error_type=type(err).__name__)
                failure = failure or err
                continue
            release = None
            if release_id is not None:
                record = session.get(PictureRelease, release_id)
                release = None if record is None else release_of(session, record)
            if release is not None:
                built[period] = release
            log.info("picture_recompute_period", period=period, done=len(built), of=len(periods))
            if progress is not None:
                progress(period, release)
    if failure is not None:
        raise failure
    return [built[p] for p in periods if p in built]
