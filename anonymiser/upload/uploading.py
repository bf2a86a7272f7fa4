"""Uploading a signed return and keeping the hub's receipt beside it.

The return file is streamed to the hub as it is on disk (the hub verifies exactly what
was signed). Success is reported only once the hub's receipt has been checked with the
hub's public key (:func:`keys.verify_receipt`: the hub's signature, its signed audit
checkpoint, and the proof that the audit log records this return) and found to describe
this very return — manifest hash, authority, type, period, sequence and rows. The
receipt is then saved next to the return as ``<name>.receipt.json``.

Sending the same return again (after a lost answer, a crash, or by mistake) is safe:
the hub keeps one copy and answers with the receipt it gave the first time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anonymiser.upload.client import HubClient, Notice, RetryPolicy, refuse_unless_ok, with_retries
from anonymiser.upload.errors import ReceiptRefused, UploadError
from anonymiser.upload.settings import HubConnection
from keys import Manifest, Receipt, manifest_hash, parse_manifest, verify_receipt
from keys.errors import KeysError, ReceiptInvalid
from keys.return_file import read_envelope
from keys.strict_json import canonical_json


@dataclass(frozen=True)
class Uploaded:
    """A return the hub holds, with its verified receipt and where that was saved."""

    receipt: Receipt
    receipt_path: Path
    replayed: bool
    status: str


def receipt_path_for(return_file: Path) -> Path:
    """``derby-2026-Q2.return`` -> ``derby-2026-Q2.receipt.json`` (same folder)."""
    stem = return_file.name.removesuffix(".return")
    return return_file.with_name(f"{stem}.receipt.json")


def read_manifest(return_file: Path) -> tuple[Manifest, str]:
    """The manifest a return file states, and its hash (the hub checks the signature)."""
    try:
        with open(return_file, "rb") as stream:
            envelope = read_envelope(stream)
        return parse_manifest(envelope.payload), manifest_hash(envelope.payload)
    except (OSError, KeysError) as err:
        raise UploadError(
            f"{return_file} is not a return file the hub can take ({err}). Prepare it with "
            "`anonymiser prepare`."
        ) from None


def upload_return(
    return_file: Path,
    *,
    connection: HubConnection,
    policy: RetryPolicy | None = None,
    notice: Notice | None = None,
) -> Uploaded:
    """Upload ``return_file``; the verified receipt, saved beside it."""
    manifest, expected = read_manifest(return_file)
    with HubClient(connection) as client:
        response = with_retries(lambda: client.upload(return_file),
                                policy=policy or RetryPolicy(), notice=notice)  # fmt: skip
    answer = refuse_unless_ok(response, doing="the return")
    data = canonical_json(answer.get("receipt"))
    receipt = check_receipt(data, connection=connection, manifest=manifest, expected=expected)
    path = receipt_path_for(return_file)
    _write_atomically(path, data + b"\n")
    return Uploaded(receipt, path, bool(answer.get("replayed")), str(answer.get("status")))


def check_receipt(
    data: bytes, *, connection: HubConnection, manifest: Manifest, expected: str
) -> Receipt:
    """The receipt, verified with the hub key and matched against the return sent."""
    try:
        receipt = verify_receipt(data, hub_public_key=connection.hub_key)
    except ReceiptInvalid as err:
        raise ReceiptRefused(
            f"The hub's receipt failed verification, so the upload is not confirmed: {err} "
            "Check ANONYMISER_HUB_KEY, and tell the hub administrator."
        ) from None
    stated: dict[str, Any] = {
        "manifest hash": (receipt.manifest_hash, expected),
        "authority": (receipt.authority, manifest.authority),
        "return type": (receipt.return_type, manifest.return_type),
        "period": (receipt.period, manifest.period),
        "sequence": (receipt.sequence, manifest.sequence),
        "rows": (receipt.rows, manifest.payload.rows),
    }
    wrong = [name for name, (got, sent) in stated.items() if got != sent]
    if wrong:
        raise ReceiptRefused(
            f"The hub's receipt is for a different return (its {', '.join(wrong)} differ "
            "from the file sent), so the upload is not confirmed. Tell the hub administrator."
        )
    return receipt


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.partial")
    with open(temporary, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
