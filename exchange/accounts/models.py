"""Tables of accounts: users with one role each, and the API tokens they hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import Base
from exchange.registry.models import Authority

DATA_OFFICER = "data_officer"
REGIONAL_LEAD = "regional_lead"
IG_OFFICER = "ig_officer"
ADMIN = "admin"
ROLES = (DATA_OFFICER, REGIONAL_LEAD, IG_OFFICER, ADMIN)


class User(Base):
    """A person who logs in to the hub, with one role.

    A data officer belongs to exactly one authority; the other roles to none.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('data_officer', 'regional_lead', 'ig_officer', 'admin')", name="role"
        ),
        CheckConstraint(
            "(role = 'data_officer') = (authority_id IS NOT NULL)", name="officer_authority"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"), index=True)
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]

    authority: Mapped[Authority | None] = relationship()

    @property
    def actor(self) -> str:
        """How the audit log names this user: by id, never by name."""
        return f"user:{self.id}"

    @property
    def active(self) -> bool:
        """Whether the user may log in and use tokens."""
        return self.disabled_at is None


class ApiToken(Base):
    """A machine credential: shown once, stored as a SHA-256 hash, found by its prefix."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    authority: Mapped[Authority | None] = relationship()
