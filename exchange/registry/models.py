"""Tables of the registry: who the authorities are and which keys speak for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import Base

SIGNING = "signing"
RELAY = "relay"
PURPOSES = (SIGNING, RELAY)
ALGORITHMS = {SIGNING: "ed25519", RELAY: "x25519"}
#: Why a key stopped being trusted; a fixed list, so the reason can be audited.
REVOCATION_REASONS = ("compromised", "lost", "superseded", "other")


class Authority(Base):
    """A council with social-care duties, by its ONS code."""

    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    successor_of_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    created_at: Mapped[datetime]

    successor_of: Mapped[Authority | None] = relationship(remote_side=[id])
    keys: Mapped[list[AuthorityKey]] = relationship(
        back_populates="authority", order_by="AuthorityKey.valid_from"
    )

    def __repr__(self) -> str:
        return f"Authority({self.code})"


class AuthorityKey(Base):
    """A public key registered to an authority.

    ``signing`` keys (Ed25519) sign returns and rotation statements; ``relay`` keys
    (X25519) receive the sealed regional pseudonymisation key. A key counts for
    documents signed in ``[valid_from, valid_until)``; ``valid_until`` is set when the
    authority rotates to a new key, ``revoked_at`` when it is compromised or lost.
    """

    __tablename__ = "authority_keys"
    __table_args__ = (
        CheckConstraint("purpose IN ('signing', 'relay')", name="purpose"),
        CheckConstraint("algorithm IN ('ed25519', 'x25519')", name="algorithm"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(80), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    algorithm: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[bytes]
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(String(200))
    registered_at: Mapped[datetime]

    authority: Mapped[Authority] = relationship(back_populates="keys")

    def status(self, at: datetime) -> str:
        """``active``, ``pending``, ``rotated_out`` or ``revoked`` at the moment ``at``."""
        if self.revoked_at is not None and at >= self.revoked_at:
            return "revoked"
        if at < self.valid_from:
            return "pending"
        if self.valid_until is not None and at >= self.valid_until:
            return "rotated_out"
        return "active"


class KeyRotation(Base):
    """An authority's signed statement that it moved from one signing key to another.

    The statement's exact bytes are kept, so anyone can verify it again later.
    """

    __tablename__ = "key_rotations"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    old_key_id: Mapped[int] = mapped_column(ForeignKey("authority_keys.id"))
    new_key_id: Mapped[int] = mapped_column(ForeignKey("authority_keys.id"))
    rotated_at: Mapped[datetime]
    statement: Mapped[bytes]
    recorded_at: Mapped[datetime]

    old_key: Mapped[AuthorityKey] = relationship(foreign_keys=[old_key_id])
    new_key: Mapped[AuthorityKey] = relationship(foreign_keys=[new_key_id])
