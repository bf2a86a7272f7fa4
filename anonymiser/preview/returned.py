"""Previewing a return file: verify it against this authority's own keys, then read it back.

The signature is checked with the public signing keys in the local keyring (every key
this authority has used, each for the time it was in use), exactly as the hub checks
it (``keys.verify_return``). A return past its expiry is still shown, with a warning
(sign it again before sending); any other failure stops the preview (exit status 2).
What leaves is then read back from the payload itself: every column's filled and
distinct counts, and the first rows. The raw side comes from the preview document
stored beside the return, when it is there and is this return's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from anonymiser.errors import UnusableInput
from anonymiser.preview.document import load_sidecar
from keys import (
    TrustedKey,
    TrustStore,
    VerifiedReturn,
    open_payload,
    parse_manifest,
    verify_return,
)
from keys.errors import Expired, KeysError, VerificationError
from keys.return_file import read_envelope
from keys.timestamps import format_utc, parse_utc, utc_now
from schemas import list_schemas

HEAD_ROWS = 5


class PreviewUnusable(UnusableInput):
    """The return cannot be previewed: unreadable, altered, or not signed by our keys."""


@dataclass(frozen=True)
class ReturnPreview:
    """A verified return's preview document, and whether it has expired."""

    document: dict[str, Any]
    verified: VerifiedReturn
    expired: bool


def preview_return(path: Path, keyring_dir: Path, *, now: datetime | None = None) -> ReturnPreview:
    """Verify ``path`` with the keyring's public keys and build its preview document."""
    trust = local_trust_store(keyring_dir)
    verified, expired = _verified(path, trust, now or utc_now())
    manifest = verified.manifest
    document, note = load_sidecar(path, verified.manifest_hash)
    document = dict(document or {})
    message = (
        f"Signature verified with this authority's key {manifest.key_id}; the payload is "
        f"intact ({manifest.payload.rows:,} rows, sha256 {manifest.payload.sha256[:16]}…)."
    )
    notes = [note] if note else []
    if expired:
        notes.append(
            f"This return expired at {format_utc(manifest.expires_at)}: the hub will refuse "
            "it. Prepare it again with --supersedes."
        )
    document.update(
        return_file=path.name,
        manifest=manifest.to_dict(),
        manifest_sha256=verified.manifest_hash,
        verification={"verified": True, "message": message, "expired": expired},
        payload_summary=payload_summary(path),
        notes=notes,
    )
    return ReturnPreview(document, verified, expired)


def local_trust_store(keyring_dir: Path) -> TrustStore:
    """Every signing key in the keyring's public description, valid while it was in use."""
    path = keyring_dir / "keyring.json"
    try:
        meta = json.loads(path.read_bytes())
        keys = [
            TrustedKey(
                key_id=entry["key_id"],
                authority=meta["authority"],
                public_key=bytes.fromhex(entry["public_key"]),
                valid_from=parse_utc(entry["created_at"], what="created_at"),
                valid_until=(
                    parse_utc(entry["retired_at"], what="retired_at")
                    if entry.get("retired_at")
                    else None
                ),
            )
            for entry in meta["signing_keys"]
        ]
    except FileNotFoundError:
        raise PreviewUnusable(
            f"No keyring in {keyring_dir}: the return's signature cannot be checked. Give "
            "--keyring or set ANONYMISER_KEYRING."
        ) from None
    except (OSError, ValueError, KeyError, TypeError, KeysError):
        raise PreviewUnusable(f"{path} cannot be read as a keyring description.") from None
    return TrustStore(keys)


def _verified(path: Path, trust: TrustStore, now: datetime) -> tuple[VerifiedReturn, bool]:
    known = _known_schemas()
    try:
        return verify_return(path, trust=trust, known_schemas=known, now=now), False
    except Expired:
        pass
    except OSError as err:
        raise PreviewUnusable(f"{path} cannot be read ({err.strerror}).") from None
    except VerificationError as err:
        raise PreviewUnusable(f"{path.name} does not verify: {err}") from None
    with open(path, "rb") as stream:
        expires = parse_manifest(read_envelope(stream).payload).expires_at
    return verify_return(path, trust=trust, known_schemas=known, now=expires), True


def _known_schemas() -> dict[str, set[int]]:
    known: dict[str, set[int]] = {}
    for return_type, version in list_schemas():
        known.setdefault(return_type, set()).add(version)
    return known


def payload_summary(path: Path) -> dict[str, Any]:
    """Each column that leaves: how many cells are filled, how many distinct values; and
    the first rows."""
    with open_payload(path) as stream:
        table = _read_csv(stream)
    columns = []
    for name in table.column_names:
        column = table[name]
        filled = pc.and_(pc.is_valid(column), pc.not_equal(column, ""))
        columns.append(
            {
                "column": name,
                "filled": int(pc.sum(filled).as_py() or 0),
                "distinct": int(pc.count_distinct(pc.filter(column, filled)).as_py()),
            }
        )
    head = table.slice(0, HEAD_ROWS).to_pylist()
    rows = [[row[name] for name in table.column_names] for row in head]
    return {
        "rows": table.num_rows,
        "columns": columns,
        "head": {"columns": table.column_names, "rows": rows},
    }


def _read_csv(stream: Any) -> pa.Table:
    """The payload CSV with every column read as text (empty cells as empty text)."""
    data = stream.read()
    names = pcsv.read_csv(
        pa.BufferReader(data.split(b"\n", 1)[0] + b"\n"),
    ).column_names
    return pcsv.read_csv(
        pa.BufferReader(data),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in names}, strings_can_be_null=False
        ),
    )
