"""Tables of the audit log. Both are append-only: database triggers refuse UPDATE and DELETE.

An entry's ``body`` is the exact canonical JSON that was hashed; the other columns
repeat some of its fields so the log can be filtered. Verifiers use ``body`` only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exchange.db import Base


class AuditEntry(Base):
    """One event, as leaf ``index`` of the log's Merkle tree."""

    __tablename__ = "audit_entries"

    index: Mapped[int] = mapped_column("idx", BigInteger, primary_key=True, autoincrement=False)
    recorded_at: Mapped[datetime] = mapped_column(index=True)
    tag: Mapped[str] = mapped_column(String(100), index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    authority: Mapped[str | None] = mapped_column(String(9), index=True)
    object: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[bytes]
    leaf_hash: Mapped[bytes] = mapped_column(unique=True)
    body: Mapped[str] = mapped_column(Text)


class AuditCheckpoint(Base):
    """A signed statement of the log's size and Merkle root (a C2SP checkpoint)."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, unique=True)
    root_hash: Mapped[bytes]
    note: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime]
