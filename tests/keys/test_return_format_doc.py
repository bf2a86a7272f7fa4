"""The published test vector: docs/return-format.md, tests/keys/vector.json and the code
agree byte for byte, and the vector is recomputed independently of keys' own helpers."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from keys import (
    MAGIC,
    ManifestDraft,
    Pseudonymiser,
    RegionalKey,
    SigningKey,
    TrustedKey,
    TrustStore,
    verify_return,
    write_return,
)

ROOT = Path(__file__).resolve().parents[2]
VECTOR_FILE = Path(__file__).with_name("vector.json")


@pytest.fixture(scope="module")
def vector() -> dict[str, Any]:
    return json.loads(VECTOR_FILE.read_text("utf-8"))


def _written(vector: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    write_return(
        out,
        [vector["payload_text"].encode("utf-8")],
        draft=ManifestDraft(**vector["draft"]),
        signing_key=SigningKey.from_seed(bytes.fromhex(vector["signing_seed_hex"])),
        now=datetime.fromisoformat(vector["created_at"].replace("Z", "+00:00")),
        lifetime=timedelta(days=vector["lifetime_days"]),
        nonce=bytes.fromhex(vector["nonce_hex"]),
    )
    return out.getvalue()


def test_the_vector_key_comes_from_the_published_text(vector) -> None:
    """Seed = SHA-256(text); the public key and key id follow from it."""
    seed = hashlib.sha256(vector["signing_seed_text"].encode("utf-8")).digest()
    assert seed.hex() == vector["signing_seed_hex"]
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    assert public.hex() == vector["public_key_hex"]
    assert vector["key_id"] == "ed25519:" + hashlib.sha256(public).hexdigest()[:32]


def test_the_writer_reproduces_the_vector_file_byte_for_byte(vector) -> None:
    """Writing the vector's inputs gives exactly the published file."""
    data = _written(vector)
    expected = (
        MAGIC
        + vector["envelope_line"].encode("utf-8")
        + b"\n"
        + vector["payload_text"].encode("utf-8")
    )
    assert data == expected
    assert len(data) == vector["file_length"]
    assert hashlib.sha256(data).hexdigest() == vector["file_sha256"]


def test_the_signature_is_ed25519_over_the_pae_bytes(vector) -> None:
    """Signing PAE by hand, without keys.envelope, gives the published signature."""
    manifest = vector["manifest_text"].encode("utf-8")
    payload_type = vector["payload_type"].encode("ascii")
    pae = b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type, len(manifest), manifest)
    assert pae.startswith(vector["pae_header"].encode("ascii"))
    assert hashlib.sha256(pae).hexdigest() == vector["pae_sha256"]
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["signing_seed_hex"]))
    assert private.sign(pae).hex() == vector["signature_hex"]
    assert hashlib.sha256(manifest).hexdigest() == vector["manifest_sha256"]
    payload = vector["payload_text"].encode("utf-8")
    assert hashlib.sha256(payload).hexdigest() == vector["payload_sha256"]


def test_the_vector_file_verifies(vector) -> None:
    """The published file passes verification at its creation time."""
    created = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    public = bytes.fromhex(vector["public_key_hex"])
    trust = TrustStore([TrustedKey(vector["key_id"], "E06000015", public, created)])
    result = verify_return(
        io.BytesIO(_written(vector)),
        trust=trust,
        known_schemas={"placements": {1}},
        now=created,
    )
    assert result.manifest_hash == vector["manifest_sha256"]


def test_the_pseudonym_vectors_hold(vector) -> None:
    """The published pseudonyms follow from the published regional key."""
    secret = hashlib.sha256(vector["regional_key_text"].encode("utf-8")).digest()
    assert secret.hex() == vector["regional_key_hex"]
    pseudonymiser = Pseudonymiser(RegionalKey(vector["regional_key_version"], secret))
    for case in vector["pseudonyms"]:
        made = pseudonymiser.pseudonymise(case["domain"], case["identifier"])
        assert made == case["pseudonym"], case["identifier"]
    first = vector["pseudonyms"][0]
    by_hand = hmac.new(
        secret,
        b"regional-exchange/pseudonym/v1/local_person_id\x00" + first["identifier"].encode(),
        "sha256",
    ).hexdigest()
    assert first["pseudonym"] == f"v1:{by_hand}"


def test_the_documents_publish_the_vector(vector) -> None:
    """Every value of the vector appears verbatim in the documentation."""
    format_doc = (ROOT / "docs" / "return-format.md").read_text("utf-8")
    published = [
        "signing_seed_text",
        "signing_seed_hex",
        "public_key_hex",
        "key_id",
        "nonce_hex",
        "payload_text",
        "payload_sha256",
        "manifest_text",
        "manifest_sha256",
        "pae_header",
        "pae_sha256",
        "signature_hex",
        "envelope_line",
        "file_sha256",
    ]
    missing = [name for name in published if vector[name] not in format_doc]
    assert missing == []
    assert json.dumps(vector["draft"], indent=2) in format_doc
    keys_doc = (ROOT / "docs" / "keys.md").read_text("utf-8")
    assert vector["regional_key_text"] in keys_doc
    for case in vector["pseudonyms"]:
        assert f"`{case['identifier']}`" in keys_doc
        assert case["pseudonym"] in keys_doc
