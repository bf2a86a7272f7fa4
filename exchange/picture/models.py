"""Tables of the regional picture: releases of published tables, per period.

A :class:`PictureRelease` is one build of a period's picture: the returns it was built
from (their manifest hashes), its disclosure certificate and the hub's signature over
it. Its tables (:class:`PictureTable`) hold each :class:`PublishedTable` as a JSON
document, so a page reads one row, never the millions of rows behind it. Rebuilding a
period makes a new release and marks the old one ``replaced`` (kept: the certificate of
what was once published stays checkable, and suppression is carried from it).

:class:`PictureAuthorityView` is private to the hub: an authority's own, unprotected
figures (its medians per care type) shown only to that authority's data officers and
the regional lead. :class:`PictureState` says whether a period's picture is stale
(returns changed since it was built) and the last error type, for ``exchange picture
status``. :class:`FrameworkPrice` is the agreed framework price table the regional lead
uploads; savings are measured against it where it has a price.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, String, text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column

from exchange.db import Base

CURRENT = "current"
REPLACED = "replaced"


class PictureRelease(Base):
    """One build of a period's regional picture, with its signed certificate."""

    __tablename__ = "picture_releases"
    __table_args__ = (
        CheckConstraint("status IN ('current', 'replaced')", name="status"),
        Unique("period", "number", name="uq_picture_releases_number"),
        Index(
            "uq_picture_releases_current",
            "period",
            unique=True,
            postgresql_where=text("status = 'current'"),
            sqlite_where=text("status = 'current'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(32))
    number: Mapped[int]
    created_at: Mapped[datetime]
    returns: Mapped[list[str]] = mapped_column(JSON)
    certificate: Mapped[dict[str, Any]] = mapped_column(JSON)
    certificate_sha256: Mapped[str] = mapped_column(String(64), index=True)
    signature: Mapped[str] = mapped_column(String(200))
    hub_key_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))


class PictureTable(Base):
    """One published table of a release, as its JSON document."""

    __tablename__ = "picture_tables"

    release_id: Mapped[int] = mapped_column(ForeignKey("picture_releases.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    row_count: Mapped[int] = mapped_column(Integer)


class PictureAuthorityView(Base):
    """An authority's own figures for a release (private: never in a published table)."""

    __tablename__ = "picture_authority_views"

    release_id: Mapped[int] = mapped_column(ForeignKey("picture_releases.id"), primary_key=True)
    authority: Mapped[str] = mapped_column(String(9), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class PictureState(Base):
    """Whether a period's picture is up to date, and how its last rebuild ended."""

    __tablename__ = "picture_state"

    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    stale: Mapped[bool]
    updated_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(100))


class FrameworkPrice(Base):
    """An agreed weekly framework price for a care type (and support reason, if given)."""

    __tablename__ = "framework_prices"
    __table_args__ = (
        Unique("care_type", "primary_support_reason", name="uq_framework_prices_line"),
        CheckConstraint("weekly_price > 0", name="price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    care_type: Mapped[str] = mapped_column(String(64))
    primary_support_reason: Mapped[str | None] = mapped_column(String(64))
    weekly_price: Mapped[float] = mapped_column(Float)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime]
