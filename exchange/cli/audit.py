"""``exchange audit`` and ``exchange checkpoint``: export, verify and sign the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from exchange.audit import tags
from exchange.audit.checkpoints import sign_tree_head
from exchange.audit.events import record_event
from exchange.audit.export import build_export, resolve_since
from exchange.audit.verify import verify_export
from exchange.cli.common import CLI_ACTOR, hub_key, reports_errors, session, settings
from exchange.errors import InvalidRequest
from exchange.hub_key import verifier_key
from keys.transparency import parse_verifier_key


@click.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("export")
@click.option(
    "--since",
    "since",
    default="0",
    show_default=True,
    help="A checkpoint file you kept, or a tree size: export the entries after it.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The JSON file to write.",
)
@with_appcontext
@reports_errors
def export(since: str, output: Path) -> None:
    """Sign a fresh checkpoint and write entries, checkpoints and proofs for offline checks."""
    configured = settings()
    key = hub_key()
    held = Path(since).read_text(encoding="utf-8") if Path(since).is_file() else since
    db = session()
    size, note = resolve_since(db, since=held, key=verifier_key(key, configured.audit_origin))
    record_event(db, tag=tags.AUDIT_EXPORT, actor=CLI_ACTOR, details={"since": size})
    checkpoint = sign_tree_head(db, hub_key=key, origin=configured.audit_origin)
    db.commit()
    document = build_export(db, origin=configured.audit_origin, since=size, since_note=note)
    output.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    click.echo(
        f"Wrote {len(document['entries'])} entries ({size} to {checkpoint.tree_size - 1}) and "
        f"{len(document['checkpoints'])} checkpoints to {output}"
    )


@audit.command("verify")
@click.argument("export_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--hub-key",
    "hub_key_text",
    required=True,
    help="The hub's verifier key (name+hash+key), or a file holding it (hub-signing.pub).",
)
@click.option(
    "--checkpoint",
    "held",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint you kept from earlier; the export must agree with it. Repeatable.",
)
@reports_errors
def verify(export_file: Path, hub_key_text: str, held: tuple[Path, ...]) -> None:
    """Verify an export offline: needs only the file and the hub's public key."""
    candidate = Path(hub_key_text)
    text = candidate.read_text(encoding="ascii") if candidate.is_file() else hub_key_text
    key = parse_verifier_key(text)
    try:
        document = json.loads(export_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidRequest(f"{export_file} is not a JSON audit export.") from None
    report = verify_export(document, key, held=[path.read_text(encoding="utf-8") for path in held])
    click.echo(
        f"OK: {report.entries} entries from index {report.first_index} verified against "
        f"{report.checkpoints} signed checkpoints; tree size {report.tree_size}, root "
        f"{report.root_hash.hex()}"
    )


@click.group()
def checkpoint() -> None:
    """Checkpoints: the hub's signed statements of the log's size and root."""


@checkpoint.command("sign")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Also write it here."
)
@with_appcontext
@reports_errors
def sign(output: Path | None) -> None:
    """Sign a checkpoint of the log as it stands (run on a schedule) and print it."""
    configured = settings()
    signed = sign_tree_head(session(), hub_key=hub_key(), origin=configured.audit_origin)
    session().commit()
    if output is not None:
        output.write_text(signed.note, encoding="utf-8")
    click.echo(signed.note, nl=False)
