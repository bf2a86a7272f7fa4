"""Exporting the audit log for offline verification (``exchange audit export``).

The export is one JSON document::

    {"format": "regional-exchange-audit-export/1", "origin": ...,
     "since": {"tree_size": s, "checkpoint": <note or null>},
     "frontier": [<base64 perfect-subtree hashes covering entries 0..s-1>],
     "anchor": {"index": s-1, "leaf_hash": <base64>, "proof": [...]} or null,
     "entries": [{"index": i, "body": <exact canonical JSON>}, ...   (s .. n-1)],
     "checkpoints": [<signed notes with s <= size <= n, smallest first>],
     "consistency_proofs": [{"from": a, "to": b, "proof": [...]}, ...]}

The frontier (at most log2(s) hashes) lets a verifier recompute every later root from
the exported entries alone; the anchor proves the entry before the first exported one,
so the hash chain can be checked across the boundary. Nothing in it needs the hub.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.audit import merkle
from exchange.audit.checkpoints import checkpoint_at, checkpoints_between, latest_checkpoint
from exchange.audit.formats import EXPORT_FORMAT
from exchange.audit.models import AuditEntry
from exchange.errors import Conflict, InvalidRequest
from keys.errors import VerificationError
from keys.transparency import MerkleFrontier, VerifierKey, leaf_hash, verify_checkpoint


def build_export(
    session: Session, *, origin: str, since: int = 0, since_note: str | None = None
) -> dict[str, Any]:
    """The export of every entry from index ``since`` to the latest signed checkpoint."""
    latest = latest_checkpoint(session)
    if not 0 <= since <= latest.tree_size:
        raise InvalidRequest(
            f"--since {since} is beyond the latest checkpoint (size {latest.tree_size})."
        )
    leaves = merkle.leaf_hashes(session, latest.tree_size)
    frontier = MerkleFrontier()
    frontier.extend(leaves[:since])
    if since_note is None and (held := checkpoint_at(session, since)) is not None:
        since_note = held.note
    checkpoints = checkpoints_between(session, since, latest.tree_size)
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.index >= since, AuditEntry.index < latest.tree_size)
        .order_by(AuditEntry.index)
    )
    return {
        "format": EXPORT_FORMAT,
        "origin": origin,
        "since": {"tree_size": since, "checkpoint": since_note},
        "frontier": [_b64(node) for node in frontier.hashes],
        "anchor": _anchor(leaves, since),
        "entries": [{"index": entry.index, "body": entry.body} for entry in entries],
        "checkpoints": [checkpoint.note for checkpoint in checkpoints],
        "consistency_proofs": [
            {
                "from": older.tree_size,
                "to": newer.tree_size,
                "proof": [
                    _b64(node)
                    for node in merkle.consistency_proof(leaves, older.tree_size, newer.tree_size)
                ],
            }
            for older, newer in itertools.pairwise(checkpoints)
        ],
    }


def resolve_since(session: Session, *, since: str, key: VerifierKey) -> tuple[int, str | None]:
    """Read ``--since``: a tree size, or a checkpoint file's text the IG officer holds.

    A held checkpoint must be the hub's and must match the log as it is now; if it
    does not, the log was rewritten after it was signed, and the export is refused.
    """
    if since.strip().isdigit():
        return int(since), None
    try:
        checkpoint = verify_checkpoint(since, key)
    except VerificationError as err:
        raise InvalidRequest(f"The --since checkpoint is not one this hub signed: {err}") from None
    # Recomputed from the bodies, not the stored hashes: a rewritten body shows here too.
    bodies = session.scalars(
        select(AuditEntry.body)
        .where(AuditEntry.index < checkpoint.tree_size)
        .order_by(AuditEntry.index)
    ).all()
    leaves = [leaf_hash(body.encode("utf-8")) for body in bodies]
    if len(leaves) < checkpoint.tree_size or merkle.root(leaves) != checkpoint.root_hash:
        raise Conflict(
            f"The checkpoint you hold (size {checkpoint.tree_size}) does not match this hub's "
            "log: the log has changed since it was signed. Keep that checkpoint as evidence."
        )
    return checkpoint.tree_size, since


def _anchor(leaves: list[bytes], since: int) -> dict[str, Any] | None:
    if since == 0:
        return None
    return {
        "index": since - 1,
        "leaf_hash": _b64(leaves[since - 1]),
        "proof": [_b64(node) for node in merkle.inclusion_proof(leaves, since - 1, since)],
    }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
