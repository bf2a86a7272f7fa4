"""The hub's signed receipt for a return, and its offline check.

When the hub accepts a return it answers with a receipt: a DSSE envelope (as in
:mod:`keys.envelope`) of payload type :data:`RECEIPT_PAYLOAD_TYPE`, signed by the hub's
own Ed25519 key, whose payload is canonical JSON stating what was received — the
manifest hash, authority, return type, period, sequence, rows, status and time — and
where the hub's audit log records it: the audit entry's exact bytes, its index, the
signed checkpoint of the log that includes it, and the RFC 9162 inclusion proof.

:func:`verify_receipt` checks, with nothing but the receipt and the hub's public key:
the envelope's signature; the checkpoint's signature and that it states the receipt's
tree size and root; that the audit entry is leaf ``log_index`` of that tree
(:func:`keys.transparency.verify_inclusion`); and that the entry is the hub's record of
this very return (its ``object`` is ``return:<manifest hash>``, its ``index`` the log
index, as docs/audit.md describes entries). Any failure is :class:`ReceiptInvalid`.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keys.envelope import parse_envelope, sign_envelope
from keys.errors import ReceiptInvalid, VerificationError
from keys.signing import SigningKey, derive_key_id, verify_signature
from keys.strict_json import canonical_json, parse_strict_json
from keys.timestamps import format_utc, parse_utc
from keys.transparency import (
    VerifierKey,
    leaf_hash,
    parse_checkpoint,
    parse_verifier_key,
    verify_checkpoint,
    verify_inclusion,
)

RECEIPT_PAYLOAD_TYPE = "application/vnd.exchange.receipt+json;version=1"
RECEIPT_FORMAT = "regional-exchange-receipt/1"
_TEXT = ("manifest_hash", "authority", "return_type", "period", "status", "checkpoint")
_COUNTS = ("schema_version", "sequence", "rows", "log_index", "tree_size")


@dataclass(frozen=True)
class Receipt:
    """What the hub states it received, and where its audit log records it."""

    manifest_hash: str
    authority: str
    return_type: str
    schema_version: int
    period: str
    sequence: int
    rows: int
    status: str
    received_at: datetime
    log_index: int
    tree_size: int
    root_hash: bytes
    inclusion_proof: tuple[bytes, ...]
    checkpoint: str
    audit_entry: str

    def to_dict(self) -> dict[str, Any]:
        """The receipt's payload as JSON-ready values (hashes in base64)."""
        document = dataclasses.asdict(self)
        document["format"] = RECEIPT_FORMAT
        document["received_at"] = format_utc(self.received_at)
        document["root_hash"] = _b64(self.root_hash)
        document["inclusion_proof"] = [_b64(node) for node in self.inclusion_proof]
        return document


def make_receipt(receipt: Receipt, *, signing_key: SigningKey) -> bytes:
    """The receipt as a signed envelope (canonical one-line JSON), signed by the hub key."""
    payload = canonical_json(receipt.to_dict())
    return sign_envelope(RECEIPT_PAYLOAD_TYPE, payload, [signing_key]).to_json()


def verify_receipt(data: bytes, *, hub_public_key: VerifierKey | bytes | str) -> Receipt:
    """Check a receipt against the hub's public key; return what it states.

    ``hub_public_key`` is the hub's verifier key (its text ``name+hash+base64``, as
    ``hub-signing.pub`` holds it, or parsed) or the raw 32-byte Ed25519 public key.
    """
    try:
        return _verify(data, hub_public_key)
    except ReceiptInvalid:
        raise
    except VerificationError as err:
        raise ReceiptInvalid(f"The receipt is not valid: {err}") from None


def _verify(data: bytes, hub_public_key: VerifierKey | bytes | str) -> Receipt:
    public_key = _public_key(hub_public_key)
    envelope = parse_envelope(data, what="the receipt")
    if envelope.payload_type != RECEIPT_PAYLOAD_TYPE:
        raise ReceiptInvalid(f"This is not a receipt (payload type {envelope.payload_type!r}).")
    expected = derive_key_id("ed25519", public_key)
    signatures = [s for s in envelope.signatures if s.key_id == expected]
    if len(envelope.signatures) != 1 or not signatures:
        raise ReceiptInvalid(f"The receipt is not signed by the hub key {expected}.")
    verify_signature(public_key, envelope.signed_bytes(), signatures[0].signature)
    receipt = _parse(envelope.payload)
    _check_log(receipt, _verifier(hub_public_key, public_key, receipt.checkpoint))
    return receipt


def _public_key(key: VerifierKey | bytes | str) -> bytes:
    if isinstance(key, str):
        return parse_verifier_key(key).public_key
    return key.public_key if isinstance(key, VerifierKey) else bytes(key)


def _verifier(given: VerifierKey | bytes | str, public_key: bytes, note: str) -> VerifierKey:
    """The checkpoint verifier: the one given, or the raw key under the note's origin."""
    if isinstance(given, VerifierKey):
        return given
    if isinstance(given, str):
        return parse_verifier_key(given)
    return VerifierKey(name=parse_checkpoint(note).origin, public_key=public_key)


def _parse(payload: bytes) -> Receipt:
    document = parse_strict_json(payload, what="the receipt")
    names = {f.name for f in dataclasses.fields(Receipt)} | {"format"}
    if not isinstance(document, dict) or set(document) != names:
        raise ReceiptInvalid("The receipt does not have exactly the documented members.")
    if document["format"] != RECEIPT_FORMAT:
        raise ReceiptInvalid(f"The receipt's format is not {RECEIPT_FORMAT}.")
    for name in (*_TEXT, "audit_entry"):
        if not isinstance(document[name], str) or not document[name]:
            raise ReceiptInvalid(f"The receipt's {name} must be text.")
    for name in _COUNTS:
        if type(document[name]) is not int or document[name] < 0:
            raise ReceiptInvalid(f"The receipt's {name} must be a whole number.")
    proof = document["inclusion_proof"]
    if not isinstance(proof, list):
        raise ReceiptInvalid("The receipt's inclusion_proof must be a list.")
    return Receipt(
        **{name: document[name] for name in (*_TEXT, *_COUNTS, "audit_entry")},
        received_at=parse_utc(document["received_at"], what="The receipt's received_at"),
        root_hash=_unb64(document["root_hash"]),
        inclusion_proof=tuple(_unb64(node) for node in proof),
    )


def _check_log(receipt: Receipt, key: VerifierKey) -> None:
    checkpoint = verify_checkpoint(receipt.checkpoint, key)
    if (checkpoint.tree_size, checkpoint.root_hash) != (receipt.tree_size, receipt.root_hash):
        raise ReceiptInvalid("The receipt's checkpoint states another tree than the receipt.")
    leaf = leaf_hash(receipt.audit_entry.encode("utf-8"))
    verify_inclusion(
        leaf, receipt.log_index, receipt.tree_size, list(receipt.inclusion_proof), receipt.root_hash
    )
    entry = parse_strict_json(receipt.audit_entry.encode("utf-8"), what="the audit entry")
    if not isinstance(entry, dict) or (entry.get("object"), entry.get("index")) != (
        f"return:{receipt.manifest_hash}",
        receipt.log_index,
    ):
        raise ReceiptInvalid("The receipt's audit entry does not record this return.")
    if entry.get("authority") != receipt.authority:
        raise ReceiptInvalid("The receipt's audit entry names another authority.")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ReceiptInvalid("The receipt's hashes must be base64 text.")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ReceiptInvalid("The receipt's hashes must be base64 text.") from None
