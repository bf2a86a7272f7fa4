"""Signed checkpoints: the hub's statements of the log's size and root.

A checkpoint is signed by ``exchange checkpoint sign`` (run it on a schedule) and by
any action that needs one at once (a receipt). Signing the same size twice returns
the stored checkpoint. Checkpoints are append-only, like entries.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.audit import merkle
from exchange.audit.events import acquire_append_lock
from exchange.audit.models import AuditCheckpoint
from exchange.db import utc_now
from exchange.errors import NotFound
from keys.signing import SigningKey
from keys.transparency import Checkpoint, sign_checkpoint


def sign_tree_head(
    session: Session, *, hub_key: SigningKey, origin: str, now: datetime | None = None
) -> AuditCheckpoint:
    """Sign (or return the stored) checkpoint for the log as it stands in ``session``."""
    acquire_append_lock(session)
    size = merkle.tree_size(session)
    existing = checkpoint_at(session, size)
    if existing is not None:
        return existing
    root = merkle.root(merkle.leaf_hashes(session, size))
    note = sign_checkpoint(
        Checkpoint(origin=origin, tree_size=size, root_hash=root), name=origin, signing_key=hub_key
    )
    checkpoint = AuditCheckpoint(
        tree_size=size, root_hash=root, note=note, signed_at=now or utc_now()
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def latest_checkpoint(session: Session) -> AuditCheckpoint:
    """The checkpoint of the largest tree signed so far."""
    found = session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size.desc()).limit(1)
    ).first()
    if found is None:
        raise NotFound("The hub has not signed a checkpoint yet; run `exchange checkpoint sign`.")
    return found


def checkpoint_at(session: Session, size: int) -> AuditCheckpoint | None:
    """The checkpoint signed at tree size ``size``, if any."""
    return session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.tree_size == size)).first()


def checkpoints_between(session: Session, low: int, high: int) -> list[AuditCheckpoint]:
    """Every checkpoint with ``low <= tree_size <= high``, smallest first."""
    return list(
        session.scalars(
            select(AuditCheckpoint)
            .where(AuditCheckpoint.tree_size >= low, AuditCheckpoint.tree_size <= high)
            .order_by(AuditCheckpoint.tree_size)
        )
    )
