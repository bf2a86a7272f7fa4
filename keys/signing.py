"""Authority signing keys (Ed25519) and the one function that checks a signature.

A key id is derived from the public key alone, so anyone can recompute it:
``"ed25519:"`` followed by the first 16 bytes (32 lowercase hex digits) of the
SHA-256 of the 32-byte raw public key. Exchange keys (X25519) use the same rule with
``"x25519:"``.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from keys.errors import BadSignature

SIGNATURE_LENGTH = 64
PUBLIC_KEY_LENGTH = 32
# The order of the Ed25519 base point; a valid signature's S is below it (RFC 8032 5.1.7).
_GROUP_ORDER = 2**252 + 27742317777372353535851937790883648493
_RAW = serialization.Encoding.Raw


def derive_key_id(algorithm: str, raw_public_key: bytes) -> str:
    """The key id of a raw public key: ``<algorithm>:<sha256(key)[:16] in hex>``."""
    return f"{algorithm}:{hashlib.sha256(raw_public_key).hexdigest()[:32]}"


class SigningKey:
    """An authority's Ed25519 private key with its derived key id."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        self.public_key: bytes = private_key.public_key().public_bytes(
            _RAW, serialization.PublicFormat.Raw
        )
        self.key_id: str = derive_key_id("ed25519", self.public_key)

    @classmethod
    def generate(cls) -> SigningKey:
        """A new random signing key."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        """The key whose 32-byte RFC 8032 seed is ``seed`` (used for published vectors)."""
        if len(seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    def seed(self) -> bytes:
        """The 32-byte private seed; only the keyring should ask for it."""
        return self._private.private_bytes(
            _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        return self._private.sign(message)

    def __repr__(self) -> str:
        return f"SigningKey({self.key_id})"


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> None:
    """Raise :class:`BadSignature` unless ``signature`` is a valid Ed25519 signature.

    Every signature in this project is checked here: wrong lengths, an S at or above
    the group order (a malleated signature) and invalid public keys are refused before
    the cryptographic check.
    """
    if len(signature) != SIGNATURE_LENGTH:
        raise BadSignature(f"a signature is {SIGNATURE_LENGTH} bytes, this one {len(signature)}.")
    if int.from_bytes(signature[32:], "little") >= _GROUP_ORDER:
        raise BadSignature("the signature is not in canonical form.")
    if len(public_key) != PUBLIC_KEY_LENGTH:
        raise BadSignature("the public key is not a 32-byte Ed25519 key.")
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        raise BadSignature("the signature does not verify over the signed bytes.") from None
