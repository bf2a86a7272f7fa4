"""Reading supplier identities back: the list of regional suppliers and the review queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from exchange.suppliers.models import PENDING, Supplier, SupplierCandidate, SupplierName
from exchange.suppliers.normalise import name_key


@dataclass(frozen=True)
class SupplierView:
    """A regional supplier as the list shows it."""

    id: int
    display_name: str
    cqc_location_id: str | None
    ofsted_urn: str | None
    org_id: str | None
    names: int
    created_at: datetime


@dataclass(frozen=True)
class SupplierSide:
    """One side of a candidate match: a supplier and the name it is known by."""

    supplier_id: int
    display_name: str
    cqc_location_id: str | None
    ofsted_urn: str | None
    org_id: str | None


@dataclass(frozen=True)
class CandidateView:
    """A pending candidate: the name (as first seen) and its supplier, against the suggestion."""

    id: int
    score: int
    name_example: str
    name_key: str
    current: SupplierSide | None
    suggested: SupplierSide
    proposed_at: datetime


def list_suppliers(
    session: Session, *, search: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[SupplierView], int]:
    """Suppliers (not merged away), by name, with how many name keys each has; and the total.

    ``search`` matches a word of the display name or of any of its names (normalised).
    """
    names = (
        select(SupplierName.supplier_id, func.count().label("names"))
        .group_by(SupplierName.supplier_id)
        .subquery()
    )
    query = (
        select(Supplier, func.coalesce(names.c.names, 0))
        .outerjoin(names, names.c.supplier_id == Supplier.id)
        .where(Supplier.merged_into_id.is_(None))
    )
    if search and (key := name_key(search)):
        pattern = f"%{key}%"
        known = select(SupplierName.supplier_id).where(SupplierName.name_key.like(pattern))
        query = query.where(
            or_(
                func.lower(Supplier.display_name).like(pattern),
                Supplier.id.in_(known),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(func.lower(Supplier.display_name), Supplier.id).limit(limit).offset(offset)
    ).all()
    found = [
        SupplierView(
            id=s.id, display_name=s.display_name, cqc_location_id=s.cqc_location_id,
            ofsted_urn=s.ofsted_urn, org_id=s.org_id, names=int(count), created_at=s.created_at,
        )
        for s, count in rows
    ]  # fmt: skip
    return found, total


def pending_candidates(session: Session, *, limit: int = 200) -> list[CandidateView]:
    """Pending candidate matches, best score first."""
    suggested, current = aliased(Supplier), aliased(Supplier)
    query = (
        select(SupplierCandidate, suggested, SupplierName, current)
        .join(suggested, suggested.id == SupplierCandidate.supplier_id)
        .outerjoin(SupplierName, SupplierName.name_key == SupplierCandidate.name_key)
        .outerjoin(current, current.id == SupplierName.supplier_id)
        .where(SupplierCandidate.status == PENDING)
        .order_by(SupplierCandidate.score.desc(), SupplierCandidate.id)
        .limit(limit)
    )
    return [
        CandidateView(
            id=candidate.id,
            score=candidate.score,
            name_example=name.example if name is not None else candidate.name_key,
            name_key=candidate.name_key,
            current=_side(holder) if holder is not None else None,
            suggested=_side(target),
            proposed_at=candidate.proposed_at,
        )
        for candidate, target, name, holder in session.execute(query).all()
    ]


def pending_count(session: Session) -> int:
    """How many candidate matches await the regional lead."""
    query = select(func.count()).where(SupplierCandidate.status == PENDING)
    return session.scalar(query) or 0


def _side(supplier: Supplier) -> SupplierSide:
    return SupplierSide(
        supplier_id=supplier.id,
        display_name=supplier.display_name,
        cqc_location_id=supplier.cqc_location_id,
        ofsted_urn=supplier.ofsted_urn,
        org_id=supplier.org_id,
    )
