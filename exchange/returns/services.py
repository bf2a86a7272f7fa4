"""Receiving a return: verify, check, store whole or not at all, answer with a receipt.

:func:`submit_return` is the whole of ``POST /api/v1/returns`` below HTTP. In order:

1. the trust store is read and the transaction ended (an upload can take a while, and
   on SQLite an open transaction holds the write lock);
2. the body is streamed to a staged file while ``keys`` verifies it (:mod:`.receiving`);
3. in one transaction (:mod:`.accepting`): the token's authority must be the manifest's;
   the exact same return already stored is answered with its stored receipt; the
   nonce must be new, the period canonical, a sharing agreement in force, the sequence
   above every earlier one, and a second return for a period must supersede the
   current one; then the return is inserted, every row validated and bulk loaded, the
   superseded return marked, the audit entry appended, the receipt signed and the file
   moved into place — and all of it committed at once;
4. a refusal rolls that back and is recorded (``refused_uploads`` and a
   ``returns:return:refused`` audit entry) in its own transaction, then re-raised.

Services take keyword-only dependencies and never touch the request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.db import utc_now
from exchange.registry.models import Authority
from exchange.registry.services import trust_store
from exchange.returns.accepting import Acceptance, IngestSettings, Uploader, accept
from exchange.returns.errors import ReturnRefused
from exchange.returns.hooks import ReturnsChanged, notify_returns_changed
from exchange.returns.models import RefusedUpload
from exchange.returns.receiving import Claim, ReceivedReturn, read_claim, receive
from exchange.returns.rows import known_schemas
from exchange.returns.storage import ReturnStore
from keys import VerifiedReturn

log = structlog.get_logger("exchange.returns")

__all__ = ["Acceptance", "IngestSettings", "Uploader", "record_refusal", "submit_return"]


@dataclass(frozen=True)
class _Staged:
    claim: Claim
    verified: bool
    size: int | None


def submit_return(
    session: Session,
    *,
    body: BinaryIO,
    uploader: Uploader,
    store: ReturnStore,
    settings: IngestSettings,
    now: datetime | None = None,
) -> Acceptance:
    """Receive, verify, check and store one upload; see the module docstring."""
    moment = now or utc_now()
    trust = trust_store(session)
    session.commit()
    staged_facts = _Staged(Claim(), False, None)
    with store.staging() as staged:
        try:
            started = time.perf_counter()
            verified, size = receive(
                body, staged=staged, trust=trust, known_schemas=known_schemas(), now=moment,
                skew=timedelta(seconds=settings.skew_seconds),
            )  # fmt: skip
            log.info("return_received", manifest_hash=verified.manifest_hash, bytes=size,
                     seconds=round(time.perf_counter() - started, 3))  # fmt: skip
            staged_facts = _Staged(_claim_of(verified), True, size)
            received = ReceivedReturn(verified, staged[0], size, now or utc_now())
            acceptance = accept(session, received=received, uploader=uploader, store=store,
                                settings=settings)  # fmt: skip
        except ReturnRefused as refusal:
            session.rollback()
            if not staged_facts.verified:
                staged_facts = _Staged(read_claim(staged[0]), False, None)
            record_refusal(session, refusal=refusal, uploader=uploader, claim=staged_facts.claim,
                           verified=staged_facts.verified, size=staged_facts.size,
                           now=now)  # fmt: skip
            raise
    if not acceptance.replayed:
        _notify(session, acceptance)
    return acceptance


def record_refusal(
    session: Session,
    *,
    refusal: ReturnRefused,
    uploader: Uploader,
    claim: Claim | None = None,
    verified: bool = False,
    size: int | None = None,
    now: datetime | None = None,
) -> RefusedUpload:
    """Record a refused upload and its audit entry, and commit them."""
    claim = claim or Claim()
    authority = None
    if uploader.authority:
        authority = session.scalars(
            select(Authority).where(Authority.code == uploader.authority)
        ).first()
    record = RefusedUpload(
        received_at=now or utc_now(), actor=uploader.actor, authority=authority,
        claimed_authority=claim.authority, return_type=claim.return_type, period=claim.period,
        sequence=claim.sequence, manifest_hash=claim.manifest_hash, verified=verified,
        reason=refusal.reason, http_status=refusal.status, message=refusal.message[:2000],
        size=size,
    )  # fmt: skip
    session.add(record)
    details = {"reason": refusal.reason, "status": refusal.status, "verified": verified}
    details |= {k: v for k, v in (("return_type", claim.return_type),
                                  ("period", claim.period)) if v}  # fmt: skip
    record_event(
        session, tag=tags.RETURN_REFUSED, actor=uploader.actor, authority=uploader.authority,
        object=f"return:{claim.manifest_hash}" if claim.manifest_hash else None, details=details,
    )  # fmt: skip
    session.commit()
    log.info("return_refused", reason=refusal.reason, status=refusal.status,
             authority=uploader.authority, manifest_hash=claim.manifest_hash)  # fmt: skip
    return record


def _claim_of(verified: VerifiedReturn) -> Claim:
    manifest = verified.manifest
    return Claim(
        authority=manifest.authority,
        return_type=manifest.return_type,
        period=manifest.period,
        sequence=manifest.sequence,
        manifest_hash=verified.manifest_hash,
    )


def _notify(session: Session, acceptance: Acceptance) -> None:
    record = acceptance.record
    reason = "superseded" if record.supersedes_id is not None else "accepted"
    change = ReturnsChanged(
        reason=reason,
        return_type=record.return_type,
        periods=(record.period,),
        authorities=(record.authority.code,),
    )
    notify_returns_changed(session, change)
