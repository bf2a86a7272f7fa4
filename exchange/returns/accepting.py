"""Accepting a verified return: the checks that need the database, then one transaction.

See :mod:`exchange.returns.services` for the whole sequence. Races are settled by the
database: the return row is inserted before its rows are loaded, so a second worker
with the same return blocks on the unique manifest hash (PostgreSQL) or waits for the
write lock (SQLite) and, once the first commits, answers with the stored receipt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.registry.models import Authority
from exchange.returns import errors
from exchange.returns.agreements import agreement_for
from exchange.returns.bulk import row_sink
from exchange.returns.loading import StoredPayload, load_payload
from exchange.returns.models import ACCEPTED, SUPERSEDED, Return
from exchange.returns.receipts import issue_receipt
from exchange.returns.receiving import ReceivedReturn
from exchange.returns.rows import rows_table
from exchange.returns.storage import ReturnStore
from keys import Manifest, SigningKey
from schemas import InvalidPeriod, ReturnPeriod, get_schema

log = structlog.get_logger("exchange.returns")


@dataclass(frozen=True)
class Uploader:
    """Who is uploading: the audit log's name for them and their token's authority."""

    actor: str
    authority: str | None


@dataclass(frozen=True)
class IngestSettings:
    """What accepting a return needs from the hub's settings."""

    hub_key: SigningKey
    origin: str
    skew_seconds: int
    batch_bytes: int
    report_limit: int


@dataclass(frozen=True)
class Acceptance:
    """A stored return, and whether this upload was a replay of it."""

    record: Return
    replayed: bool


def accept(
    session: Session,
    *,
    received: ReceivedReturn,
    uploader: Uploader,
    store: ReturnStore,
    settings: IngestSettings,
) -> Acceptance:
    """Check and store a verified return in one transaction (retried once after a race)."""
    try:
        return _accept(session, received, uploader, store, settings)
    except IntegrityError:
        session.rollback()
        if not _rival_stored(session, received.verified.manifest):
            raise
    # Another worker stored this return (or a rival for its nonce, sequence or period)
    # first: the checks now see it and answer accordingly.
    return _accept(session, received, uploader, store, settings)


def _rival_stored(session: Session, manifest: Manifest) -> bool:
    """Whether a committed return now clashes with ``manifest`` on a unique constraint."""
    same_type = (Return.return_type == manifest.return_type) & Return.authority.has(
        Authority.code == manifest.authority
    )
    clash = (
        (Return.nonce == manifest.nonce)
        | (same_type & (Return.sequence == manifest.sequence))
        | (same_type & (Return.period == manifest.period) & (Return.status == ACCEPTED))
    )
    found = session.scalars(select(Return.id).where(clash)).first() is not None
    session.rollback()
    return found


def _accept(
    session: Session,
    received: ReceivedReturn,
    uploader: Uploader,
    store: ReturnStore,
    settings: IngestSettings,
) -> Acceptance:
    started = time.perf_counter()
    manifest, manifest_hash = received.verified.manifest, received.verified.manifest_hash
    authority = _check_authority(session, uploader, manifest)
    stored = session.scalars(select(Return).where(Return.manifest_hash == manifest_hash)).first()
    if stored is not None:
        session.commit()
        return Acceptance(stored, replayed=True)
    period = _check_manifest(session, authority, manifest, received.received_at)
    previous = _current_for_period(session, authority, manifest)
    if previous is not None:
        previous.status, previous.superseded_at = SUPERSEDED, received.received_at
        session.flush()
    record = _new_record(received, authority, uploader, previous)
    session.add(record)
    session.flush()
    loading = time.perf_counter()
    _load_rows(session, record, received, period, settings)
    loaded = time.perf_counter() - loading
    entry = record_event(
        session, tag=tags.RETURN_ACCEPTED, actor=uploader.actor, authority=authority.code,
        object=f"return:{manifest_hash}", details=_details(manifest, previous),
    )  # fmt: skip
    record.log_index = entry.index
    record.receipt = issue_receipt(
        session, manifest=manifest, manifest_hash=manifest_hash, entry=entry, status=ACCEPTED,
        received_at=received.received_at, hub_key=settings.hub_key, origin=settings.origin,
    )  # fmt: skip
    _commit_with_file(session, store, record, received)
    log.info("return_accepted", manifest_hash=manifest_hash, authority=authority.code,
             return_type=manifest.return_type, period=manifest.period, rows=record.row_count,
             load_seconds=round(loaded, 3),
             seconds=round(time.perf_counter() - started, 3))  # fmt: skip
    return Acceptance(record, replayed=False)


def _check_authority(session: Session, uploader: Uploader, manifest: Manifest) -> Authority:
    if uploader.authority != manifest.authority:
        raise errors.AuthorityMismatch(
            f"Your token belongs to {uploader.authority}, but the return is "
            f"{manifest.authority}'s. Upload it with a token of the authority that signed it."
        )
    return session.scalars(select(Authority).where(Authority.code == manifest.authority)).one()


def _check_manifest(
    session: Session, authority: Authority, manifest: Manifest, received_at: datetime
) -> ReturnPeriod:
    """Refuse a reused nonce, a bad period, no agreement or a sequence that does not rise."""
    if session.scalars(select(Return.id).where(Return.nonce == manifest.nonce)).first():
        raise errors.ReplayRefused(
            "This return's nonce was used by another return: it looks like a replay. "
            "Prepare the return again."
        )
    period = _period(manifest.period)
    agreement = agreement_for(session, authority, manifest.return_type)
    if agreement is None or agreement.start_date > received_at.date():
        raise errors.NoSharingAgreement(
            f"{authority.code} has no sharing agreement in force for {manifest.return_type} "
            "returns, so the hub cannot accept one. Ask the hub administrator to record it."
        )
    last = session.scalar(
        select(func.max(Return.sequence)).where(
            Return.authority_id == authority.id, Return.return_type == manifest.return_type
        )
    )
    if last is not None and manifest.sequence <= last:
        raise errors.SequenceNotRising(
            f"The return's sequence number {manifest.sequence} is not above the last one the "
            f"hub holds for {manifest.return_type} ({last}). Prepare the return again."
        )
    return period


def _period(label: str) -> ReturnPeriod:
    try:
        period = ReturnPeriod.parse(label)
    except InvalidPeriod:
        period = None
    if period is None or period.label != label:
        raise errors.PeriodInvalid(
            f"The return period {label!r} is not a canonical period label such as 2026-Q2, "
            "2026-06 or 2026-27."
        )
    return period


def _current_for_period(
    session: Session, authority: Authority, manifest: Manifest
) -> Return | None:
    """The return this one replaces; refuses a second return that does not supersede."""
    current = session.scalars(
        select(Return).where(
            Return.authority_id == authority.id, Return.return_type == manifest.return_type,
            Return.period == manifest.period, Return.status == ACCEPTED,
        )
    ).first()  # fmt: skip
    if manifest.supersedes is None:
        if current is not None:
            raise errors.PeriodAlreadyReturned(
                f"The hub already holds {authority.code}'s {manifest.return_type} return for "
                f"{manifest.period} ({current.manifest_hash[:12]}…). To correct it, prepare "
                "the return again with --supersedes."
            )
        return None
    if current is None or current.manifest_hash != manifest.supersedes:
        raise errors.SupersedesRefused(
            "The return supersedes a return that is not the current one for its authority, "
            "type and period. Check the manifest hash given to --supersedes."
        )
    return current


def _new_record(
    received: ReceivedReturn, authority: Authority, uploader: Uploader, previous: Return | None
) -> Return:
    verified = received.verified
    manifest = verified.manifest
    return Return(
        authority=authority, return_type=manifest.return_type,
        schema_version=manifest.schema_version, period=manifest.period,
        sequence=manifest.sequence, manifest_hash=verified.manifest_hash, nonce=manifest.nonce,
        manifest=verified.manifest_bytes, key_id=verified.key.key_id, flags=list(verified.flags),
        created_at=manifest.created_at, received_at=received.received_at,
        uploaded_by=uploader.actor, status=ACCEPTED, supersedes=previous,
        row_count=manifest.payload.rows, payload_format=manifest.payload.format,
        payload_sha256=manifest.payload.sha256,
        disclosure_policy_sha256=manifest.disclosure_policy_sha256,
        file_name="", file_size=received.size, log_index=0, receipt=b"",
    )  # fmt: skip


def _load_rows(
    session: Session,
    record: Return,
    received: ReceivedReturn,
    period: ReturnPeriod,
    settings: IngestSettings,
) -> None:
    table = rows_table(record.return_type, record.schema_version)
    schema = get_schema(record.return_type, record.schema_version)
    payload = StoredPayload.of(received.staged)
    with row_sink(session, table, record.id) as sink:
        loaded = load_payload(payload, schema=schema, period=period, sink=sink,
                              batch_bytes=settings.batch_bytes,
                              report_limit=settings.report_limit)  # fmt: skip
        if loaded != record.row_count:
            raise errors.PayloadUnreadable(
                f"{loaded:,} rows were read from the payload but the manifest states "
                f"{record.row_count:,}; prepare the return again."
            )


def _details(manifest: Manifest, previous: Return | None) -> dict[str, object]:
    details: dict[str, object] = {
        "return_type": manifest.return_type,
        "schema_version": manifest.schema_version,
        "period": manifest.period,
        "sequence": manifest.sequence,
        "rows": manifest.payload.rows,
    }
    if previous is not None:
        details["supersedes"] = previous.manifest_hash
    return details


def _commit_with_file(
    session: Session, store: ReturnStore, record: Return, received: ReceivedReturn
) -> None:
    """Move the file into place and commit; if the commit fails, leave no file behind."""
    record.file_name, moved = store.keep(
        received.staged, authority=record.authority.code, manifest_hash=record.manifest_hash
    )
    try:
        session.commit()
    except BaseException:
        session.rollback()
        if moved:
            store.delete(record.file_name)
        raise
