"""Sharing agreements and tracked periods: recorded by an administrator, each audited.

An authority shares a return type only under an agreement recorded here: its
reference, purpose, start date and retention period. The hub refuses returns of a type
the authority has not agreed to share (or not yet: before the start date), and
``exchange retention apply`` deletes returns kept longer than the agreement allows.
Tracked periods give the tracker each return type's periods and due dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.db import utc_now
from exchange.errors import InvalidRequest
from exchange.registry.models import Authority
from exchange.registry.services import find_authority
from exchange.returns.errors import DuplicateAgreement, DuplicatePeriod
from exchange.returns.models import Return, SharingAgreement, TrackedPeriod
from exchange.returns.rows import known_schemas
from schemas import InvalidPeriod, ReturnPeriod

_RETENTION = re.compile(r"(?P<count>[1-9][0-9]{0,2})\s*(?P<unit>[ym])")


def parse_retention(text: str) -> int:
    """Months in a retention period written ``7y`` or ``18m``."""
    found = _RETENTION.fullmatch(text.strip().lower())
    if found is None:
        raise InvalidRequest("A retention period is written like 7y (years) or 18m (months).")
    count = int(found["count"])
    return count * 12 if found["unit"] == "y" else count


def check_return_type(return_type: str) -> str:
    """``return_type`` if the hub stores it, else a clear refusal."""
    if return_type not in known_schemas():
        raise InvalidRequest(
            f"{return_type!r} is not a return type the hub stores "
            f"({', '.join(sorted(known_schemas()))})."
        )
    return return_type


def add_agreement(
    session: Session,
    *,
    authority_code: str,
    return_type: str,
    reference: str,
    purpose: str,
    start_date: date,
    retention_months: int,
    actor: str,
    now: datetime | None = None,
) -> SharingAgreement:
    """Record an authority's agreement to share ``return_type``."""
    check_return_type(return_type)
    if not reference.strip() or len(reference) > 100 or not purpose.strip():
        raise InvalidRequest("An agreement needs a reference (up to 100 characters) and a purpose.")
    if retention_months < 1:
        raise InvalidRequest("The retention period must be at least a month.")
    authority = find_authority(session, authority_code)
    if agreement_for(session, authority, return_type) is not None:
        raise DuplicateAgreement(f"{authority.code} already has an agreement for {return_type}.")
    agreement = SharingAgreement(
        authority=authority, return_type=return_type, reference=reference.strip(),
        purpose=purpose.strip(), start_date=start_date, retention_months=retention_months,
        recorded_at=now or utc_now(),
    )  # fmt: skip
    session.add(agreement)
    session.flush()
    record_event(
        session, tag=tags.AGREEMENT_ADDED, actor=actor, authority=authority.code,
        object=f"agreement:{agreement.id}",
        details={"return_type": return_type, "reference": agreement.reference,
                 "start_date": start_date.isoformat(), "retention_months": retention_months},
        now=now,
    )  # fmt: skip
    return agreement


def agreement_for(
    session: Session, authority: Authority, return_type: str
) -> SharingAgreement | None:
    """The authority's agreement for ``return_type``, if any."""
    return session.scalars(
        select(SharingAgreement).where(
            SharingAgreement.authority_id == authority.id,
            SharingAgreement.return_type == return_type,
        )
    ).first()


def list_agreements(session: Session) -> list[SharingAgreement]:
    """Every agreement, by authority code and return type."""
    query = select(SharingAgreement).join(Authority)
    return list(session.scalars(query.order_by(Authority.code, SharingAgreement.return_type)))


@dataclass(frozen=True)
class Holding:
    """What the hub holds under one agreement."""

    agreement: SharingAgreement
    returns: int
    current: int
    rows: int
    oldest: datetime | None


def holdings(session: Session) -> list[Holding]:
    """Every agreement with the returns (current and superseded) and rows held under it."""
    found = []
    for agreement in list_agreements(session):
        held = (Return.authority_id == agreement.authority_id) & (
            Return.return_type == agreement.return_type
        ) & Return.deleted_at.is_(None)  # fmt: skip
        count, current, rows, oldest = session.execute(
            select(
                func.count(Return.id),
                func.count(Return.id).filter(Return.status == "accepted"),
                func.coalesce(func.sum(Return.row_count), 0),
                func.min(Return.received_at),
            ).where(held)
        ).one()
        found.append(Holding(agreement, count, current, int(rows), oldest))
    return found


def add_period(
    session: Session,
    *,
    return_type: str,
    period: str,
    due_date: date,
    actor: str,
    now: datetime | None = None,
) -> TrackedPeriod:
    """Track ``period`` of ``return_type``, due on ``due_date``."""
    check_return_type(return_type)
    try:
        label = ReturnPeriod.parse(period).label
    except InvalidPeriod as err:
        raise InvalidRequest(str(err)) from None
    exists = select(TrackedPeriod.id).where(
        TrackedPeriod.return_type == return_type, TrackedPeriod.period == label
    )
    if session.scalars(exists).first() is not None:
        raise DuplicatePeriod(f"{return_type} {label} is already tracked.")
    tracked = TrackedPeriod(
        return_type=return_type, period=label, due_date=due_date, recorded_at=now or utc_now()
    )
    session.add(tracked)
    session.flush()
    record_event(
        session, tag=tags.PERIOD_ADDED, actor=actor, object=f"period:{return_type}:{label}",
        details={"due_date": due_date.isoformat()}, now=now,
    )  # fmt: skip
    return tracked


def list_periods(session: Session, return_type: str | None = None) -> list[TrackedPeriod]:
    """Tracked periods, newest due date first."""
    query = select(TrackedPeriod).order_by(TrackedPeriod.due_date.desc(), TrackedPeriod.period)
    if return_type:
        query = query.where(TrackedPeriod.return_type == return_type)
    return list(session.scalars(query))
