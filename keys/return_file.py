"""Writing a signed return file, and reading its parts back (docs/return-format.md).

A return file is three parts, one after the other::

    REGIONAL-EXCHANGE-RETURN/1 LF          the magic line (27 bytes)
    <envelope JSON> LF                     one line, at most 65,536 bytes with its LF
    <payload>                              exactly manifest.payload.length bytes, then EOF

The header comes first, so a verifier streams the payload once, hashing as it reads.
The writer therefore measures the payload before it writes: a payload file is read
twice (and refused if it changed in between, by hashing both reads); streamed chunks
are staged in a temporary file.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import secrets
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, BinaryIO

from keys.envelope import Envelope, parse_envelope, sign_envelope
from keys.errors import MalformedEnvelope
from keys.manifest import (
    RETURN_PAYLOAD_TYPE,
    Manifest,
    ManifestDraft,
    PayloadFacts,
    manifest_hash,
    parse_manifest,
)
from keys.payload import CHUNK, PayloadMeter
from keys.signing import SigningKey
from keys.timestamps import require_aware, utc_now

MAGIC = b"REGIONAL-EXCHANGE-RETURN/1\n"
MAX_ENVELOPE_LINE = 65_536
DEFAULT_LIFETIME = timedelta(days=14)

PayloadSource = Path | str | BinaryIO | Iterable[bytes]


@dataclass(frozen=True)
class SignedReturn:
    """What the writer signed: the manifest, its exact bytes and its hash."""

    manifest: Manifest
    manifest_bytes: bytes
    manifest_hash: str


def write_return(
    destination: Path | str | BinaryIO,
    payload: PayloadSource,
    *,
    draft: ManifestDraft,
    signing_key: SigningKey,
    compress: bool = False,
    now: datetime | None = None,
    lifetime: timedelta = DEFAULT_LIFETIME,
    nonce: bytes | None = None,
    measured: PayloadFacts | None = None,
) -> SignedReturn:
    """Measure, sign and write a return file; the payload is CSV bytes, streamed.

    ``payload`` is a CSV file path, a binary stream or an iterable of byte chunks;
    ``compress`` stores it gzipped. ``now`` and ``nonce`` (16 bytes) are for
    reproducible test vectors; by default the clock and a random nonce are used. A
    draft field not of its documented form raises :class:`keys.errors.MalformedManifest`
    before anything is written.

    ``measured`` is for a writer that measured a payload file as it wrote it
    (:class:`keys.payload.PayloadMeter`): the file is then read once, not twice. The
    bytes written are hashed all the same, and must match it, or nothing is written.
    """
    created = require_aware(now or utc_now()).replace(microsecond=0)
    nonce = secrets.token_bytes(16) if nonce is None else nonce
    if len(nonce) != 16:
        raise ValueError("the nonce is 16 bytes (128 bits)")
    with _measured(payload, compress, measured) as (facts, stored):
        manifest = Manifest.from_draft(
            draft,
            key_id=signing_key.key_id,
            created_at=created,
            expires_at=created + lifetime,
            nonce=nonce.hex(),
            payload=facts,
        )
        manifest_bytes = manifest.to_json()
        envelope = sign_envelope(RETURN_PAYLOAD_TYPE, manifest_bytes, [signing_key])
        _write(destination, MAGIC + envelope.to_json() + b"\n", stored, facts)
    return SignedReturn(manifest, manifest_bytes, manifest_hash(manifest_bytes))


def read_envelope(stream: BinaryIO) -> Envelope:
    """Read the magic line and the envelope line; the stream is left at the payload."""
    magic = stream.readline(len(MAGIC))
    if magic != MAGIC:
        raise MalformedEnvelope(
            "This is not a return file (it does not start REGIONAL-EXCHANGE-RETURN/1)."
        )
    line = stream.readline(MAX_ENVELOPE_LINE + 1)
    if not line.endswith(b"\n"):
        too_long = len(line) > MAX_ENVELOPE_LINE
        raise MalformedEnvelope(
            "The return's envelope line is longer than 65,536 bytes."
            if too_long
            else "The return file ends inside its envelope line."
        )
    return parse_envelope(line[:-1], what="the return envelope")


def open_payload(source: Path | str, *, decompress: bool = True) -> io.BufferedIOBase:
    """The payload of a return file as a binary stream (gunzipped unless asked not to).

    This does not verify anything: call :func:`keys.verify_return` first.
    """
    stream = open(source, "rb")  # noqa: SIM115 - handed to the caller, who closes it
    try:
        gzipped = parse_manifest(read_envelope(stream).payload).payload.format == "csv+gzip"
    except BaseException:
        stream.close()
        raise
    return _GunzippedPayload(stream) if decompress and gzipped else stream


class _GunzippedPayload(gzip.GzipFile):
    """A gunzipping reader that also closes the return file under it."""

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__(fileobj=stream, mode="rb")
        self._return_file = stream

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._return_file.close()


class _measured:
    """Context: the payload's facts and a readable stream of its stored bytes."""

    def __init__(
        self, payload: PayloadSource, compress: bool, measured: PayloadFacts | None = None
    ) -> None:
        self._payload, self._compress, self._measured = payload, compress, measured
        self._stream: BinaryIO | None = None

    def __enter__(self) -> tuple[PayloadFacts, BinaryIO]:
        if isinstance(self._payload, Path | str) and not self._compress:
            stream: BinaryIO = open(self._payload, "rb")
            self._stream = stream
            if self._measured is not None and self._measured.format == "csv":
                return self._measured, stream
            meter = PayloadMeter("csv")
            for chunk in _chunks(stream):
                meter.add_stored(chunk)
            stream.seek(0)
            return meter.facts(), stream
        self._stream = tempfile.TemporaryFile()
        facts = _stage(_source_chunks(self._payload), self._stream, self._compress)
        self._stream.seek(0)
        return facts, self._stream

    def __exit__(self, *exc: object) -> None:
        if self._stream is not None:
            self._stream.close()


def _stage(chunks: Iterable[bytes], staging: BinaryIO, compress: bool) -> PayloadFacts:
    meter = PayloadMeter("csv+gzip" if compress else "csv")
    deflater = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS) if compress else None
    for chunk in chunks:
        if deflater is None:
            meter.add_stored(chunk)
            staging.write(chunk)
            continue
        meter.add_csv(chunk)
        stored = deflater.compress(chunk)
        meter.add_stored(stored, count_rows=False)
        staging.write(stored)
    if deflater is not None:
        tail = deflater.flush()
        meter.add_stored(tail, count_rows=False)
        staging.write(tail)
    return meter.facts()


def _write(
    destination: Path | str | BinaryIO, header: bytes, stored: BinaryIO, facts: PayloadFacts
) -> None:
    if not isinstance(destination, Path | str):
        _copy(header, stored, destination, facts)
        return
    target = Path(destination)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.partial")
    try:
        with open(temp, "xb") as out:
            _copy(header, stored, out, facts)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _copy(header: bytes, stored: BinaryIO, out: BinaryIO, facts: PayloadFacts) -> None:
    """Write header and payload, re-hashing the payload: what was signed is what is written."""
    out.write(header)
    digest = hashlib.sha256()
    length = 0
    for chunk in _chunks(stored):
        out.write(chunk)
        digest.update(chunk)
        length += len(chunk)
    if digest.hexdigest() != facts.sha256 or length != facts.length:
        raise ValueError("the payload changed while the return was being written; write it again")


def _source_chunks(payload: PayloadSource) -> Iterator[bytes]:
    if isinstance(payload, Path | str):
        with open(payload, "rb") as stream:
            yield from _chunks(stream)
    elif hasattr(payload, "read"):
        yield from _chunks(payload)  # type: ignore[arg-type]
    else:
        yield from payload


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk
