"""Tables of supplier identity: one regional identity per provider, whatever each council
calls it.

- :class:`Supplier` — the regional identity, with the first identifiers seen for it
  (shown on pages). Merging one supplier into another (the regional lead confirmed a
  match) keeps the merged row with ``merged_into_id`` set, so an id handed out earlier
  still leads somewhere.
- :class:`SupplierIdentifier` — every identifier known for a supplier (a provider has
  one CQC location id per location, so a supplier may have many); each identifier
  belongs to one supplier, which is what makes "identifiers first" work.
- :class:`SupplierName` — each normalised name key (:func:`~exchange.suppliers.
  normalise.name_key`) and the supplier it stands for, with how that was decided.
- :class:`SupplierCandidate` — a fuzzy suggestion "this name may be that supplier",
  pending until the regional lead confirms or rejects it. The pair is unique, so a
  rejected suggestion is never offered again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column

from exchange.db import Base

#: How a name key came to point at its supplier.
NEW, IDENTIFIER, CONFIRMED = "new", "identifier", "confirmed"
HOW = (NEW, IDENTIFIER, CONFIRMED)
#: Identifier schemes: CQC location id, Ofsted URN, organisation id (Companies House…).
CQC, OFSTED, ORG = "cqc", "ofsted", "org"
SCHEMES = (ORG, CQC, OFSTED)  # the order identifiers are trusted in
#: The states of a candidate match.
PENDING, ACCEPTED, REJECTED = "pending", "confirmed", "rejected"
CANDIDATE_STATUSES = (PENDING, ACCEPTED, REJECTED)
NAME_LENGTH = 300


class Supplier(Base):
    """A provider as the region knows it."""

    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    cqc_location_id: Mapped[str | None] = mapped_column(String(64))
    ofsted_urn: Mapped[str | None] = mapped_column(String(64))
    org_id: Mapped[str | None] = mapped_column(String(64))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"), index=True)
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"Supplier({self.id})"


class SupplierIdentifier(Base):
    """One identifier of a supplier (``scheme`` ``cqc``, ``ofsted`` or ``org``)."""

    __tablename__ = "supplier_identifiers"
    __table_args__ = (
        CheckConstraint("scheme IN ('cqc', 'ofsted', 'org')", name="scheme"),
        Unique("scheme", "value", name="uq_supplier_identifiers_scheme_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)


class SupplierName(Base):
    """A normalised name key and the supplier it stands for."""

    __tablename__ = "supplier_names"
    __table_args__ = (CheckConstraint("how IN ('new', 'identifier', 'confirmed')", name="how"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    example: Mapped[str] = mapped_column(String(NAME_LENGTH))
    how: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime]


class SupplierCandidate(Base):
    """A suggested match of a name key to a supplier, and the regional lead's decision."""

    __tablename__ = "supplier_candidates"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'confirmed', 'rejected')", name="status"),
        Unique("name_key", "supplier_id", name="uq_supplier_candidates_name_key_supplier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    proposed_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
