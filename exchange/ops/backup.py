"""``exchange backup``: the database, the return files and a manifest that vouches for both.

A backup is a folder::

    manifest.json        what is here, with the SHA-256 of every file
    database.pgdump      PostgreSQL: ``pg_dump --format=custom``
    database.sqlite3     SQLite: a copy made with SQLite's online backup API
    returns.tar          the accepted return files (staged uploads left out)
    hub-signing.key      only with ``--include-hub-key`` (mode 0600)

The manifest also states the database's migration revision and the audit log's size,
root and latest signed checkpoint *as they are in the dump*: on PostgreSQL they are
read in the same snapshot ``pg_dump`` copies (``pg_export_snapshot``), on SQLite from
the copy itself, so a restore can prove it got back exactly the log that was saved.

The hub's signing key is left out by default. Whoever holds the backup and the key
could sign checkpoints and receipts as the hub; the key is backed up once, under the
key ceremony in ``deploy/README.md``, and kept apart from the data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from exchange.audit import merkle
from exchange.audit.models import AuditCheckpoint
from exchange.db import utc_now
from exchange.errors import ExchangeError
from exchange.returns.models import Return
from exchange.returns.storage import INCOMING
from keys.key_file import write_private_file

MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = "regional-exchange-backup/1"
PG_DUMP_FILE = "database.pgdump"
SQLITE_FILE = "database.sqlite3"
RETURNS_FILE = "returns.tar"
HUB_KEY_COPY = "hub-signing.key"
_CHUNK = 1024 * 1024


class BackupError(ExchangeError):
    """A backup could not be made, or a backup folder is damaged or incomplete."""

    code = "backup_failed"


@dataclass(frozen=True)
class DatabaseState:
    """What the dumped database holds, read from the dump's own snapshot."""

    revision: str | None
    tree_size: int
    root_hash: str
    checkpoint: str | None
    returns: int


def create_backup(
    *,
    engine: Engine,
    destination: Path,
    returns_folder: Path,
    verifier_key: str,
    origin: str,
    hub_key_file: Path | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Write a backup of the hub to ``destination`` (new or empty); return its manifest.

    ``hub_key_file`` is copied only when given (``--include-hub-key``).
    """
    _prepare(destination)
    if engine.dialect.name == "postgresql":
        database_file, state = PG_DUMP_FILE, _dump_postgres(engine, destination / PG_DUMP_FILE)
    elif engine.dialect.name == "sqlite":
        database_file, state = SQLITE_FILE, _copy_sqlite(engine, destination / SQLITE_FILE)
    else:
        raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")
    files = [database_file, RETURNS_FILE]
    return_files = archive_returns(returns_folder, destination / RETURNS_FILE)
    if hub_key_file is not None:
        write_private_file(destination / HUB_KEY_COPY, hub_key_file.read_bytes())
        files.append(HUB_KEY_COPY)
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": (now or utc_now()).isoformat().replace("+00:00", "Z"),
        "database": {
            "kind": engine.dialect.name,
            "file": database_file,
            "alembic_revision": state.revision,
        },
        "audit": {
            "origin": origin,
            "tree_size": state.tree_size,
            "root_hash": state.root_hash,
            "checkpoint": state.checkpoint,
            "verifier_key": verifier_key,
        },
        "returns": {"file": RETURNS_FILE, "records": state.returns, "files": return_files},
        "hub_key_included": hub_key_file is not None,
        "files": {name: file_digest(destination / name) for name in files},
    }
    data = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8") + b"\n"
    write_private_file(destination / MANIFEST_FILE, data)
    return manifest


def file_digest(path: Path) -> dict[str, Any]:
    """The SHA-256 (hex) and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "bytes": size}


def archive_returns(folder: Path, target: Path) -> int:
    """Tar every stored return file under ``folder`` (not staged uploads); how many."""
    count = 0
    with _private(target), tarfile.open(target, "w") as archive:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(folder)
                if relative.parts[0] == INCOMING or not path.is_file():
                    continue
                archive.add(path, arcname=relative.as_posix(), recursive=False)
                count += 1
    return count


def postgres_command(url: URL | str, program: str) -> tuple[list[str], dict[str, str]]:
    """The libpq options for ``pg_dump``/``pg_restore``, and an environment with the password.

    The password goes in ``PGPASSWORD``, never on the command line, where ``ps`` shows it.
    """
    parsed = make_url(str(url)) if isinstance(url, str) else url
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is not installed; on Debian: `apt install postgresql-client-15` "
            "(its major version must be at least the server's)."
        )
    args = [program, "--no-password"]
    for flag, value in (
        ("--host", parsed.host),
        ("--port", parsed.port),
        ("--username", parsed.username),
    ):
        if value:
            args += [flag, str(value)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return [*args, "--dbname", str(parsed.database or "postgres")], env


def _prepare(destination: Path) -> None:
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(f"{destination} is not an empty folder; give a new one.")
    destination.mkdir(mode=0o700, parents=True, exist_ok=True)
    destination.chmod(0o700)


@contextmanager
def _private(path: Path) -> Iterator[None]:
    """Create ``path`` empty with mode 0600 first, so no one else can read it meanwhile."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    yield


def _dump_postgres(engine: Engine, target: Path) -> DatabaseState:
    """``pg_dump`` inside a snapshot this transaction exported, and read the same snapshot."""
    args, env = postgres_command(engine.url, "pg_dump")
    options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with engine.connect().execution_options(**options) as connection:
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        state = _state(connection)
        with _private(target):
            done = subprocess.run(  # noqa: S603 - a fixed program, arguments as a list
                [*args, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        connection.rollback()
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed (exit {done.returncode}): {done.stderr.strip()}")
    return state


def _copy_sqlite(engine: Engine, target: Path) -> DatabaseState:
    """Copy the live file with SQLite's backup API (consistent while the hub writes)."""
    source_path = engine.url.database
    if not source_path:
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    with _private(target):
        copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        copy.close()
        source.close()
    reader = create_engine(f"sqlite:///{target}")
    try:
        with reader.connect() as connection:
            return _state(connection)
    finally:
        reader.dispose()


def _state(connection: Connection) -> DatabaseState:
    revision = current_revision_of(connection)
    if revision is None:
        raise BackupError("The database has no tables yet; run `exchange init` first.")
    session = Session(bind=connection)
    size = merkle.tree_size(session)
    checkpoint = session.scalars(
        select(AuditCheckpoint.note).order_by(AuditCheckpoint.tree_size.desc()).limit(1)
    ).first()
    records = session.scalar(select(func.count(Return.id)).where(Return.deleted_at.is_(None)))
    return DatabaseState(
        revision=revision,
        tree_size=size,
        root_hash=merkle.root(merkle.leaf_hashes(session, size)).hex(),
        checkpoint=checkpoint,
        returns=records or 0,
    )


def current_revision_of(connection: Connection) -> str | None:
    """The migration revision seen by ``connection`` (in its transaction)."""
    return MigrationContext.configure(connection).get_current_revision()
