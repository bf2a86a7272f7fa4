"""``exchange backup`` and ``exchange restore`` on both databases: a backup, the database
and return files destroyed, a restore; the returns, their receipts and the audit log come
back and verify. Damaged backups and non-empty targets are refused before anything changes."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from exchange.cli import main
from exchange.db import dispose, get_session
from exchange.hub_key import HUB_KEY_FILE, load_hub_key, verifier_key
from exchange.returns.access import return_store
from exchange.returns.models import Return
from exchange.returns.rows import rows_table
from keys import verify_receipt
from tests.exchange.conftest import ORIGIN, POSTGRES_URL
from tests.exchange.returns_kit import Officer, make_return, ready_authority, signing_key

pytestmark = pytest.mark.slow
CODES = ("E06000015", "E06000016")


def upload(app: Flask, officer: Officer, path: Path) -> dict[str, Any]:
    """POST a return through the API; the answer (201 or 200)."""
    answer = app.test_client().post(
        "/api/v1/returns",
        data=path.read_bytes(),
        headers={**officer.headers, "Content-Type": "application/octet-stream"},
    )
    assert answer.status_code in (200, 201), answer.get_json()
    document: dict[str, Any] = answer.get_json()
    return document


def populate(app: Flask, folder: Path) -> tuple[dict[str, Officer], dict[str, dict[str, Any]]]:
    """Two authorities' returns, one of them corrected; each return's receipt by manifest hash."""
    officers = {code: ready_authority(app, code) for code in CODES}
    receipts: dict[str, dict[str, Any]] = {}
    for number, (code, officer) in enumerate(officers.items()):
        path = folder / f"{code}.return"
        make_return(path, signing_key=officer.key, authority=code, rows=30, seed=number)
        answer = upload(app, officer, path)
        receipts[answer["manifest_hash"]] = answer["receipt"]
    first = next(iter(receipts))
    correction = folder / "correction.return"
    make_return(correction, signing_key=officers[CODES[0]].key, authority=CODES[0], rows=25,
                sequence=2, seed=9, supersedes=first)  # fmt: skip
    answer = upload(app, officers[CODES[0]], correction)
    receipts[answer["manifest_hash"]] = answer["receipt"]
    return officers, receipts


def counts(app: Flask) -> tuple[int, int]:
    """Returns and placements rows the database holds."""
    with app.app_context():
        session = get_session()
        found = (
            session.scalar(select(func.count(Return.id))) or 0,
            session.scalar(select(func.count()).select_from(rows_table("placements", 1))) or 0,
        )
        session.rollback()
    return found


def destroy(app: Flask, database_url: str) -> None:
    """Lose the database (dropped and made again, empty) and every return file."""
    dispose(app)
    url = make_url(database_url)
    if url.drivername.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)
    else:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
    with app.app_context():
        shutil.rmtree(return_store().folder)


def verifier(app: Flask) -> str:
    """The hub's verifier key text, as the IG officer holds it."""
    key = load_hub_key(Path(app.instance_path) / HUB_KEY_FILE)
    return str(verifier_key(key, ORIGIN))


def test_backup_drop_restore_drill(app_with: Any, database_url: str, tmp_path: Path) -> None:
    """After losing everything, a restore brings back the returns, receipts and audit log."""
    app = app_with(PICTURE_RECOMPUTE="inline")
    officers, receipts = populate(app, tmp_path)
    before = counts(app)
    runner = app.test_cli_runner()
    backup = tmp_path / "backup"
    made = runner.invoke(args=["backup", "--to", str(backup)])
    assert made.exit_code == 0, made.output
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["hub_key_included"] is False
    assert not (backup / "hub-signing.key").exists()
    assert manifest["returns"] == {"file": "returns.tar", "records": 3, "files": 3}
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o700
    assert manifest["database"]["alembic_revision"] is not None

    destroy(app, database_url)
    restored = runner.invoke(args=["restore", "--from", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert counts(app) == before

    for manifest_hash, receipt in receipts.items():
        record = app.test_client().get(
            f"/api/v1/returns/{manifest_hash}", headers=officers[CODES[0]].headers
        )
        if record.status_code == 404:  # the other authority's return: ask as its officer
            record = app.test_client().get(
                f"/api/v1/returns/{manifest_hash}", headers=officers[CODES[1]].headers
            )
        assert record.get_json()["receipt"] == receipt
        checked = verify_receipt(json.dumps(receipt).encode(), hub_public_key=verifier(app))
        assert checked.manifest_hash == manifest_hash
        with app.app_context():
            stored = (
                get_session()
                .scalars(select(Return).where(Return.manifest_hash == manifest_hash))
                .one()
            )
            assert return_store().path_of(stored.file_name).stat().st_size == stored.file_size
            get_session().rollback()

    export = tmp_path / "audit.json"
    assert runner.invoke(args=["audit", "export", "-o", str(export)]).exit_code == 0
    offline = CliRunner().invoke(main, ["audit", "verify", str(export), "--hub-key", verifier(app)])
    assert offline.exit_code == 0, offline.output
    entries = json.loads(export.read_text())["entries"]
    tags = [json.loads(e["body"])["tag"] for e in entries]
    assert tags.count("returns:return:accepted") == 3
    assert "ops:backup:create" in tags
    assert tags.index("ops:backup:restore") > tags.index("ops:backup:create")
    assert len(entries) > manifest["audit"]["tree_size"]


def test_restore_reports_what_it_verified(app_with: Any, database_url: str, tmp_path: Path) -> None:
    """The restore's own report names the verified log, receipts and return files."""
    app = app_with(PICTURE_RECOMPUTE="inline")
    populate(app, tmp_path)
    runner = app.test_cli_runner()
    backup = tmp_path / "backup"
    assert runner.invoke(args=["backup", "--to", str(backup)]).exit_code == 0
    size = json.loads((backup / "manifest.json").read_text())["audit"]["tree_size"]
    destroy(app, database_url)
    result = runner.invoke(args=["restore", "--from", str(backup)])
    assert result.exit_code == 0, result.output
    assert "every file matches its SHA-256" in result.output
    assert "Restored 3 return files" in result.output
    assert f"Audit log verified: {size} entries" in result.output
    assert "Receipts verified: 3; kept returns with their files: 3." in result.output
    assert "the hub key at" in result.output


def test_a_damaged_backup_is_refused_before_anything_changes(app_with: Any, tmp_path: Path) -> None:
    """One byte changed in the returns archive: the restore stops and the database is kept."""
    app = app_with(PICTURE_RECOMPUTE="inline")
    populate(app, tmp_path)
    runner = app.test_cli_runner()
    backup = tmp_path / "backup"
    assert runner.invoke(args=["backup", "--to", str(backup)]).exit_code == 0
    before = counts(app)
    assert upload(app, ready_authority(app, "E06000018"), _one_more(app, tmp_path))
    data = bytearray((backup / "returns.tar").read_bytes())
    data[600] ^= 0x01
    (backup / "returns.tar").write_bytes(bytes(data))
    result = runner.invoke(args=["restore", "--from", str(backup), "--force"])
    assert result.exit_code == 1
    assert "damaged" in result.output
    assert "returns.tar does not match its SHA-256" in result.output
    assert counts(app)[0] == before[0] + 1  # untouched: the later return is still there


def test_restore_refuses_a_database_in_use_unless_forced(app_with: Any, tmp_path: Path) -> None:
    """Without --force a non-empty database is refused; with it, it is replaced by the backup."""
    app = app_with(PICTURE_RECOMPUTE="inline")
    populate(app, tmp_path)
    runner = app.test_cli_runner()
    backup = tmp_path / "backup"
    assert runner.invoke(args=["backup", "--to", str(backup)]).exit_code == 0
    before = counts(app)
    upload(app, ready_authority(app, "E06000018"), _one_more(app, tmp_path))
    refused = runner.invoke(args=["restore", "--from", str(backup)])
    assert refused.exit_code == 1
    assert "The database is not empty" in refused.output
    forced = runner.invoke(args=["restore", "--from", str(backup), "--force"])
    assert forced.exit_code == 0, forced.output
    assert counts(app) == before


def test_the_hub_key_is_only_included_on_request(app_with: Any, tmp_path: Path) -> None:
    """--include-hub-key copies the key (0600) with a warning; a keyless hub gets it back."""
    app = app_with(PICTURE_RECOMPUTE="inline")
    populate(app, tmp_path)
    runner = app.test_cli_runner()
    backup = tmp_path / "backup"
    made = runner.invoke(args=["backup", "--to", str(backup), "--include-hub-key"])
    assert made.exit_code == 0, made.output
    assert "holds the hub's private signing key" in made.output
    copy = backup / "hub-signing.key"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert json.loads((backup / "manifest.json").read_text())["hub_key_included"] is True
    installed = Path(app.instance_path) / HUB_KEY_FILE
    assert copy.read_bytes() == installed.read_bytes()
    installed.unlink()
    app.extensions.pop("exchange.hub_key", None)  # the running app forgets the key it read
    result = runner.invoke(args=["restore", "--from", str(backup), "--force"])
    assert result.exit_code == 0, result.output
    assert "Hub key restored from the backup" in result.output
    assert stat.S_IMODE(installed.stat().st_mode) == 0o600


def test_backup_refuses_a_folder_that_is_not_empty(app: Flask, tmp_path: Path) -> None:
    """An existing backup is never overwritten or mixed with a new one."""
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}")
    result = app.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path / "old")])
    assert result.exit_code == 1
    assert "is not an empty folder" in result.output
    assert (tmp_path / "old" / "manifest.json").read_text() == "{}"


def _one_more(app: Flask, tmp_path: Path) -> Path:
    """A return from a third authority, made after the backup."""
    path = tmp_path / "later.return"
    make_return(path, signing_key=signing_key("E06000018"), authority="E06000018", rows=10, seed=3)
    return path
