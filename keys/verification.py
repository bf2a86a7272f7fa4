"""Verifying a return file: the one function the hub and offline verifiers share.

Checks, in this order (each failure its own exception, see :mod:`keys.errors`):

1. the file starts with the magic line and a well-formed envelope line;
2. the envelope's payload type is the return manifest's, with exactly one signature;
3. the signing key id is in the trust store;
4. the signature verifies over PAE(payload type, exact manifest bytes);
5. only then is the manifest parsed, strictly; its key id must be the signer's;
6. the key belongs to the claimed authority and was in use, unrevoked, when the
   manifest says it was signed (revoked later: accepted and flagged);
7. the return type and schema version are agreed ones;
8. ``now`` lies between creation and expiry, give or take ``skew``;
9. the payload is streamed once: exactly the stated length, the stated sha256, a
   readable gzip stream if gzipped, and the stated row count.

Replays and sequence numbers need state, so they are the hub's: the manifest hash,
nonce, authority, return type, period and sequence are returned for it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from keys.envelope import Envelope
from keys.errors import (
    Expired,
    MalformedEnvelope,
    MalformedPayload,
    ManifestKeyMismatch,
    NotYetValid,
    PayloadHashMismatch,
    PayloadTooLong,
    PayloadTruncated,
    RowCountMismatch,
    UnknownKey,
    UnknownPayloadType,
    UnknownReturnType,
    UnknownSchemaVersion,
)
from keys.manifest import RETURN_PAYLOAD_TYPE, Manifest, manifest_hash, parse_manifest
from keys.payload import CHUNK, PayloadMeter
from keys.return_file import read_envelope
from keys.signing import verify_signature
from keys.timestamps import format_utc, require_aware
from keys.trust import TrustedKey, TrustStore

DEFAULT_SKEW = timedelta(minutes=5)

KnownSchemas = Mapping[str, Collection[int]]
"""Agreed return types and, for each, the schema versions accepted."""


@dataclass(frozen=True)
class VerifiedReturn:
    """A return that passed every check, with what the hub needs to record it."""

    manifest: Manifest
    manifest_bytes: bytes
    manifest_hash: str
    key: TrustedKey
    flags: tuple[str, ...]


def verify_return(
    source: Path | str | BinaryIO,
    *,
    trust: TrustStore,
    known_schemas: KnownSchemas,
    now: datetime,
    skew: timedelta = DEFAULT_SKEW,
    payload_sink: BinaryIO | None = None,
) -> VerifiedReturn:
    """Verify a return file (a path or a binary stream) and return its manifest.

    ``payload_sink``, if given, receives the stored payload bytes as they are checked;
    discard what it received if verification raises.
    """
    require_aware(now)
    if isinstance(source, Path | str):
        with open(source, "rb") as stream:
            return _verify_stream(stream, trust, known_schemas, now, skew, payload_sink)
    return _verify_stream(source, trust, known_schemas, now, skew, payload_sink)


def _verify_stream(
    stream: BinaryIO,
    trust: TrustStore,
    known_schemas: KnownSchemas,
    now: datetime,
    skew: timedelta,
    sink: BinaryIO | None,
) -> VerifiedReturn:
    envelope = read_envelope(stream)
    key = _signer(envelope, trust)
    manifest = parse_manifest(envelope.payload)
    if manifest.key_id != key.key_id:
        raise ManifestKeyMismatch(
            f"The manifest names key {manifest.key_id} but was signed by {key.key_id}."
        )
    flags = key.check_signed_at(manifest.authority, manifest.created_at)
    _check_schema(manifest, known_schemas)
    _check_window(manifest, now, skew)
    _check_payload(stream, manifest, sink)
    return VerifiedReturn(manifest, envelope.payload, manifest_hash(envelope.payload), key, flags)


def _signer(envelope: Envelope, trust: TrustStore) -> TrustedKey:
    """The trusted key whose signature over the exact manifest bytes verifies."""
    if envelope.payload_type != RETURN_PAYLOAD_TYPE:
        raise UnknownPayloadType(
            f"The envelope's payload type {envelope.payload_type!r} is not "
            f"{RETURN_PAYLOAD_TYPE!r}; this may need a newer version of the software."
        )
    if len(envelope.signatures) != 1:
        raise MalformedEnvelope("A return is signed by exactly one key.")
    signature = envelope.signatures[0]
    key = trust.get(signature.key_id)
    if key is None:
        raise UnknownKey(
            f"The return is signed with key {signature.key_id}, which is not registered. "
            "Register the authority's public key with the hub, or sign with a registered key."
        )
    verify_signature(key.public_key, envelope.signed_bytes(), signature.signature)
    return key


def _check_schema(manifest: Manifest, known_schemas: KnownSchemas) -> None:
    versions = known_schemas.get(manifest.return_type)
    if versions is None:
        raise UnknownReturnType(
            f"The return type {manifest.return_type!r} is not an agreed one "
            f"(agreed: {', '.join(sorted(known_schemas))})."
        )
    if manifest.schema_version not in versions:
        raise UnknownSchemaVersion(
            f"{manifest.return_type} schema version {manifest.schema_version} is not agreed "
            f"(agreed: {', '.join(str(v) for v in sorted(versions))})."
        )


def _check_window(manifest: Manifest, now: datetime, skew: timedelta) -> None:
    if manifest.created_at > now + skew:
        raise NotYetValid(
            f"The return says it was created at {format_utc(manifest.created_at)}, "
            f"after now ({format_utc(now)}); check the signing computer's clock."
        )
    if now > manifest.expires_at + skew:
        raise Expired(
            f"The return expired at {format_utc(manifest.expires_at)}; sign it again "
            "with a new sequence number."
        )


def _check_payload(stream: BinaryIO, manifest: Manifest, sink: BinaryIO | None) -> None:
    stated = manifest.payload
    meter = PayloadMeter(stated.format)
    remaining = stated.length
    while remaining:
        chunk = stream.read(min(CHUNK, remaining))
        if not chunk:
            raise PayloadTruncated(
                f"The payload ends after {stated.length - remaining:,} of the "
                f"{stated.length:,} bytes the manifest states; the file was cut short."
            )
        meter.add_stored(chunk)
        if sink is not None:
            sink.write(chunk)
        remaining -= len(chunk)
    if stream.read(1):
        raise PayloadTooLong(
            f"The file carries more than the {stated.length:,} payload bytes the manifest states."
        )
    _compare(meter, manifest)


def _compare(meter: PayloadMeter, manifest: Manifest) -> None:
    found, stated = meter.facts(), manifest.payload
    if found.sha256 != stated.sha256:
        raise PayloadHashMismatch(
            "The payload's sha256 differs from the signed manifest's: the payload was altered."
        )
    if meter.problem is not None:
        raise MalformedPayload(f"The payload cannot be read: {meter.problem}.")
    if found.rows != stated.rows:
        raise RowCountMismatch(
            f"The payload has {found.rows:,} rows but the manifest states {stated.rows:,}."
        )
