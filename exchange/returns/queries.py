"""Reading returns back: filtered lists, one return with its history, refused uploads.

Used by the API and the pages alike; the caller decides who may see which authority.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from exchange.registry.models import Authority
from exchange.returns.errors import UnknownReturn
from exchange.returns.models import RefusedUpload, Return


@dataclass(frozen=True)
class ReturnFilter:
    """What a list of returns is narrowed to; empty fields do not filter."""

    authority: str | None = None
    return_type: str | None = None
    period: str | None = None
    status: str | None = None


def find_returns(
    session: Session, *, filters: ReturnFilter, limit: int, before: int | None = None
) -> list[Return]:
    """Returns matching ``filters``, newest first, at most ``limit``, ids below ``before``."""
    query = _filtered(select(Return).join(Authority), filters)
    if before is not None:
        query = query.where(Return.id < before)
    return list(session.scalars(query.order_by(Return.id.desc()).limit(limit)))


def find_return(session: Session, manifest_hash: str) -> Return:
    """The return named by ``manifest_hash``."""
    found = session.scalars(select(Return).where(Return.manifest_hash == manifest_hash)).first()
    if found is None:
        raise UnknownReturn(f"No return has the manifest hash {manifest_hash[:64]!r}.")
    return found


def history(session: Session, record: Return) -> list[Return]:
    """Every return of the same authority, type and period, oldest first."""
    return list(
        session.scalars(
            select(Return)
            .where(
                Return.authority_id == record.authority_id,
                Return.return_type == record.return_type,
                Return.period == record.period,
            )
            .order_by(Return.received_at, Return.id)
        )
    )


def refusals(
    session: Session, *, authority: str | None = None, limit: int = 50
) -> list[RefusedUpload]:
    """Refused uploads, newest first (of one authority's tokens, when given)."""
    query = select(RefusedUpload).order_by(RefusedUpload.id.desc()).limit(limit)
    if authority:
        query = query.join(Authority, RefusedUpload.authority_id == Authority.id).where(
            Authority.code == authority
        )
    return list(session.scalars(query))


def return_record(record: Return) -> dict[str, Any]:
    """A return as the API shows it."""
    return {
        "manifest_hash": record.manifest_hash,
        "authority": record.authority.code,
        "return_type": record.return_type,
        "schema_version": record.schema_version,
        "period": record.period,
        "sequence": record.sequence,
        "status": record.status,
        "rows": record.row_count,
        "created_at": record.created_at,
        "received_at": record.received_at,
        "uploaded_by": record.uploaded_by,
        "supersedes": record.supersedes.manifest_hash if record.supersedes else None,
        "superseded_at": record.superseded_at,
        "key_id": record.key_id,
        "flags": list(record.flags),
        "disclosure_policy_sha256": record.disclosure_policy_sha256,
        "log_index": record.log_index,
        "deleted_at": record.deleted_at,
    }


def receipt_document(record: Return) -> dict[str, Any]:
    """The stored receipt envelope, as JSON (its signature covers its payload's bytes)."""
    document: dict[str, Any] = json.loads(record.receipt)
    return document


def _filtered(query: Select[Any], filters: ReturnFilter) -> Select[Any]:
    if filters.authority:
        query = query.where(Authority.code == filters.authority)
    if filters.return_type:
        query = query.where(Return.return_type == filters.return_type)
    if filters.period:
        query = query.where(Return.period == filters.period)
    if filters.status:
        query = query.where(Return.status == filters.status)
    return query
