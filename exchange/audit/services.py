"""Reading the audit log: filtered entries, and proofs against signed checkpoints."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from exchange.audit import merkle
from exchange.audit.checkpoints import checkpoint_at
from exchange.audit.models import AuditEntry
from exchange.errors import InvalidRequest


@dataclass(frozen=True)
class EntryFilter:
    """What the IG officer narrows the log to; empty fields do not filter."""

    authority: str | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def search_entries(
    session: Session, *, filters: EntryFilter, limit: int, before: int | None = None
) -> list[AuditEntry]:
    """Entries matching ``filters``, newest first, at most ``limit``, below index ``before``."""
    query = _filtered(select(AuditEntry), filters)
    if before is not None:
        query = query.where(AuditEntry.index < before)
    return list(session.scalars(query.order_by(AuditEntry.index.desc()).limit(limit)))


def entry_record(entry: AuditEntry) -> dict[str, Any]:
    """An entry as the API and downloads show it (the body is what verifiers hash)."""
    return {
        "index": entry.index,
        "recorded_at": entry.recorded_at,
        "tag": entry.tag,
        "actor": entry.actor,
        "authority": entry.authority,
        "object": entry.object,
        "details": entry.details,
        "leaf_hash": entry.leaf_hash.hex(),
        "body": entry.body,
    }


def consistency(session: Session, *, size1: int, size2: int) -> dict[str, Any]:
    """The consistency proof between two signed checkpoints' trees."""
    for size in (size1, size2):
        if checkpoint_at(session, size) is None:
            raise InvalidRequest(
                f"No checkpoint was signed at tree size {size}; ask for sizes of checkpoints "
                "you hold."
            )
    leaves = merkle.leaf_hashes(session, size2)
    proof = merkle.consistency_proof(leaves, size1, size2)
    return {"from": size1, "to": size2, "proof": [_b64(node) for node in proof]}


def inclusion(session: Session, *, index: int, size: int) -> dict[str, Any]:
    """The inclusion proof of entry ``index`` in the tree of a signed checkpoint."""
    if checkpoint_at(session, size) is None:
        raise InvalidRequest(f"No checkpoint was signed at tree size {size}.")
    leaves = merkle.leaf_hashes(session, size)
    proof = merkle.inclusion_proof(leaves, index, size)
    return {
        "index": index,
        "tree_size": size,
        "leaf_hash": leaves[index].hex(),
        "proof": [_b64(node) for node in proof],
    }


def _filtered(query: Select[tuple[AuditEntry]], filters: EntryFilter) -> Select[tuple[AuditEntry]]:
    if filters.authority:
        query = query.where(AuditEntry.authority == filters.authority)
    if filters.actor:
        query = query.where(AuditEntry.actor == filters.actor)
    if filters.action:
        query = query.where(AuditEntry.tag.startswith(filters.action, autoescape=True))
    if filters.since:
        query = query.where(AuditEntry.recorded_at >= _aware(filters.since))
    if filters.until:
        query = query.where(AuditEntry.recorded_at < _aware(filters.until))
    return query


def _aware(moment: datetime) -> datetime:
    """Times without a zone are taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
