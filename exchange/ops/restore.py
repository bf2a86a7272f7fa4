"""``exchange restore``: put a backup back, then prove that what came back is what was saved.

Nothing is touched until the manifest's SHA-256 of every file matches, the backup's
database kind matches the configured database, and the database and returns folder
are empty (``--force`` replaces them). Then the database is restored (``pg_restore``
in one transaction, or SQLite's backup API), the return files are unpacked, and
:func:`verify_restored` checks, with the hub's public key:

- the audit log, as ``exchange audit verify`` does, from the entries' own bodies, and
  that its first ``tree_size`` entries have the root the manifest recorded;
- every receipt the hub gave (:func:`keys.receipt.verify_receipt`), and that the entry
  each receipt proves is the entry in the restored log;
- every kept return's file is there, at its recorded size.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from exchange.audit import merkle
from exchange.audit.export import build_export
from exchange.audit.models import AuditEntry
from exchange.audit.verify import AuditVerificationFailed, verify_export
from exchange.ops.backup import (
    MANIFEST_FILE,
    MANIFEST_FORMAT,
    BackupError,
    file_digest,
    postgres_command,
)
from exchange.returns.models import Return
from exchange.returns.storage import INCOMING, ReturnStore
from keys.errors import VerificationError
from keys.receipt import verify_receipt
from keys.transparency import VerifierKey, leaf_hash


@dataclass
class RestoreReport:
    """What the checks after a restore covered."""

    audit_entries: int = 0
    audit_verified_size: int = 0
    audit_root: str = ""
    uncovered_entries: int = 0
    receipts: int = 0
    returns_kept: int = 0
    return_files: int = 0
    warnings: list[str] = field(default_factory=list)


def read_backup(folder: Path) -> dict[str, Any]:
    """The backup's manifest, once every file it lists has its recorded size and SHA-256."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST_FILE}: it is not a hub backup.") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{folder / MANIFEST_FILE} is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{folder / MANIFEST_FILE} is not a {MANIFEST_FORMAT} manifest.")
    problems = []
    for name, expected in sorted(manifest["files"].items()):
        path = folder / name
        if Path(name).name != name or not path.is_file():
            problems.append(f"{name} is missing")
        elif file_digest(path) != expected:
            problems.append(f"{name} does not match its SHA-256")
    if problems:
        raise BackupError(
            "The backup is damaged and was not restored: " + "; ".join(problems) + "."
        )
    return manifest


def restore_backup(
    *, engine: Engine, folder: Path, manifest: dict[str, Any], returns_folder: Path, force: bool
) -> int:
    """Restore the database and the return files; how many files were unpacked.

    Refuses (before changing anything) a database of another kind, and a database or
    returns folder that is not empty unless ``force``.
    """
    kind = manifest["database"]["kind"]
    if kind != engine.dialect.name:
        raise BackupError(
            f"This is a {kind} backup; the configured database is {engine.dialect.name}."
        )
    if not force:
        if inspect(engine).get_table_names():
            raise BackupError(
                "The database is not empty; restore into an empty one, or give --force to "
                "replace everything in it."
            )
        if _stored_files(returns_folder):
            raise BackupError(
                f"The returns folder {returns_folder} is not empty; empty it, or give --force."
            )
    database_file = folder / manifest["database"]["file"]
    if kind == "postgresql":
        _restore_postgres(engine, database_file, clear=force)
    else:
        _restore_sqlite(engine, database_file)
    returns_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tarfile.open(folder / manifest["returns"]["file"]) as archive:
        members = [m for m in archive.getmembers() if m.isfile()]
        archive.extractall(returns_folder, members=members, filter="data")
    return len(members)


def verify_restored(
    session: Session, *, manifest: dict[str, Any], store: ReturnStore, key: VerifierKey
) -> RestoreReport:
    """Check the restored audit log, receipts and return files; raise on the first failure."""
    report = RestoreReport()
    audit = manifest["audit"]
    held = [audit["checkpoint"]] if audit.get("checkpoint") else []
    try:
        verified = verify_export(build_export(session, origin=audit["origin"]), key, held=held)
    except AuditVerificationFailed as err:
        raise BackupError(f"The restored audit log does not verify: {err}") from None
    report.audit_verified_size = verified.tree_size
    report.audit_root = verified.root_hash.hex()
    report.audit_entries = merkle.tree_size(session)
    report.uncovered_entries = report.audit_entries - verified.tree_size
    _check_recorded_root(session, size=audit["tree_size"], root_hex=audit["root_hash"])
    for record in session.scalars(select(Return).order_by(Return.id)):
        _check_receipt(session, record, key)
        report.receipts += 1
        if record.deleted_at is None:
            path = store.path_of(record.file_name)
            if not path.is_file() or path.stat().st_size != record.file_size:
                raise BackupError(
                    f"The file of return {record.manifest_hash[:12]} ({record.file_name}) "
                    "is missing or has the wrong size."
                )
            report.returns_kept += 1
    if report.returns_kept != manifest["returns"]["records"]:
        raise BackupError(
            f"The backup recorded {manifest['returns']['records']} kept returns but "
            f"{report.returns_kept} were restored."
        )
    return report


def _check_recorded_root(session: Session, *, size: int, root_hex: str) -> None:
    """The first ``size`` entries, hashed from their bodies, give the manifest's root."""
    bodies = session.scalars(
        select(AuditEntry.body).where(AuditEntry.index < size).order_by(AuditEntry.index)
    ).all()
    leaves = [leaf_hash(body.encode("utf-8")) for body in bodies]
    if len(leaves) != size or merkle.root(leaves).hex() != root_hex:
        raise BackupError(
            f"The restored audit log's first {size} entries do not have the root the backup "
            "recorded."
        )


def _check_receipt(session: Session, record: Return, key: VerifierKey) -> None:
    label = record.manifest_hash[:12]
    try:
        receipt = verify_receipt(record.receipt, hub_public_key=key)
    except VerificationError as err:
        raise BackupError(f"The receipt of return {label} does not verify: {err}") from None
    entry = session.get(AuditEntry, receipt.log_index)
    if receipt.manifest_hash != record.manifest_hash or entry is None:
        raise BackupError(f"The receipt of return {label} names another return or entry.")
    if entry.body != receipt.audit_entry:
        raise BackupError(f"The audit entry the receipt of return {label} proves was altered.")


def _stored_files(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    return any(p.is_file() for p in folder.rglob("*") if p.relative_to(folder).parts[0] != INCOMING)


def _restore_postgres(engine: Engine, dump: Path, *, clear: bool) -> None:
    if clear:
        # Needs the hub's database user to own the database (deploy/README.md does so).
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    args, env = postgres_command(engine.url, "pg_restore")
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    done = subprocess.run(  # noqa: S603 - a fixed program, arguments as a list
        [*args, *options, str(dump)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (exit {done.returncode}): {done.stderr.strip()}")


def _restore_sqlite(engine: Engine, copy: Path) -> None:
    target = engine.url.database
    if not target:
        raise BackupError("Cannot restore into an in-memory SQLite database.")
    engine.dispose()  # no pooled connection may hold the old file open
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
