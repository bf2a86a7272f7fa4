"""Signing a return and putting it in place, whole or not at all.

The payload is staged in a hidden file beside the destination; ``keys.write_return``
signs it into another hidden file there (``.NAME.<random>.partial``). Only then, with
Ctrl-C and kill held back (:func:`~anonymiser.prepare.interrupts.signals_deferred`), is
the ledger entry recorded, the preview files moved into place and the return renamed to
its name by ``os.replace``, which is atomic on one file system. Hidden files left by a
run that was killed outright (SIGKILL, power loss) are removed by the next run.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from anonymiser.prepare.errors import PrepareError
from anonymiser.prepare.interrupts import signals_deferred
from anonymiser.prepare.ledger import Ledger, LedgerEntry
from keys import ManifestDraft, PayloadFacts, SignedReturn, SigningKey, write_return
from keys.timestamps import format_utc

PARTIAL = ".partial"


def hidden_name(target: Path, purpose: str) -> Path:
    """A hidden file beside ``target``, unique to this run, never named ``*.return``."""
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}.{purpose}{PARTIAL}")


def remove_stale_partials(target: Path) -> list[Path]:
    """Remove hidden files a killed run left beside ``target``; returns what was removed."""
    removed = []
    for leftover in target.parent.glob(f".*{glob.escape(target.name)}.*{PARTIAL}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed


@contextlib.contextmanager
def staged_payload(target: Path) -> Iterator[tuple[Path, BinaryIO]]:
    """A hidden payload file beside ``target``, removed when the block ends."""
    path = hidden_name(target, "payload")
    try:
        with open(path, "xb") as stream:
            yield path, stream
    except OSError as err:
        raise PrepareError(
            f"The return cannot be written in {target.parent} ({err.strerror}): choose a "
            "folder you can write to, with room for the return."
        ) from None
    finally:
        path.unlink(missing_ok=True)


def sign_and_commit(
    payload: Path,
    target: Path,
    *,
    draft: ManifestDraft,
    signing_key: SigningKey,
    compress: bool,
    ledger: Ledger,
    sidecars: Callable[[SignedReturn], Mapping[Path, bytes]],
    now: datetime | None = None,
    measured: PayloadFacts | None = None,
) -> SignedReturn:
    """Sign ``payload`` into ``target``; record it in ``ledger``; write the ``sidecars``."""
    signed_path = hidden_name(target, "return")
    staged: dict[Path, Path] = {}
    try:
        signed = write_return(
            signed_path,
            payload,
            draft=draft,
            signing_key=signing_key,
            compress=compress,
            now=now,
            measured=measured,
        )
        for final, data in sidecars(signed).items():
            staged[final] = hidden_name(target, "preview")
            staged[final].write_bytes(data)
        with signals_deferred():
            ledger.record(_entry(signed, target))
            for final, temp in staged.items():
                os.replace(temp, final)
            os.replace(signed_path, target)
    except OSError as err:
        raise PrepareError(
            f"The return cannot be written to {target} ({err.strerror}): choose a folder you "
            "can write to, with room for the return."
        ) from None
    finally:
        signed_path.unlink(missing_ok=True)
        for temp in staged.values():
            temp.unlink(missing_ok=True)
    return signed


def _entry(signed: SignedReturn, target: Path) -> LedgerEntry:
    manifest = signed.manifest
    return LedgerEntry(
        authority=manifest.authority,
        return_type=manifest.return_type,
        schema_version=manifest.schema_version,
        period=manifest.period,
        sequence=manifest.sequence,
        manifest_sha256=signed.manifest_hash,
        payload_sha256=manifest.payload.sha256,
        rows=manifest.payload.rows,
        created_at=format_utc(manifest.created_at),
        file=str(target.resolve()),
        key_id=manifest.key_id,
        pseudonym_key_version=manifest.pseudonym_key_version,
        supersedes=manifest.supersedes,
    )
