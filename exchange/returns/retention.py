"""Retention: deleting returns kept longer than their sharing agreement allows.

A return is past retention when it was received more than the agreement's retention
period ago. ``exchange retention apply`` (run it daily) deletes its rows and marks it
deleted, each with a ``returns:return:deleted`` audit entry, in one transaction; then
deletes the stored files (a file whose deletion was interrupted is deleted next time),
sweeps staged uploads abandoned by killed processes, and tells the roll-ups
(:mod:`exchange.returns.hooks`). The return's record stays (without rows or file), so
the tracker stays true and a replay of it stays refused.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.db import utc_now
from exchange.returns.agreements import list_agreements
from exchange.returns.hooks import ReturnsChanged, notify_returns_changed
from exchange.returns.models import Return
from exchange.returns.rows import rows_table
from exchange.returns.storage import ReturnStore


@dataclass(frozen=True)
class Deletion:
    """A return deleted (or, in a dry run, to be deleted) at the end of its retention."""

    manifest_hash: str
    authority: str
    return_type: str
    period: str
    rows: int
    received_at: datetime
    agreement: str


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` less ``months`` calendar months (the day clamped to the month's end)."""
    return shift_months(moment, -months)


def shift_months(moment: datetime, months: int) -> datetime:
    """``moment`` moved by ``months`` calendar months (the day clamped to the month's end)."""
    total = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def returns_past_retention(session: Session, *, now: datetime) -> list[tuple[Return, str]]:
    """Returns held longer than their agreement allows, with the agreement's reference."""
    due: list[tuple[Return, str]] = []
    for agreement in list_agreements(session):
        cutoff = months_before(now, agreement.retention_months)
        found = session.scalars(
            select(Return).where(
                Return.authority_id == agreement.authority_id,
                Return.return_type == agreement.return_type,
                Return.deleted_at.is_(None),
                Return.received_at < cutoff,
            ).order_by(Return.received_at)
        )  # fmt: skip
        due.extend((record, agreement.reference) for record in found)
    return due


def apply_retention(
    session: Session,
    *,
    store: ReturnStore,
    actor: str,
    now: datetime | None = None,
    dry_run: bool = False,
) -> list[Deletion]:
    """Delete every return past retention (rows, file), audited; what was deleted."""
    moment = now or utc_now()
    due = returns_past_retention(session, now=moment)
    deletions = [_deletion(record, reference) for record, reference in due]
    if dry_run:
        session.rollback()
        return deletions
    for record, reference in due:
        table = rows_table(record.return_type, record.schema_version)
        session.execute(delete(table).where(table.c.return_id == record.id))
        record.deleted_at = moment
        record_event(
            session, tag=tags.RETURN_DELETED, actor=actor, authority=record.authority.code,
            object=f"return:{record.manifest_hash}",
            details={"reason": "retention", "agreement": reference, "rows": record.row_count,
                     "return_type": record.return_type, "period": record.period},
            now=moment,
        )  # fmt: skip
    session.commit()
    _delete_files(session, store)
    store.sweep_incoming()
    _notify(session, deletions)
    return deletions


def _deletion(record: Return, reference: str) -> Deletion:
    return Deletion(
        manifest_hash=record.manifest_hash,
        authority=record.authority.code,
        return_type=record.return_type,
        period=record.period,
        rows=record.row_count,
        received_at=record.received_at,
        agreement=reference,
    )


def _delete_files(session: Session, store: ReturnStore) -> None:
    """Delete the files of deleted returns still on disk (after the commit)."""
    names = session.scalars(select(Return.file_name).where(Return.deleted_at.is_not(None)))
    for name in names:
        store.delete(name)
    session.rollback()


def _notify(session: Session, deletions: list[Deletion]) -> None:
    changed: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for deletion in deletions:
        changed[deletion.return_type].add((deletion.period, deletion.authority))
    for return_type, pairs in sorted(changed.items()):
        change = ReturnsChanged(
            reason="deleted",
            return_type=return_type,
            periods=tuple(sorted({period for period, _ in pairs})),
            authorities=tuple(sorted({authority for _, authority in pairs})),
        )
        notify_returns_changed(session, change)
