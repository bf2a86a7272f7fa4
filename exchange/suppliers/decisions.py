"""The regional lead's decisions on candidate matches, kept, audited and applied everywhere.

:func:`confirm` merges the supplier that holds the candidate's name into the candidate
supplier: its names and identifiers are re-pointed, so every later resolution — of past
returns when roll-ups are rebuilt, and of future ones — gives the one supplier; the
merged row stays with ``merged_into_id`` so an id handed out before still leads
somewhere. :func:`reject` keeps them apart; the pair is never proposed again (the
candidate row stays, and candidates are unique per pair).

Both record an audit entry in the caller's transaction and never commit. After
committing, the caller calls :func:`announce_change` so roll-ups built from supplier
ids (the regional picture) rebuild every period that has returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.db import utc_now
from exchange.returns.hooks import ReturnsChanged, notify_returns_changed
from exchange.returns.models import Return
from exchange.returns.rows import STORED_SCHEMAS
from exchange.suppliers.errors import CandidateDecided, UnknownCandidate
from exchange.suppliers.models import (
    ACCEPTED,
    CONFIRMED,
    PENDING,
    REJECTED,
    Supplier,
    SupplierCandidate,
    SupplierIdentifier,
    SupplierName,
)

log = structlog.get_logger("exchange.suppliers")
REASON = "suppliers"

#: The largest id an INTEGER primary key holds.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Decision:
    """What a decision did: the candidate, and the suppliers merged (``merged`` into ``kept``)."""

    candidate_id: int
    status: str
    kept: int
    merged: int | None


#: The shape of :func:`confirm` and :func:`reject`.
Action = Callable[..., Decision]


def confirm(session: Session, candidate_id: int, *, actor: str) -> Decision:
    """Confirm the match: the name's supplier is merged into the candidate supplier."""
    candidate = _pending(session, candidate_id)
    kept = _root(session, candidate.supplier_id)
    holder = session.scalar(
        select(SupplierName.supplier_id).where(SupplierName.name_key == candidate.name_key)
    )
    merged = None
    if holder is not None and _root(session, holder) != kept:
        merged = _root(session, holder)
        _merge(session, merged=merged, kept=kept)
    _decide(candidate, ACCEPTED, actor)
    _drop_moot_candidates(session)
    record_event(
        session,
        tag=tags.SUPPLIER_MATCH_CONFIRM,
        actor=actor,
        object=f"supplier:{kept}",
        details={"candidate": candidate.id, "score": candidate.score, "merged_supplier": merged},
    )
    log.info("supplier_match_confirmed", candidate=candidate.id, kept=kept, merged=merged)
    return Decision(candidate.id, ACCEPTED, kept, merged)


def reject(session: Session, candidate_id: int, *, actor: str) -> Decision:
    """Reject the match: the two stay apart, and the pair is not proposed again."""
    candidate = _pending(session, candidate_id)
    _decide(candidate, REJECTED, actor)
    record_event(
        session,
        tag=tags.SUPPLIER_MATCH_REJECT,
        actor=actor,
        object=f"supplier:{candidate.supplier_id}",
        details={"candidate": candidate.id, "score": candidate.score},
    )
    log.info("supplier_match_rejected", candidate=candidate.id)
    return Decision(candidate.id, REJECTED, candidate.supplier_id, None)


def announce_change(session: Session) -> None:
    """Tell roll-ups that supplier identities changed (call after committing a decision).

    Every period with returns is named, for each stored return type: a merge changes
    the suppliers of past returns as much as future ones.
    """
    for return_type in dict.fromkeys(kind for kind, _ in STORED_SCHEMAS):
        periods = session.scalars(
            select(Return.period)
            .where(Return.return_type == return_type, Return.status == "accepted")
            .where(Return.deleted_at.is_(None))
            .distinct()
            .order_by(Return.period)
        ).all()
        change = ReturnsChanged(
            reason=REASON, return_type=return_type, periods=tuple(periods), authorities=()
        )
        notify_returns_changed(session, change)


def _pending(session: Session, candidate_id: int) -> SupplierCandidate:
    # Ids are 32-bit integers in the database: a larger number names no candidate.
    in_range = 0 < candidate_id <= MAX_ID
    candidate = (
        session.get(SupplierCandidate, candidate_id, with_for_update=True) if in_range else None
    )
    if candidate is None:
        raise UnknownCandidate(f"There is no candidate match {candidate_id}.")
    if candidate.status != PENDING:
        raise CandidateDecided(
            f"Candidate match {candidate_id} was already {candidate.status}; reload the page."
        )
    return candidate


def _decide(candidate: SupplierCandidate, status: str, actor: str) -> None:
    candidate.status = status
    candidate.decided_by = actor
    candidate.decided_at = utc_now()


def _root(session: Session, supplier_id: int) -> int:
    """The supplier ``supplier_id`` was (perhaps repeatedly) merged into, or itself."""
    seen = {supplier_id}
    while True:
        into = session.scalar(select(Supplier.merged_into_id).where(Supplier.id == supplier_id))
        if into is None or into in seen:
            return supplier_id
        supplier_id = into
        seen.add(into)


def _merge(session: Session, *, merged: int, kept: int) -> None:
    """Move everything of supplier ``merged`` to ``kept`` and mark it merged."""
    session.execute(
        update(SupplierName)
        .where(SupplierName.supplier_id == merged)
        .values(supplier_id=kept, how=CONFIRMED)
    )
    session.execute(
        update(SupplierIdentifier)
        .where(SupplierIdentifier.supplier_id == merged)
        .values(supplier_id=kept)
    )
    source, target = session.get_one(Supplier, merged), session.get_one(Supplier, kept)
    for column in ("cqc_location_id", "ofsted_urn", "org_id"):
        if getattr(target, column) is None:
            setattr(target, column, getattr(source, column))
    source.merged_into_id = kept
    session.execute(
        update(Supplier).where(Supplier.merged_into_id == merged).values(merged_into_id=kept)
    )
    _move_pending_candidates(session, merged=merged, kept=kept)
    session.flush()


def _move_pending_candidates(session: Session, *, merged: int, kept: int) -> None:
    """Pending suggestions of the merged supplier become suggestions of the kept one."""
    taken = set(
        session.scalars(
            select(SupplierCandidate.name_key).where(SupplierCandidate.supplier_id == kept)
        )
    )
    moving = session.scalars(
        select(SupplierCandidate).where(
            SupplierCandidate.supplier_id == merged, SupplierCandidate.status == PENDING
        )
    ).all()
    for candidate in moving:
        if candidate.name_key in taken:
            session.delete(candidate)
        else:
            candidate.supplier_id = kept
            taken.add(candidate.name_key)


def _drop_moot_candidates(session: Session) -> None:
    """Pending suggestions whose name already belongs to the suggested supplier."""
    session.flush()
    moot = (
        select(SupplierCandidate.id)
        .join(SupplierName, SupplierName.name_key == SupplierCandidate.name_key)
        .where(SupplierCandidate.status == PENDING)
        .where(SupplierName.supplier_id == SupplierCandidate.supplier_id)
    )
    ids = session.scalars(moot).all()
    if ids:
        session.execute(delete(SupplierCandidate).where(SupplierCandidate.id.in_(ids)))
