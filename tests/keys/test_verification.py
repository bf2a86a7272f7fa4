"""Every attack in the issue's "Bad input" list is refused, each with its own error."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import io
import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from keys import (
    KEY_REVOKED_AFTER_SIGNING,
    MAGIC,
    RETURN_PAYLOAD_TYPE,
    Revocation,
    SigningKey,
    TrustStore,
    parse_manifest,
    verify_return,
)
from keys.envelope import sign_envelope
from keys.errors import (
    BadSignature,
    DuplicateJsonKey,
    Expired,
    InvalidUtf8,
    KeyNotValidAtSigning,
    MalformedEnvelope,
    MalformedManifest,
    MalformedPayload,
    ManifestKeyMismatch,
    NotYetValid,
    PayloadHashMismatch,
    PayloadTooLong,
    PayloadTruncated,
    RevokedKey,
    RowCountMismatch,
    UnknownKey,
    UnknownPayloadType,
    UnknownReturnType,
    UnknownSchemaVersion,
    VerificationError,
    WrongAuthorityKey,
)
from keys.strict_json import canonical_json


def craft(
    manifest: dict[str, Any] | bytes,
    payload: bytes,
    key: SigningKey,
    *,
    payload_type: str = RETURN_PAYLOAD_TYPE,
    keys: list[SigningKey] | None = None,
) -> bytes:
    """A return file built by hand, validly signed over whatever manifest bytes are given."""
    manifest_bytes = manifest if isinstance(manifest, bytes) else canonical_json(manifest)
    envelope = sign_envelope(payload_type, manifest_bytes, keys or [key])
    return MAGIC + envelope.to_json() + b"\n" + payload


def parts(data: bytes) -> tuple[dict[str, Any], bytes]:
    """The manifest (as a dict) and the payload of a return file."""
    _magic, line, payload = data.split(b"\n", 2)
    manifest_bytes = base64.b64decode(json.loads(line)["payload"])
    return parse_manifest(manifest_bytes).to_dict(), payload


@pytest.fixture
def verify(trust: TrustStore, known, now):
    def run(data: bytes, **options: Any):
        settings = {"trust": trust, "known_schemas": known, "now": now, **options}
        return verify_return(io.BytesIO(data), **settings)

    return run


def test_every_changed_byte_of_the_manifest_breaks_the_signature(sign_return, verify) -> None:
    """Changing any one byte of the exact manifest bytes (signature kept) is BadSignature."""
    data = sign_return()
    magic, line, payload = data.split(b"\n", 2)
    envelope = json.loads(line)
    manifest = base64.b64decode(envelope["payload"])
    for index in range(len(manifest)):
        changed = bytearray(manifest)
        changed[index] ^= 0x01
        envelope["payload"] = base64.b64encode(bytes(changed)).decode()
        forged = magic + b"\n" + canonical_json(envelope) + b"\n" + payload
        with pytest.raises(BadSignature):
            verify(forged)


def test_every_changed_byte_of_the_header_is_refused(sign_return, verify) -> None:
    """Flipping any byte of the magic or envelope line is refused with a VerificationError."""
    data = sign_return(payload=b"a,b\n1,2\n")
    header_length = data.index(b"\n", len(MAGIC)) + 1
    for index in range(header_length):
        changed = bytearray(data)
        changed[index] ^= 0x01
        with pytest.raises(VerificationError):
            verify(bytes(changed))


@pytest.mark.parametrize("compress", [False, True])
def test_every_changed_byte_of_the_payload_is_refused(sign_return, verify, compress) -> None:
    """Changing any payload byte, plain or gzipped, is a PayloadHashMismatch."""
    data = sign_return(payload=b"a,b\n1,2\n3,4\n", compress=compress)
    start = data.index(b"\n", len(MAGIC)) + 1
    for index in range(start, len(data)):
        changed = bytearray(data)
        changed[index] ^= 0x80
        with pytest.raises(PayloadHashMismatch):
            verify(bytes(changed))


def test_another_authoritys_key_cannot_sign_for_this_authority(
    sign_return, verify, leicester_key
) -> None:
    """Leicester's (registered, valid) key signing a manifest that claims Derby is refused."""
    with pytest.raises(WrongAuthorityKey, match="E06000016"):
        verify(sign_return(signing_key=leicester_key))


def test_a_manifest_naming_another_key_than_its_signer_is_refused(
    sign_return, verify, leicester_key
) -> None:
    """Signing Derby's manifest (naming Derby's key) with Leicester's key is refused."""
    manifest, payload = parts(sign_return())
    with pytest.raises(ManifestKeyMismatch):
        verify(craft(manifest, payload, leicester_key))


def test_a_signature_claiming_anothers_key_id_is_refused(
    sign_return, verify, derby_key, leicester_key
) -> None:
    """An envelope that names Derby's key id but carries Leicester's signature is refused."""
    manifest, payload = parts(sign_return())
    envelope = sign_envelope(RETURN_PAYLOAD_TYPE, canonical_json(manifest), [leicester_key])
    line = envelope.to_json().replace(leicester_key.key_id.encode(), derby_key.key_id.encode())
    forged = MAGIC + line + b"\n" + payload
    with pytest.raises(BadSignature):
        verify(forged)


def test_an_unknown_key_is_refused(sign_return, verify, key_factory) -> None:
    """A key that was never registered is refused before the manifest is read."""
    with pytest.raises(UnknownKey):
        verify(sign_return(signing_key=key_factory("stranger")))


def test_a_key_revoked_before_signing_is_refused(sign_return, verify, trust, derby_key, now):
    """A return signed after its key's revocation is refused."""
    revoked = trust.with_revocation(Revocation(derby_key.key_id, now - timedelta(hours=1), "lost"))
    with pytest.raises(RevokedKey):
        verify(sign_return(), trust=revoked)


def test_a_key_revoked_after_signing_still_verifies_but_is_flagged(
    sign_return, verify, trust, derby_key, now
) -> None:
    """A return signed before revocation stays verifiable and carries the flag."""
    revoked = trust.with_revocation(Revocation(derby_key.key_id, now + timedelta(hours=1), "lost"))
    result = verify(sign_return(), trust=revoked, now=now + timedelta(hours=2))
    assert result.flags == (KEY_REVOKED_AFTER_SIGNING,)


def test_a_key_rotated_out_cannot_sign_later_returns(
    sign_return, verify, trust, derby_key, now
) -> None:
    """Signing after the key's validity ended (rotation) is KeyNotValidAtSigning."""
    key = trust.get(derby_key.key_id)
    assert key is not None
    ended = trust.with_key(dataclasses.replace(key, valid_until=now - timedelta(days=1)))
    with pytest.raises(KeyNotValidAtSigning):
        verify(sign_return(), trust=ended)


def test_a_wrong_payload_type_is_refused(sign_return, verify, derby_key) -> None:
    """An envelope with another payload type is refused even though its signature is good."""
    manifest, payload = parts(sign_return())
    with pytest.raises(UnknownPayloadType):
        verify(craft(manifest, payload, derby_key, payload_type="application/json"))


def test_an_unknown_return_type_is_refused(sign_return, verify, draft) -> None:
    """A return type that is not agreed is refused."""
    unknown = dataclasses.replace(draft, return_type="salaries")
    with pytest.raises(UnknownReturnType):
        verify(sign_return(draft=unknown))


def test_an_unknown_schema_version_is_refused(sign_return, verify, draft) -> None:
    """An agreed return type at a schema version that is not agreed is refused."""
    with pytest.raises(UnknownSchemaVersion):
        verify(sign_return(draft=dataclasses.replace(draft, schema_version=2)))


def test_a_truncated_payload_is_refused(sign_return, verify) -> None:
    """A file cut short, even by one byte, is PayloadTruncated."""
    data = sign_return()
    for cut in (1, 100):
        with pytest.raises(PayloadTruncated):
            verify(data[:-cut])


def test_an_over_long_payload_is_refused(sign_return, verify) -> None:
    """Bytes after the stated payload length are PayloadTooLong."""
    with pytest.raises(PayloadTooLong):
        verify(sign_return() + b"9,9,9\n")


def test_duplicate_keys_in_the_signed_manifest_are_refused(sign_return, verify, derby_key):
    """A validly signed manifest with a key twice is refused as DuplicateJsonKey."""
    manifest, payload = parts(sign_return())
    text = canonical_json(manifest)
    doubled = text[:-1] + b',"authority":"E06000016"}'
    with pytest.raises(DuplicateJsonKey):
        verify(craft(doubled, payload, derby_key))


def test_duplicate_keys_in_the_envelope_are_refused(sign_return, verify) -> None:
    """An envelope line with a key twice is refused as DuplicateJsonKey."""
    data = sign_return()
    forged = data.replace(b'{"payload":', b'{"payloadType":"x","payload":', 1)
    with pytest.raises(DuplicateJsonKey):
        verify(forged)


def test_invalid_utf8_in_the_signed_manifest_is_refused(sign_return, verify, derby_key) -> None:
    """A validly signed manifest that is not UTF-8 is refused as InvalidUtf8."""
    manifest, payload = parts(sign_return())
    broken = canonical_json(manifest).replace(b'"2026-Q2"', b'"2026-Q\xff"')
    with pytest.raises(InvalidUtf8):
        verify(craft(broken, payload, derby_key))


def test_invalid_utf8_in_the_envelope_is_refused(sign_return, verify) -> None:
    """An envelope line that is not UTF-8 is refused as InvalidUtf8."""
    data = sign_return()
    forged = data.replace(b'"payloadType":"', b'"payloadType":"\xc3(', 1)
    with pytest.raises(InvalidUtf8):
        verify(forged)


def test_an_expired_return_is_refused(sign_return, verify, now) -> None:
    """After expiry plus the allowed skew, a return is refused."""
    data = sign_return(lifetime=timedelta(days=14))
    verify(data, now=now + timedelta(days=14, minutes=4))
    with pytest.raises(Expired):
        verify(data, now=now + timedelta(days=14, minutes=6))


def test_a_return_from_the_future_is_refused(sign_return, verify, now) -> None:
    """A creation time beyond now plus the allowed skew is NotYetValid."""
    data = sign_return(now=now + timedelta(minutes=10))
    with pytest.raises(NotYetValid):
        verify(data)
    verify(data, skew=timedelta(minutes=15))


def test_a_lying_row_count_is_refused(sign_return, verify, derby_key) -> None:
    """A signed manifest whose row count differs from the payload's is refused."""
    manifest, payload = parts(sign_return())
    manifest["payload"]["rows"] += 1
    with pytest.raises(RowCountMismatch):
        verify(craft(manifest, payload, derby_key))


def test_a_signed_but_broken_gzip_payload_is_refused(sign_return, verify, derby_key) -> None:
    """A gzip payload that hashes correctly but does not decompress is MalformedPayload."""
    manifest, _payload = parts(sign_return(compress=True))
    broken = gzip.compress(b"a,b\n1,2\n", mtime=0)[:-6]
    manifest["payload"].update(sha256=hashlib.sha256(broken).hexdigest(), length=len(broken))
    with pytest.raises(MalformedPayload, match="incomplete"):
        verify(craft(manifest, broken, derby_key))


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("sequence", 0),
        ("sequence", True),
        ("nonce", "00" * 8),
        ("authority", "Derby"),
        ("supersedes", "not-a-hash"),
        ("created_at", "2026-07-01 09:30:00"),
        ("unexpected", 1),
    ],
)
def test_malformed_manifest_fields_are_refused(
    sign_return, verify, derby_key, change: str, value: object
) -> None:
    """Each field must have its documented type; extra fields are refused."""
    manifest, payload = parts(sign_return())
    manifest[change] = value
    with pytest.raises(MalformedManifest):
        verify(craft(manifest, payload, derby_key))


def test_a_return_with_two_signatures_is_refused(sign_return, verify, derby_key, leicester_key):
    """A return is signed by exactly one key."""
    manifest, payload = parts(sign_return())
    with pytest.raises(MalformedEnvelope):
        verify(craft(manifest, payload, derby_key, keys=[derby_key, leicester_key]))


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04", MAGIC, MAGIC + b"{" + b" " * 70_000 + b"}\n", b"a,b\n1,2\n"],
)
def test_files_that_are_not_returns_are_refused(verify, data: bytes) -> None:
    """Empty files, spreadsheets, bare CSV and oversized envelopes are MalformedEnvelope."""
    with pytest.raises(MalformedEnvelope):
        verify(data)


def test_a_time_without_a_zone_is_refused(sign_return, trust, known) -> None:
    """The verifier's clock must be timezone-aware."""
    with pytest.raises(ValueError, match="time zone"):
        verify_return(
            io.BytesIO(sign_return()), trust=trust, known_schemas=known, now=datetime(2026, 7, 1)
        )


def test_messages_carry_no_payload_content(sign_return, verify, csv_payload) -> None:
    """A refusal's message says what failed without quoting the payload."""
    data = sign_return()
    with pytest.raises(PayloadHashMismatch) as caught:
        verify(data[:-3] + b"XYZ")
    assert csv_payload[:20].decode() not in str(caught.value)
