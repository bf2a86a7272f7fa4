"""Verifying an audit export offline, with nothing but the file and the hub's public key.

Used by ``exchange audit verify``; it reads no database and no settings. It checks, in
order: every checkpoint's signature; that the frontier matches the ``since``
checkpoint; the anchor's inclusion proof; each entry's index, format and hash-chain
link; that the entries recompute every checkpoint's root (and any checkpoints the IG
officer kept from earlier); that no entry lies beyond the last checkpoint; and every
consistency proof. An edited, deleted, reordered, inserted or truncated entry fails
one of these.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from exchange.audit.formats import ENTRY_FORMAT, EXPORT_FORMAT, GENESIS_HASH
from exchange.errors import InvalidRequest
from keys.errors import VerificationError
from keys.transparency import (
    Checkpoint,
    MerkleFrontier,
    VerifierKey,
    leaf_hash,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)


class AuditVerificationFailed(InvalidRequest):
    """The export does not prove an untampered log; the message says where it breaks."""

    code = "audit_verification_failed"


@dataclass(frozen=True)
class VerificationReport:
    """What a successful verification covered."""

    first_index: int
    entries: int
    checkpoints: int
    tree_size: int
    root_hash: bytes


def verify_export(
    document: Any, key: VerifierKey, *, held: Iterable[str] = ()
) -> VerificationReport:
    """Raise :class:`AuditVerificationFailed` unless ``document`` proves an intact log."""
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise AuditVerificationFailed(f"This is not an audit export ({EXPORT_FORMAT}).")
    try:
        return _verify(document, key, list(held))
    except VerificationError as err:
        raise AuditVerificationFailed(f"Verification failed: {err}.") from None
    except (KeyError, TypeError, ValueError, binascii.Error) as err:
        raise AuditVerificationFailed(f"The export is malformed ({type(err).__name__}).") from None


def _verify(document: dict[str, Any], key: VerifierKey, held: list[str]) -> VerificationReport:
    signed = [verify_checkpoint(note, key) for note in document["checkpoints"]]
    kept = [verify_checkpoint(note, key) for note in held]
    since = int(document["since"]["tree_size"])
    frontier = MerkleFrontier(since, [_unb64(h) for h in document["frontier"]])
    _check_since(document, key, frontier)
    prev = _anchor(document.get("anchor"), since, frontier)
    targets = _targets(signed + kept, since)
    _check_root(targets, frontier)
    for position, item in enumerate(document["entries"]):
        prev = _check_entry(item, since + position, prev)
        frontier.append(prev)
        _check_root(targets, frontier)
    if not signed:
        raise AuditVerificationFailed("The export carries no signed checkpoint.")
    last = max(signed, key=lambda c: c.tree_size)
    if frontier.size > last.tree_size:
        raise AuditVerificationFailed(
            f"Entries {last.tree_size} to {frontier.size - 1} lie beyond the last signed "
            "checkpoint and cannot be trusted."
        )
    if targets:
        missing = min(targets)
        raise AuditVerificationFailed(
            f"The export stops at {frontier.size} entries but a checkpoint covers {missing}: "
            "entries were removed from the end (truncated)."
        )
    _check_consistency(document["consistency_proofs"], signed)
    return VerificationReport(
        first_index=since,
        entries=len(document["entries"]),
        checkpoints=len(signed),
        tree_size=frontier.size,
        root_hash=frontier.root(),
    )


def _check_since(document: dict[str, Any], key: VerifierKey, frontier: MerkleFrontier) -> None:
    note = document["since"].get("checkpoint")
    if note is None:
        return
    checkpoint = verify_checkpoint(note, key)
    if checkpoint.tree_size != frontier.size or checkpoint.root_hash != frontier.root():
        raise AuditVerificationFailed(
            f"The entries before index {frontier.size} do not match the checkpoint signed at "
            "that size."
        )


def _anchor(anchor: dict[str, Any] | None, since: int, frontier: MerkleFrontier) -> bytes:
    if since == 0:
        return GENESIS_HASH
    if anchor is None or anchor["index"] != since - 1:
        raise AuditVerificationFailed("The export lacks the entry before its first one.")
    leaf = _unb64(anchor["leaf_hash"])
    proof = [_unb64(node) for node in anchor["proof"]]
    verify_inclusion(leaf, since - 1, since, proof, frontier.root())
    return leaf


def _targets(checkpoints: list[Checkpoint], since: int) -> dict[int, bytes]:
    targets: dict[int, bytes] = {}
    for checkpoint in checkpoints:
        if checkpoint.tree_size < since:
            raise AuditVerificationFailed(
                f"A checkpoint of size {checkpoint.tree_size} is older than the export's start "
                f"({since}); export with --since that checkpoint or earlier."
            )
        if targets.setdefault(checkpoint.tree_size, checkpoint.root_hash) != checkpoint.root_hash:
            raise AuditVerificationFailed(
                f"Two checkpoints of size {checkpoint.tree_size} have different roots: the log "
                "was forked."
            )
    return targets


def _check_entry(item: dict[str, Any], expected: int, prev: bytes) -> bytes:
    body = item["body"].encode("utf-8")
    fields = json.loads(body)
    if item["index"] != expected or fields.get("index") != expected:
        raise AuditVerificationFailed(
            f"Entry {expected} is missing or out of order (found index {fields.get('index')}): "
            "entries were deleted, inserted or reordered."
        )
    if fields.get("format") != ENTRY_FORMAT:
        raise AuditVerificationFailed(f"Entry {expected} is not an audit entry.")
    if fields.get("prev_hash") != prev.hex():
        raise AuditVerificationFailed(
            f"Entry {expected} does not follow entry {expected - 1} in the hash chain: an "
            "entry was edited, deleted or reordered."
        )
    return leaf_hash(body)


def _check_root(targets: dict[int, bytes], frontier: MerkleFrontier) -> None:
    expected = targets.pop(frontier.size, None)
    if expected is not None and frontier.root() != expected:
        raise AuditVerificationFailed(
            f"The first {frontier.size} entries do not match the checkpoint signed at that size: "
            "an entry was edited, deleted or reordered."
        )


def _check_consistency(proofs: list[dict[str, Any]], signed: list[Checkpoint]) -> None:
    roots = {c.tree_size: c.root_hash for c in signed}
    for item in proofs:
        size1, size2 = int(item["from"]), int(item["to"])
        if size1 not in roots or size2 not in roots:
            raise AuditVerificationFailed(f"A consistency proof names unsigned sizes {size1}.")
        proof = [_unb64(node) for node in item["proof"]]
        verify_consistency(size1, size2, proof, roots[size1], roots[size2])


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
