"""The hub's receipt: signed by the hub key over exact bytes, its checkpoint signed by the
same key, its audit entry proven in the checkpoint's tree and naming this very return.
Checked offline with nothing but the receipt and the hub's public key."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from keys import RECEIPT_PAYLOAD_TYPE, Receipt, SigningKey, make_receipt, verify_receipt
from keys.envelope import sign_envelope
from keys.errors import ReceiptInvalid
from keys.strict_json import canonical_json
from keys.transparency import (
    Checkpoint,
    VerifierKey,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    sign_checkpoint,
)

ORIGIN = "receipts.test/audit"
MANIFEST_HASH = hashlib.sha256(b"a manifest").hexdigest()


def hub_key(label: str = "hub") -> SigningKey:
    """A fixed test key for the hub."""
    return SigningKey.from_seed(hashlib.sha256(f"tests/receipt/{label}".encode()).digest())


def entry(index: int, manifest_hash: str = MANIFEST_HASH, authority: str = "E06000015") -> str:
    """An audit entry body as the hub writes one for an accepted return."""
    return canonical_json({
        "actor": "user:3", "authority": authority, "details": {"rows": 2},
        "format": "regional-exchange-audit-entry/1", "index": index,
        "object": f"return:{manifest_hash}", "prev_hash": "00" * 32,
        "tag": "returns:return:accepted", "time": "2026-07-01T09:30:00.000000Z",
    }).decode()  # fmt: skip


def receipt(key: SigningKey | None = None, **changes: Any) -> Receipt:
    """A receipt for entry 2 of a three-entry log, its checkpoint signed by ``key``."""
    key = key or hub_key()
    bodies = [b"first entry", b"second entry", entry(2).encode()]
    leaves = [leaf_hash(body) for body in bodies]
    root = root_from_leaf_hashes(leaves)
    note = sign_checkpoint(Checkpoint(ORIGIN, 3, root), name=ORIGIN, signing_key=key)
    made = Receipt(
        manifest_hash=MANIFEST_HASH, authority="E06000015", return_type="placements",
        schema_version=1, period="2026-Q2", sequence=1, rows=2, status="accepted",
        received_at=datetime(2026, 7, 1, 9, 30, tzinfo=UTC), log_index=2, tree_size=3,
        root_hash=root, inclusion_proof=(node_hash(leaves[0], leaves[1]),), checkpoint=note,
        audit_entry=bodies[2].decode(),
    )  # fmt: skip
    return dataclasses.replace(made, **changes)


def verifier(key: SigningKey | None = None) -> VerifierKey:
    """The hub's verifier key as an authority holds it."""
    return VerifierKey(name=ORIGIN, public_key=(key or hub_key()).public_key)


def test_a_receipt_verifies_with_the_hub_key_in_each_form() -> None:
    """Verifier key object, its text, or the raw public key: each gives back the receipt."""
    signed = make_receipt(receipt(), signing_key=hub_key())
    for form in (verifier(), str(verifier()), hub_key().public_key):
        assert verify_receipt(signed, hub_public_key=form) == receipt()


def test_the_envelope_is_a_dsse_envelope_of_the_receipt_type() -> None:
    """One line of canonical JSON with the documented payload type and one signature."""
    document = json.loads(make_receipt(receipt(), signing_key=hub_key()))
    assert document["payloadType"] == RECEIPT_PAYLOAD_TYPE
    assert [s["keyid"] for s in document["signatures"]] == [hub_key().key_id]
    payload = json.loads(base64.b64decode(document["payload"]))
    assert payload["format"] == "regional-exchange-receipt/1"
    assert payload["received_at"] == "2026-07-01T09:30:00Z"


def _tampered_payload(signed: bytes, **changes: Any) -> bytes:
    document = json.loads(signed)
    payload = json.loads(base64.b64decode(document["payload"]))
    payload.update(changes)
    document["payload"] = base64.b64encode(canonical_json(payload)).decode()
    return canonical_json(document)


@pytest.mark.parametrize(
    "changes",
    [{"rows": 3}, {"manifest_hash": "ab" * 32}, {"status": "superseded"}, {"log_index": 1}],
    ids=["rows", "manifest_hash", "status", "log_index"],
)
def test_any_edit_to_a_signed_receipt_breaks_its_signature(changes: dict[str, Any]) -> None:
    """The signature covers the exact payload bytes."""
    signed = make_receipt(receipt(), signing_key=hub_key())
    with pytest.raises(ReceiptInvalid, match="signature"):
        verify_receipt(_tampered_payload(signed, **changes), hub_public_key=verifier())


def test_a_receipt_signed_by_another_key_is_refused() -> None:
    """Whoever signs, only the hub's key is accepted."""
    forged = make_receipt(receipt(hub_key("forger")), signing_key=hub_key("forger"))
    with pytest.raises(ReceiptInvalid, match="not signed by the hub key"):
        verify_receipt(forged, hub_public_key=verifier())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"inclusion_proof": (b"\x00" * 32,)}, "inclusion proof"),
        ({"log_index": 1}, "inclusion proof"),
        ({"tree_size": 4}, "another tree"),
        ({"audit_entry": entry(2, manifest_hash="cd" * 32)}, "inclusion proof"),
        ({"manifest_hash": "cd" * 32}, "does not record this return"),
        ({"authority": "E06000016"}, "another authority"),
    ],
    ids=["proof", "index", "tree_size", "entry", "other_return", "other_authority"],
)
def test_a_receipt_whose_log_proof_fails_is_refused(changes: dict[str, Any], message: str) -> None:
    """Signed by the hub, but its entry, proof or checkpoint do not hold together."""
    signed = make_receipt(receipt(**changes), signing_key=hub_key())
    with pytest.raises(ReceiptInvalid, match=message):
        verify_receipt(signed, hub_public_key=verifier())


def test_a_checkpoint_signed_by_another_key_is_refused() -> None:
    """The checkpoint inside must be the hub's own."""
    other = receipt(hub_key("other"))
    signed = make_receipt(receipt(checkpoint=other.checkpoint), signing_key=hub_key())
    with pytest.raises(ReceiptInvalid, match="checkpoint"):
        verify_receipt(signed, hub_public_key=verifier())


@pytest.mark.parametrize(
    "data",
    [b"not json", b"{}", canonical_json({"payload": "", "payloadType": "x", "signatures": []})],
    ids=["not_json", "empty_object", "no_signature"],
)
def test_malformed_receipts_are_refused(data: bytes) -> None:
    """Anything that is not a receipt envelope is refused as such."""
    with pytest.raises(ReceiptInvalid):
        verify_receipt(data, hub_public_key=verifier())


def test_a_payload_of_another_type_is_refused() -> None:
    """A DSSE envelope signed by the hub but of another payload type is not a receipt."""
    envelope = sign_envelope("application/example", b"{}", [hub_key()]).to_json()
    with pytest.raises(ReceiptInvalid, match="not a receipt"):
        verify_receipt(envelope, hub_public_key=verifier())
