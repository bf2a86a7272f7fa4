"""Sealing the regional key to an authority's exchange key, so the hub never learns it."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from keys import (
    ExchangeKey,
    ExchangePublicKey,
    RegionalKey,
    exchange_key_from_text,
    open_sealed_key,
    seal_regional_key,
    sealed_key_recipient,
)
from keys.errors import SealedKeyCorrupt, WrongRecipient
from keys.strict_json import canonical_json

REGIONAL = RegionalKey(3, hashlib.sha256(b"tests/keys/sealed-regional").digest())


@pytest.fixture
def rutland() -> ExchangeKey:
    return ExchangeKey.from_private_bytes(hashlib.sha256(b"tests/keys/rutland-x25519").digest())


@pytest.fixture
def nottingham() -> ExchangeKey:
    return ExchangeKey.from_private_bytes(hashlib.sha256(b"tests/keys/nottingham").digest())


def test_the_recipient_opens_the_sealed_key(rutland: ExchangeKey) -> None:
    """Sealed to Rutland's public key, the regional key opens with Rutland's private key."""
    sealed = seal_regional_key(REGIONAL, rutland.public_key)
    assert open_sealed_key(sealed, rutland) == REGIONAL
    assert sealed_key_recipient(sealed) == (rutland.key_id, 3)


def test_the_sealed_blob_does_not_contain_the_key(rutland: ExchangeKey) -> None:
    """What the hub stores and relays holds neither the secret nor its base64 or hex."""
    sealed = seal_regional_key(REGIONAL, rutland.public_key)
    for spelling in (
        REGIONAL.secret,
        REGIONAL.secret.hex().encode(),
        base64.b64encode(REGIONAL.secret),
    ):
        assert spelling not in sealed


def test_sealing_twice_gives_different_blobs(rutland: ExchangeKey) -> None:
    """Each seal uses a fresh ephemeral key, so blobs cannot be linked by comparison."""
    assert seal_regional_key(REGIONAL, rutland.public_key) != seal_regional_key(
        REGIONAL, rutland.public_key
    )


def test_the_wrong_private_key_is_refused(rutland: ExchangeKey, nottingham: ExchangeKey) -> None:
    """Nottingham cannot open a key sealed for Rutland: WrongRecipient names both key ids."""
    sealed = seal_regional_key(REGIONAL, rutland.public_key)
    with pytest.raises(WrongRecipient, match=nottingham.key_id):
        open_sealed_key(sealed, nottingham)


def test_relabelling_the_recipient_does_not_help(
    rutland: ExchangeKey, nottingham: ExchangeKey
) -> None:
    """Editing the recipient key id to Nottingham's makes the blob fail to open at all."""
    doc = json.loads(seal_regional_key(REGIONAL, rutland.public_key))
    doc["recipient_key_id"] = nottingham.key_id
    with pytest.raises(SealedKeyCorrupt):
        open_sealed_key(canonical_json(doc), nottingham)


@pytest.mark.parametrize("field", ["regional_key_version", "ciphertext", "ephemeral_public_key"])
def test_any_altered_field_is_refused(rutland: ExchangeKey, field: str) -> None:
    """Changing the version, the ciphertext or the ephemeral key is SealedKeyCorrupt."""
    doc = json.loads(seal_regional_key(REGIONAL, rutland.public_key))
    if field == "regional_key_version":
        doc[field] = 4
    else:
        raw = bytearray(base64.b64decode(doc[field]))
        raw[0] ^= 0x01
        doc[field] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(SealedKeyCorrupt):
        open_sealed_key(canonical_json(doc), rutland)


@pytest.mark.parametrize("data", [b"", b"{}", b"not json", b'{"format":1,"format":2}'])
def test_things_that_are_not_sealed_keys_are_refused(rutland: ExchangeKey, data: bytes) -> None:
    """Garbage is SealedKeyCorrupt, never a traceback from deeper down."""
    with pytest.raises(SealedKeyCorrupt):
        open_sealed_key(data, rutland)


def test_a_registration_or_hex_names_the_exchange_key(rutland: ExchangeKey) -> None:
    """The custodian can seal to a registration JSON or a bare hex public key."""
    registration = json.dumps(
        {"exchange_key": {"public_key": rutland.public_key.raw.hex()}, "authority": "E06000017"}
    )
    assert exchange_key_from_text(registration) == rutland.public_key
    assert exchange_key_from_text(rutland.public_key.raw.hex()) == rutland.public_key
    with pytest.raises(ValueError, match="exchange_key"):
        exchange_key_from_text('{"signing_key": {}}')
    with pytest.raises(ValueError, match="64 hexadecimal"):
        ExchangePublicKey.from_hex("abc")
