"""The hub's side of receipts: sign one for a return whose audit entry was just written.

Called in the accepting transaction, after the ``returns:return:accepted`` entry: a
checkpoint of the log including that entry is signed (the append lock is still held,
so the entry is its last leaf), the inclusion proof is computed, and
:func:`keys.make_receipt` signs the whole with the hub key (format in
:mod:`keys.receipt`, described in docs/hub.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exchange.audit import merkle
from exchange.audit.checkpoints import sign_tree_head
from exchange.audit.models import AuditEntry
from keys import Manifest, Receipt, SigningKey, make_receipt


def issue_receipt(
    session: Session,
    *,
    manifest: Manifest,
    manifest_hash: str,
    entry: AuditEntry,
    received_at: datetime,
    status: str,
    hub_key: SigningKey,
    origin: str,
) -> bytes:
    """The signed receipt for a return recorded by ``entry``."""
    checkpoint = sign_tree_head(session, hub_key=hub_key, origin=origin)
    leaves = merkle.leaf_hashes(session, checkpoint.tree_size)
    proof = merkle.inclusion_proof(leaves, entry.index, checkpoint.tree_size)
    receipt = Receipt(
        manifest_hash=manifest_hash,
        authority=manifest.authority,
        return_type=manifest.return_type,
        schema_version=manifest.schema_version,
        period=manifest.period,
        sequence=manifest.sequence,
        rows=manifest.payload.rows,
        status=status,
        received_at=received_at,
        log_index=entry.index,
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash,
        inclusion_proof=tuple(proof),
        checkpoint=checkpoint.note,
        audit_entry=entry.body,
    )
    return make_receipt(receipt, signing_key=hub_key)
