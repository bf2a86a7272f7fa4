"""``exchange backup`` and ``exchange restore``: the hub's data out to a folder and back.

What is in a backup and what a restore checks: :mod:`exchange.ops.backup` and
:mod:`exchange.ops.restore`; when and how to run them: ``deploy/README.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from exchange import db
from exchange.audit import tags
from exchange.audit.checkpoints import sign_tree_head
from exchange.audit.events import record_event
from exchange.cli.common import CLI_ACTOR, reports_errors, session, settings
from exchange.hub_key import hub_key_path, load_hub_key, verifier_key
from exchange.ops.backup import HUB_KEY_COPY, create_backup
from exchange.ops.health import migrations_head
from exchange.ops.restore import read_backup, restore_backup, verify_restored
from exchange.returns.access import return_store
from keys.key_file import write_private_file
from keys.signing import SigningKey
from keys.transparency import VerifierKey, parse_verifier_key

HUB_KEY_WARNING = (
    "Warning: this backup holds the hub's private signing key. Anyone with it can sign "
    "checkpoints and receipts as the hub: keep it apart from ordinary backups."
)


@click.command("backup")
@click.option(
    "--to",
    "destination",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new (or empty) folder to write the backup to.",
)
@click.option(
    "--include-hub-key",
    is_flag=True,
    help="Also copy the hub's private signing key (off by default: it is backed up once, "
    "under the key ceremony).",
)
@with_appcontext
@reports_errors
def backup(destination: Path, include_hub_key: bool) -> None:
    """Back up the database, the return files and a manifest of their SHA-256 hashes."""
    configured = settings()
    key_file = hub_key_path(
        configured=configured.hub_key_file, instance_path=current_app.instance_path
    )
    key = load_hub_key(key_file)
    record_event(
        session(),
        tag=tags.BACKUP_CREATE,
        actor=CLI_ACTOR,
        details={"include_hub_key": include_hub_key},
    )
    sign_tree_head(session(), hub_key=key, origin=configured.audit_origin)
    session().commit()  # the backup holds its own entry, covered by a checkpoint
    if include_hub_key:
        click.echo(HUB_KEY_WARNING, err=True)
    manifest = create_backup(
        engine=db.database().engine,
        destination=destination,
        returns_folder=return_store().folder,
        verifier_key=str(verifier_key(key, configured.audit_origin)),
        origin=configured.audit_origin,
        hub_key_file=key_file if include_hub_key else None,
    )
    audit = manifest["audit"]
    click.echo(
        f"Backed up the {manifest['database']['kind']} database (revision "
        f"{manifest['database']['alembic_revision']}), {manifest['returns']['files']} return "
        f"files and the audit log (size {audit['tree_size']}, root {audit['root_hash']}) "
        f"to {destination}"
    )
    if not include_hub_key:
        click.echo("The hub signing key is not in it: keep its key-ceremony backup safe.")


@click.command("restore")
@click.option(
    "--from",
    "folder",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The backup folder (`exchange backup --to`).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace a database and returns folder that are not empty.",
)
@click.option(
    "--hub-key",
    "hub_key_text",
    help="Check the log against this verifier key (text or hub-signing.pub) instead of the "
    "installed hub key.",
)
@with_appcontext
@reports_errors
def restore(folder: Path, force: bool, hub_key_text: str | None) -> None:
    """Restore a backup after checking its hashes, then verify the log, receipts and files."""
    manifest = read_backup(folder)
    click.echo(f"Backup of {manifest['created_at']}: every file matches its SHA-256.")
    configured = settings()
    origin = manifest["audit"]["origin"]
    if origin != configured.audit_origin:
        raise click.ClickException(
            f"The backup's audit log is named {origin!r} but this hub's audit_origin is "
            f"{configured.audit_origin!r}; set audit_origin to the backup's first."
        )
    store = return_store()
    engine = db.database().engine
    unpacked = restore_backup(
        engine=engine, folder=folder, manifest=manifest, returns_folder=store.folder, force=force
    )
    key, source = _verifier(folder, manifest, hub_key_text)
    report = verify_restored(session(), manifest=manifest, store=store, key=key)
    session().rollback()
    record_event(
        session(),
        tag=tags.BACKUP_RESTORE,
        actor=CLI_ACTOR,
        details={"backup_created_at": manifest["created_at"], "tree_size": report.audit_entries},
    )
    signer = _installed_key()
    if signer is not None:
        sign_tree_head(session(), hub_key=signer, origin=configured.audit_origin)
    session().commit()
    click.echo(f"Restored {unpacked} return files; checked against {source}.")
    after = report.uncovered_entries
    click.echo(
        f"Audit log verified: {report.audit_verified_size} entries, root {report.audit_root}"
        + (f"; {after} entries after the last checkpoint are not covered yet." if after else ".")
    )
    click.echo(
        f"Receipts verified: {report.receipts}; kept returns with their files: "
        f"{report.returns_kept}."
    )
    revision, head = manifest["database"]["alembic_revision"], migrations_head()
    if revision != head:
        click.echo(f"The database is at revision {revision}: run `exchange db upgrade` ({head}).")


def _installed_key() -> SigningKey | None:
    path = hub_key_path(configured=settings().hub_key_file, instance_path=current_app.instance_path)
    return load_hub_key(path) if path.exists() else None


def _verifier(
    folder: Path, manifest: dict[str, Any], hub_key_text: str | None
) -> tuple[VerifierKey, str]:
    """The key the restored log is checked against, and how to name where it came from."""
    origin = str(manifest["audit"]["origin"])
    if hub_key_text is not None:
        candidate = Path(hub_key_text)
        text = candidate.read_text(encoding="ascii") if candidate.is_file() else hub_key_text
        return parse_verifier_key(text.strip()), "the verifier key given with --hub-key"
    path = hub_key_path(configured=settings().hub_key_file, instance_path=current_app.instance_path)
    if not path.exists() and manifest["hub_key_included"]:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private_file(path, (folder / HUB_KEY_COPY).read_bytes())
        click.echo(f"Hub key restored from the backup to {path} (mode 0600).")
    if path.exists():
        return verifier_key(load_hub_key(path), origin), f"the hub key at {path}"
    click.echo(
        "Warning: no hub key is installed, so the log was checked against the public key the "
        "backup records. Compare it with the hub-signing.pub the IG officer holds, and "
        "install the hub key from its key-ceremony backup before starting the hub.",
        err=True,
    )
    text = str(manifest["audit"]["verifier_key"])
    return parse_verifier_key(text), "the public key recorded in the backup"
