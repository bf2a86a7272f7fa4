"""Storing and reading releases of the regional picture.

Pages and the API read here, and only here: one stored row per table
(:func:`load_table`), never the rows tables behind it, so a page costs the same for
ten thousand placements as for eight million. :func:`build_release` is the one writer:
it loads a period's latest accepted returns (:mod:`exchange.picture.loading`), computes
and protects every table (:mod:`exchange.picture.building`), checks them with the
attacker, signs the certificate with the hub key and stores the lot as the period's new
current release, in one transaction (the previous release becomes ``replaced``).

Service functions here never commit, except :func:`build_release` and
:func:`recompute`, which are the unit of work themselves (called from the returns hook,
the background worker and ``exchange picture recompute``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from exchange.db import utc_now
from exchange.disclosure.tables import PublishedTable
from exchange.picture.catalogue import TABLES
from exchange.picture.errors import UnknownTable
from exchange.picture.models import (
    CURRENT,
    REPLACED,
    PictureAuthorityView,
    PictureRelease,
    PictureState,
    PictureTable,
)
from exchange.returns.models import ACCEPTED, Return

log = structlog.get_logger("exchange.picture")


@dataclass(frozen=True)
class Release:
    """One stored build of a period's picture.

    ``tables`` holds the published tables when asked for (``with_tables=True``);
    otherwise it is empty and :func:`load_table` reads one table at a time.
    ``certificate_id`` is the certificate's own id (``certificate["id"]``), the one
    downloads and ``/api/v1/picture/certificates/<id>`` name.
    """

    id: int
    period: str
    number: int
    created_at: datetime
    status: str
    returns: tuple[str, ...]
    certificate: dict[str, Any]
    certificate_id: str
    signature: str
    hub_key_id: str
    table_names: tuple[str, ...]
    tables: dict[str, PublishedTable] = field(default_factory=dict)


@dataclass(frozen=True)
class PeriodPicture:
    """A period with accepted returns and where its picture stands."""

    period: str
    release_number: int | None
    created_at: datetime | None
    certificate_id: str | None
    stale: bool
    last_error: str | None


def check_table_name(name: str) -> str:
    """``name`` if it is a published table's name, else :class:`UnknownTable`."""
    if name not in TABLES:
        raise UnknownTable(
            f"The regional picture has no table {name[:64]!r}; the tables are: "
            + ", ".join(TABLES)
            + "."
        )
    return name


def current_release(session: Session, period: str, *, with_tables: bool = False) -> Release | None:
    """The period's current release, or ``None`` if it has none (no returns yet)."""
    record = session.scalars(
        select(PictureRelease).where(
            PictureRelease.period == period, PictureRelease.status == CURRENT
        )
    ).first()
    return None if record is None else _release(session, record, with_tables=with_tables)


def load_table(session: Session, period: str, name: str) -> PublishedTable | None:
    """One published table of the period's current release (one row read).

    ``None`` when the period has no release (the page shows its empty state);
    :class:`UnknownTable` when no table has that name.
    """
    check_table_name(name)
    document = session.scalars(
        select(PictureTable.document)
        .join(PictureRelease, PictureRelease.id == PictureTable.release_id)
        .where(
            PictureRelease.period == period,
            PictureRelease.status == CURRENT,
            PictureTable.name == name,
        )
    ).first()
    return None if document is None else PublishedTable.from_document(document)


def load_authority_view(session: Session, period: str, authority: str) -> PublishedTable | None:
    """An authority's own figures for the period (private: show only to that authority)."""
    document = session.scalars(
        select(PictureAuthorityView.document)
        .join(PictureRelease, PictureRelease.id == PictureAuthorityView.release_id)
        .where(
            PictureRelease.period == period,
            PictureRelease.status == CURRENT,
            PictureAuthorityView.authority == authority,
        )
    ).first()
    return None if document is None else PublishedTable.from_document(document)


def release_periods(session: Session) -> list[PeriodPicture]:
    """Periods with accepted returns or a release, newest first, with their picture's state."""
    with_returns = set(
        session.scalars(
            select(Return.period)
            .where(Return.status == ACCEPTED, Return.deleted_at.is_(None))
            .distinct()
        )
    )
    current = {
        r.period: r
        for r in session.scalars(select(PictureRelease).where(PictureRelease.status == CURRENT))
    }
    states = {s.period: s for s in session.scalars(select(PictureState))}
    periods = []
    for period in sorted(with_returns | set(current), reverse=True):
        release, state = current.get(period), states.get(period)
        periods.append(
            PeriodPicture(
                period=period,
                release_number=release.number if release else None,
                created_at=release.created_at if release else None,
                certificate_id=release.certificate["id"] if release else None,
                stale=state.stale if state else release is None,
                last_error=state.last_error if state else None,
            )
        )
    return periods


def find_certificate(session: Session, certificate_id: str) -> Release | None:
    """The release whose certificate has ``certificate_id`` (current or replaced)."""
    record = session.scalars(
        select(PictureRelease).where(PictureRelease.certificate_sha256 == certificate_id)
    ).first()
    return None if record is None else _release(session, record, with_tables=False)


def list_releases(session: Session, period: str | None = None) -> list[Release]:
    """Every release (of ``period``, if given), newest first, without their tables."""
    query = select(PictureRelease).order_by(
        PictureRelease.period.desc(), PictureRelease.number.desc()
    )
    if period is not None:
        query = query.where(PictureRelease.period == period)
    return [_release(session, r, with_tables=False) for r in session.scalars(query)]


def release_of(session: Session, record: PictureRelease) -> Release:
    """The :class:`Release` of a stored release record, without its tables."""
    return _release(session, record, with_tables=False)


def _release(session: Session, record: PictureRelease, *, with_tables: bool) -> Release:
    tables: dict[str, PublishedTable] = {}
    if with_tables:
        rows = session.execute(
            select(PictureTable.name, PictureTable.document).where(
                PictureTable.release_id == record.id
            )
        )
        tables = {name: PublishedTable.from_document(doc) for name, doc in rows}
        names = tuple(n for n in TABLES if n in tables)
    else:
        found = set(
            session.scalars(select(PictureTable.name).where(PictureTable.release_id == record.id))
        )
        names = tuple(n for n in TABLES if n in found)
    return Release(
        id=record.id,
        period=record.period,
        number=record.number,
        created_at=record.created_at,
        status=record.status,
        returns=tuple(record.returns),
        certificate=record.certificate,
        certificate_id=record.certificate_sha256,
        signature=record.signature,
        hub_key_id=record.hub_key_id,
        table_names=names,
        tables=tables,
    )


def build_release(session: Session, period: str) -> Release | None:
    """Rebuild ``period``'s picture from its latest accepted returns and commit it.

    ``None`` when the period has no accepted returns and never had a release (nothing to
    publish); a period whose returns were all deleted gets a release of empty tables, so
    what was published is visibly withdrawn.
    """
    from exchange.picture.building import assemble  # pandas-heavy; import on use

    previous = current_release(session, period, with_tables=True)
    built = assemble(session, period, previous=previous)
    if built is None and previous is None:
        mark_state(session, [period], stale=False)
        session.commit()
        return None
    assert built is not None
    number = (
        session.scalar(
            select(func.max(PictureRelease.number)).where(PictureRelease.period == period)
        )
        or 0
    ) + 1
    session.execute(
        update(PictureRelease)
        .where(PictureRelease.period == period, PictureRelease.status == CURRENT)
        .values(status=REPLACED)
    )
    session.flush()
    record = PictureRelease(
        period=period,
        number=number,
        created_at=built.created_at,
        returns=list(built.returns),
        certificate=built.certificate,
        certificate_sha256=built.certificate["id"],
        signature=built.signature,
        hub_key_id=built.hub_key_id,
        status=CURRENT,
    )
    session.add(record)
    session.flush()
    session.add_all(
        PictureTable(
            release_id=record.id, name=name, document=table.to_document(), row_count=len(table.rows)
        )
        for name, table in built.tables.items()
    )
    session.add_all(
        PictureAuthorityView(release_id=record.id, authority=code, document=view.to_document())
        for code, view in built.authority_views.items()
    )
    mark_state(session, [period], stale=False)
    session.commit()
    log.info("picture_release_built", period=period, number=number, tables=len(built.tables))
    return _release(session, record, with_tables=False)


def mark_state(
    session: Session, periods: Sequence[str], *, stale: bool, error: str | None = None
) -> None:
    """Record that ``periods`` are (not) stale and how their last rebuild ended (no commit)."""
    now = utc_now()
    for period in periods:
        state = session.get(PictureState, period)
        if state is None:
            session.add(PictureState(period=period, stale=stale, updated_at=now, last_error=error))
        else:
            state.stale, state.updated_at, state.last_error = stale, now, error
    session.flush()


def periods_to_build(session: Session) -> list[str]:
    """Every period with accepted returns or a release, oldest first."""
    return sorted(p.period for p in release_periods(session))


def recompute(
    session: Session,
    periods: Sequence[str] | None = None,
    *,
    progress: Callable[[str, Release | None], None] | None = None,
    jobs: int = 1,
) -> list[Release]:
    """Rebuild ``periods`` (default: every period), committing each; returns new releases.

    With ``jobs`` above 1, on PostgreSQL, periods are rebuilt in that many processes at
    once (:mod:`exchange.picture.parallel`); ``progress`` is then called as each finishes.
    """
    from exchange.picture import parallel

    targets = list(periods) if periods is not None else periods_to_build(session)
    if jobs > 1 and len(targets) > 1 and parallel.can_fan_out(session):
        return parallel.recompute_in_processes(session, targets, jobs=jobs, progress=progress)
    built: list[Release] = []
    for index, period in enumerate(targets, start=1):
        log.info("picture_recompute_period", period=period, step=index, of=len(targets))
        release = build_release(session, period)
        if release is not None:
            built.append(release)
        if progress is not None:
            progress(period, release)
    return built
