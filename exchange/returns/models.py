"""Tables of returns: what was received, what was refused, under which agreement, by when.

A :class:`Return` is one accepted return file: its manifest (kept verbatim), where the
file is stored, the signed receipt the hub gave, and its state — ``accepted`` (the
authority's current return for its period) or ``superseded`` (replaced by a correction,
kept as history). Retention deletes a return's rows and file and sets ``deleted_at``;
the record stays, so replays stay refused and the tracker stays true. Its rows live
in the rows table of its return type and schema version (:mod:`exchange.returns.rows`).

Uniqueness is the database's job, so two workers racing with the same return cannot
both store it: the manifest hash, the nonce and (authority, type, sequence) are unique.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import Base
from exchange.registry.models import Authority

ACCEPTED = "accepted"
SUPERSEDED = "superseded"
STATUSES = (ACCEPTED, SUPERSEDED)


class Return(Base):
    """An accepted return file of one authority, return type and period."""

    __tablename__ = "returns"
    __table_args__ = (
        CheckConstraint("status IN ('accepted', 'superseded')", name="status"),
        Unique("authority_id", "return_type", "sequence", name="uq_returns_sequence"),
        Index("ix_returns_period", "authority_id", "return_type", "period"),
        # At most one current return per authority, type and period, even under races.
        Index(
            "uq_returns_current",
            "authority_id",
            "return_type",
            "period",
            unique=True,
            postgresql_where=text("status = 'accepted'"),
            sqlite_where=text("status = 'accepted'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    return_type: Mapped[str] = mapped_column(String(64))
    schema_version: Mapped[int]
    period: Mapped[str] = mapped_column(String(32))
    sequence: Mapped[int] = mapped_column(BigInteger)
    manifest_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    manifest: Mapped[bytes]
    key_id: Mapped[str] = mapped_column(String(80))
    flags: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    received_at: Mapped[datetime]
    uploaded_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    superseded_at: Mapped[datetime | None]
    row_count: Mapped[int] = mapped_column(BigInteger)
    payload_format: Mapped[str] = mapped_column(String(16))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    disclosure_policy_sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200))
    file_size: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(BigInteger)
    receipt: Mapped[bytes]
    deleted_at: Mapped[datetime | None]

    authority: Mapped[Authority] = relationship()
    supersedes: Mapped[Return | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"Return({self.manifest_hash[:12]}, {self.return_type} {self.period})"


class RefusedUpload(Base):
    """An upload the hub refused, with the reason, for the tracker and the officer.

    ``claimed_*`` fields are what the file said about itself; ``verified`` says whether
    its signature had been checked when it was refused. No content of the file is kept.
    """

    __tablename__ = "refused_uploads"
    __table_args__ = (Index("ix_refused_uploads_claim", "claimed_authority", "return_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    claimed_authority: Mapped[str | None] = mapped_column(String(9))
    return_type: Mapped[str | None] = mapped_column(String(64))
    period: Mapped[str | None] = mapped_column(String(32))
    sequence: Mapped[int | None] = mapped_column(BigInteger)
    manifest_hash: Mapped[str | None] = mapped_column(String(64))
    verified: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(64))
    http_status: Mapped[int]
    message: Mapped[str] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(BigInteger)

    authority: Mapped[Authority | None] = relationship()


class SharingAgreement(Base):
    """An authority's agreement to share one return type: why, from when, kept how long."""

    __tablename__ = "sharing_agreements"
    __table_args__ = (
        Unique("authority_id", "return_type", name="uq_sharing_agreements_type"),
        CheckConstraint("retention_months > 0", name="retention"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    return_type: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(Text)
    start_date: Mapped[date]
    retention_months: Mapped[int]
    recorded_at: Mapped[datetime]

    authority: Mapped[Authority] = relationship()


class TrackedPeriod(Base):
    """A return period the tracker follows, with the date its returns are due."""

    __tablename__ = "tracked_periods"
    __table_args__ = (Unique("return_type", "period", name="uq_tracked_periods_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_type: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(32))
    due_date: Mapped[date]
    recorded_at: Mapped[datetime]
