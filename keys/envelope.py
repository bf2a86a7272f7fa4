"""The DSSE-style signed envelope used by return files and rotation statements.

The signature covers ``PAE(payloadType, payload)``::

    PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body

with LEN the decimal byte length and SP one space (as in the DSSE specification).
The payload bytes are carried base64-encoded and are never re-serialised: the
verifier checks the signature over the decoded bytes, then parses them.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from keys.errors import MalformedEnvelope
from keys.signing import SigningKey
from keys.strict_json import canonical_json, parse_strict_json


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE pre-authentication encoding of ``payload_type`` and ``payload``."""
    type_bytes = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(type_bytes), type_bytes, len(payload), payload)


@dataclass(frozen=True)
class EnvelopeSignature:
    """One signature in an envelope, with the id of the key that made it."""

    key_id: str
    signature: bytes


@dataclass(frozen=True)
class Envelope:
    """A payload, its declared type and the signatures over both."""

    payload_type: str
    payload: bytes
    signatures: tuple[EnvelopeSignature, ...]

    def signed_bytes(self) -> bytes:
        """The exact bytes every signature covers."""
        return pae(self.payload_type, self.payload)

    def to_json(self) -> bytes:
        """The envelope as canonical one-line JSON."""
        return canonical_json(
            {
                "payload": _b64(self.payload),
                "payloadType": self.payload_type,
                "signatures": [
                    {"keyid": s.key_id, "sig": _b64(s.signature)} for s in self.signatures
                ],
            }
        )


def sign_envelope(payload_type: str, payload: bytes, keys: Sequence[SigningKey]) -> Envelope:
    """Sign ``payload`` under ``payload_type`` with every key in ``keys``, in order."""
    message = pae(payload_type, payload)
    signatures = tuple(EnvelopeSignature(k.key_id, k.sign(message)) for k in keys)
    return Envelope(payload_type, payload, signatures)


def parse_envelope(data: bytes, *, what: str) -> Envelope:
    """Parse an envelope strictly: exact field names, canonical base64, one or more signatures."""
    doc = parse_strict_json(data, what=what)
    if not isinstance(doc, dict) or set(doc) != {"payload", "payloadType", "signatures"}:
        raise MalformedEnvelope(f"{what} must have exactly payload, payloadType and signatures.")
    payload_type = doc["payloadType"]
    if not isinstance(payload_type, str) or not payload_type:
        raise MalformedEnvelope(f"{what}: payloadType must be a non-empty string.")
    signatures = doc["signatures"]
    if not isinstance(signatures, list) or not signatures:
        raise MalformedEnvelope(f"{what}: signatures must be a non-empty list.")
    return Envelope(
        payload_type,
        _unb64(doc["payload"], f"{what} payload"),
        tuple(_parse_signature(s, what) for s in signatures),
    )


def _parse_signature(item: Any, what: str) -> EnvelopeSignature:
    if not isinstance(item, dict) or set(item) != {"keyid", "sig"}:
        raise MalformedEnvelope(f"{what}: each signature must have exactly keyid and sig.")
    if not isinstance(item["keyid"], str) or not item["keyid"]:
        raise MalformedEnvelope(f"{what}: a signature's keyid must be a non-empty string.")
    return EnvelopeSignature(item["keyid"], _unb64(item["sig"], f"{what} signature"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    """Decode standard padded base64, refusing any other spelling of the same bytes."""
    if not isinstance(text, str):
        raise MalformedEnvelope(f"{what} must be a base64 string.")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise MalformedEnvelope(f"{what} is not valid base64.") from None
    if _b64(data) != text:
        raise MalformedEnvelope(f"{what} is not in canonical base64.")
    return data
