"""The signature wrapper, checked against Wycheproof's Ed25519 vectors, and key ids."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from keys import SigningKey, derive_key_id, verify_signature
from keys.errors import BadSignature

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "data" / "vectors"
WYCHEPROOF = VECTORS / "wycheproof-ed25519_test.json"


def _wycheproof_cases() -> list[tuple[str, dict[str, Any], str]]:
    if not WYCHEPROOF.is_file():
        pytest.fail(
            f"The Wycheproof Ed25519 vectors are missing: expected {WYCHEPROOF}. "
            "Restore ../shared/data/vectors/ beside the repository."
        )
    doc = json.loads(WYCHEPROOF.read_text("utf-8"))
    return [
        (group["publicKey"]["pk"], case, case["result"])
        for group in doc["testGroups"]
        for case in group["tests"]
    ]


def test_wycheproof_vectors_are_all_present() -> None:
    """The vector file holds the 151 cases the other tests run through."""
    assert len(_wycheproof_cases()) == 151


def test_every_valid_wycheproof_vector_is_accepted() -> None:
    """Each vector marked valid verifies through the wrapper."""
    valid = [(pk, case) for pk, case, result in _wycheproof_cases() if result == "valid"]
    assert valid
    for pk, case in valid:
        verify_signature(bytes.fromhex(pk), bytes.fromhex(case["msg"]), bytes.fromhex(case["sig"]))


def test_every_invalid_wycheproof_vector_is_refused() -> None:
    """Each vector marked invalid raises BadSignature, naming no other error."""
    invalid = [(pk, case) for pk, case, result in _wycheproof_cases() if result == "invalid"]
    assert invalid
    accepted = []
    for pk, case in invalid:
        try:
            verify_signature(
                bytes.fromhex(pk), bytes.fromhex(case["msg"]), bytes.fromhex(case["sig"])
            )
        except BadSignature:
            continue
        accepted.append(case["tcId"])
    assert accepted == []


def test_key_id_is_derived_from_the_public_key() -> None:
    """A key id is "ed25519:" and the first 16 bytes of the public key's SHA-256."""
    key = SigningKey.from_seed(bytes(32))
    digest = hashlib.sha256(key.public_key).hexdigest()
    assert key.key_id == f"ed25519:{digest[:32]}"
    assert derive_key_id("ed25519", key.public_key) == key.key_id


def test_a_signature_verifies_only_over_the_signed_bytes() -> None:
    """Changing the message or using another key's public half refuses the signature."""
    key, other = SigningKey.from_seed(bytes(32)), SigningKey.from_seed(bytes([1]) * 32)
    signature = key.sign(b"exact bytes")
    verify_signature(key.public_key, b"exact bytes", signature)
    with pytest.raises(BadSignature):
        verify_signature(key.public_key, b"exact bytes!", signature)
    with pytest.raises(BadSignature):
        verify_signature(other.public_key, b"exact bytes", signature)


@pytest.mark.parametrize(
    ("public_key", "signature"),
    [(bytes(32), bytes(63)), (bytes(31), bytes(64)), (bytes(32), bytes(65))],
)
def test_wrong_lengths_are_refused_as_bad_signatures(public_key: bytes, signature: bytes) -> None:
    """Truncated or padded signatures and short keys raise BadSignature, not ValueError."""
    with pytest.raises(BadSignature):
        verify_signature(public_key, b"message", signature)


def test_the_key_repr_shows_no_secret() -> None:
    """A signing key prints as its id, never its seed."""
    key = SigningKey.from_seed(bytes(range(32)))
    assert repr(key) == f"SigningKey({key.key_id})"
    assert key.seed().hex() not in repr(key)
