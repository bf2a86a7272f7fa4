"""Receiving an upload: stream it to a staged file while ``keys`` verifies it, in one pass.

The request body is read through a :class:`Tee` that copies every byte to the staged
file as :func:`keys.verify_return` consumes it: the header is checked as soon as it
arrives, the payload is hashed and row-counted as it streams, and reading stops one
byte after the length the manifest states (enough to tell an over-long file). The hub
never holds a return in memory, and reads no more than the size cap allows.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, cast

from exchange.returns.errors import NotVerified
from keys import TrustStore, VerifiedReturn, manifest_hash, parse_manifest, verify_return
from keys.errors import KeysError, VerificationError
from keys.return_file import read_envelope


class Tee(io.RawIOBase):
    """A readable stream that copies what is read from ``source`` into ``sink``."""

    def __init__(self, source: BinaryIO, sink: BinaryIO) -> None:
        super().__init__()
        self._source, self._sink = source, sink
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._source.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self._sink.write(data)
        self.count += size
        return size


@dataclass(frozen=True)
class Claim:
    """What an upload says about itself, read without trusting it (for refusal records)."""

    authority: str | None = None
    return_type: str | None = None
    period: str | None = None
    sequence: int | None = None
    manifest_hash: str | None = None


@dataclass(frozen=True)
class ReceivedReturn:
    """An upload that passed ``keys`` verification, staged on disk."""

    verified: VerifiedReturn
    staged: Path
    size: int
    received_at: datetime


def receive(
    body: BinaryIO,
    *,
    staged: tuple[Path, BinaryIO],
    trust: TrustStore,
    known_schemas: dict[str, set[int]],
    now: datetime,
    skew: timedelta,
) -> tuple[VerifiedReturn, int]:
    """Stream ``body`` into the staged file while verifying it; the result and bytes read.

    Raises :class:`NotVerified` (reason: the ``keys`` error, in snake case) on any
    verification failure.
    """
    _, sink = staged
    tee = Tee(body, sink)  # unbuffered: nothing is read beyond what verification asks for
    try:
        verified = verify_return(cast(BinaryIO, tee), trust=trust, known_schemas=known_schemas,
                                 now=now, skew=skew)  # fmt: skip
    except VerificationError as err:
        raise NotVerified(
            f"The return was refused: {err}", reason=snake_case(type(err).__name__)
        ) from None
    finally:
        sink.flush()
    return verified, tee.count


def read_claim(path: Path) -> Claim:
    """What a staged upload claims in its manifest, without checking its signature."""
    try:
        with open(path, "rb") as stream:
            envelope = read_envelope(stream)
        manifest = parse_manifest(envelope.payload)
    except (KeysError, OSError, ValueError):
        return Claim()
    return Claim(
        authority=manifest.authority,
        return_type=manifest.return_type,
        period=manifest.period,
        sequence=manifest.sequence,
        manifest_hash=manifest_hash(envelope.payload),
    )


def snake_case(name: str) -> str:
    """``PayloadHashMismatch`` -> ``payload_hash_mismatch``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
