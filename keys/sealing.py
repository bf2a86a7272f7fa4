"""Distributing the regional key without the hub learning it.

Each authority holds an X25519 *exchange key*. The custodian seals the regional key
to an authority's exchange public key; the hub only stores and relays the sealed
blob. Sealing (in the spirit of HPKE base mode, from `cryptography` primitives):

1. a fresh ephemeral X25519 key pair; ``shared = X25519(ephemeral, recipient)``;
2. ``HKDF-SHA256(shared, salt = ephemeral_pub || recipient_pub,
   info = "regional-exchange/sealed-regional-key/v1")`` gives 44 bytes: a 32-byte
   ChaCha20-Poly1305 key and a 12-byte nonce (the key is used once);
3. the 32-byte regional key is encrypted with associated data = the canonical JSON of
   the header (format, recipient key id, regional key version, ephemeral public key),
   so a blob cannot be relabelled for another recipient or version.

The sealed blob is that header plus ``"ciphertext"`` (base64), as canonical JSON.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from keys.errors import MalformedDocument, SealedKeyCorrupt, WrongRecipient
from keys.pseudonym import RegionalKey
from keys.signing import derive_key_id
from keys.strict_json import canonical_json, parse_strict_json

SEALED_FORMAT = "regional-exchange-sealed-key/1"
_INFO = b"regional-exchange/sealed-regional-key/v1"
_RAW = serialization.Encoding.Raw


@dataclass(frozen=True)
class ExchangePublicKey:
    """An authority's X25519 public key, as registered with the hub."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise ValueError("an X25519 public key is 32 bytes")

    @property
    def key_id(self) -> str:
        """``x25519:`` and the first 16 bytes of the key's SHA-256, in hex."""
        return derive_key_id("x25519", self.raw)

    @classmethod
    def from_hex(cls, text: str) -> ExchangePublicKey:
        """Read the 64-hex-digit form printed by ``anonymiser keys init``."""
        try:
            return cls(bytes.fromhex(text.strip()))
        except ValueError:
            raise ValueError("an exchange public key is 64 hexadecimal digits") from None


class ExchangeKey:
    """An authority's X25519 private key, used only to open sealed regional keys."""

    def __init__(self, private_key: X25519PrivateKey) -> None:
        self._private = private_key
        raw = private_key.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
        self.public_key = ExchangePublicKey(raw)
        self.key_id = self.public_key.key_id

    @classmethod
    def generate(cls) -> ExchangeKey:
        """A new random exchange key."""
        return cls(X25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, raw: bytes) -> ExchangeKey:
        """The exchange key with this 32-byte private scalar."""
        return cls(X25519PrivateKey.from_private_bytes(raw))

    def private_bytes(self) -> bytes:
        """The 32-byte private scalar; only the keyring should ask for it."""
        return self._private.private_bytes(
            _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )

    def exchange(self, peer: bytes) -> bytes:
        """X25519 with a peer's raw public key."""
        return self._private.exchange(X25519PublicKey.from_public_bytes(peer))

    def __repr__(self) -> str:
        return f"ExchangeKey({self.key_id})"


def seal_regional_key(key: RegionalKey, recipient: ExchangePublicKey) -> bytes:
    """The regional key sealed so that only ``recipient``'s private key opens it."""
    ephemeral = ExchangeKey.generate()
    header = {
        "ephemeral_public_key": _b64(ephemeral.public_key.raw),
        "format": SEALED_FORMAT,
        "recipient_key_id": recipient.key_id,
        "regional_key_version": key.version,
    }
    shared = ephemeral.exchange(recipient.raw)
    aead_key, nonce = _derive(shared, ephemeral.public_key.raw, recipient.raw)
    ciphertext = ChaCha20Poly1305(aead_key).encrypt(nonce, key.secret, canonical_json(header))
    return canonical_json({**header, "ciphertext": _b64(ciphertext)}) + b"\n"


def sealed_key_recipient(data: bytes) -> tuple[str, int]:
    """The recipient key id and regional key version a sealed blob declares (unverified)."""
    header = _parse(data)
    return header["recipient_key_id"], header["regional_key_version"]


def open_sealed_key(data: bytes, exchange_key: ExchangeKey) -> RegionalKey:
    """Open a sealed regional key with this authority's exchange key."""
    header = _parse(data)
    if header["recipient_key_id"] != exchange_key.key_id:
        raise WrongRecipient(
            f"This regional key was sealed for {header['recipient_key_id']}, but this "
            f"keyring's exchange key is {exchange_key.key_id}. Ask the custodian to seal it "
            "to the exchange key you registered."
        )
    ciphertext = _unb64(header.pop("ciphertext"))
    ephemeral = _unb64(header["ephemeral_public_key"])
    try:
        shared = exchange_key.exchange(ephemeral)
        aead_key, nonce = _derive(shared, ephemeral, exchange_key.public_key.raw)
        secret = ChaCha20Poly1305(aead_key).decrypt(nonce, ciphertext, canonical_json(header))
        return RegionalKey(header["regional_key_version"], secret)
    except (InvalidTag, ValueError):
        raise SealedKeyCorrupt(
            "The sealed regional key does not open: it was altered or damaged in transit. "
            "Ask the custodian to seal it again."
        ) from None


def _derive(shared: bytes, ephemeral: bytes, recipient: bytes) -> tuple[bytes, bytes]:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=44, salt=ephemeral + recipient, info=_INFO)
    material = hkdf.derive(shared)
    return material[:32], material[32:]


def _parse(data: bytes) -> dict[str, Any]:
    try:
        doc = parse_strict_json(data, what="the sealed regional key")
    except MalformedDocument as err:
        raise SealedKeyCorrupt(str(err)) from None
    fields = {"ciphertext", "ephemeral_public_key", "format", "recipient_key_id"}
    if (
        not isinstance(doc, dict)
        or set(doc) != fields | {"regional_key_version"}
        or doc["format"] != SEALED_FORMAT
        or not isinstance(doc["recipient_key_id"], str)
        or type(doc["regional_key_version"]) is not int
    ):
        raise SealedKeyCorrupt("This is not a sealed regional key.")
    return doc


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (TypeError, ValueError):
        raise SealedKeyCorrupt("The sealed regional key has a damaged field.") from None
