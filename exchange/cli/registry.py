"""``exchange authority`` and ``exchange key``: register authorities and their keys."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from exchange.cli.common import CLI_ACTOR, reports_errors, session
from exchange.errors import InvalidRequest
from exchange.registry import services
from exchange.registry.models import PURPOSES, REVOCATION_REASONS, SIGNING
from schemas.geography import AUTHORITIES, HISTORIC_AUTHORITIES


@click.group()
def authority() -> None:
    """Authorities sharing data through the hub."""


@authority.command("add")
@click.argument("codes", nargs=-1)
@click.option("--name", help="The authority's name (default: from the agreed geography).")
@click.option("--successor-of", help="ONS code of the authority this one replaced.")
@click.option(
    "--region", is_flag=True, help="Add every authority of the agreed geography not yet added."
)
@with_appcontext
@reports_errors
def add_authority(
    codes: tuple[str, ...], name: str | None, successor_of: str | None, region: bool
) -> None:
    """Register authorities by ONS code (e.g. E06000015)."""
    if region:
        known = {a.code for a in services.list_authorities(session())}
        codes = (*codes, *(c for c in (*HISTORIC_AUTHORITIES, *AUTHORITIES) if c not in known))
    if not codes:
        raise click.UsageError("Give at least one ONS code, or --region.")
    if (name or successor_of) and len(codes) > 1:
        raise click.UsageError("--name and --successor-of apply to a single code.")
    for code in codes:
        added = services.add_authority(
            session(), code=code, name=name, successor_of=successor_of, actor=CLI_ACTOR
        )
        click.echo(f"Added {added.code} {added.name}")
    session().commit()


@authority.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@with_appcontext
@reports_errors
def list_authorities(as_json: bool) -> None:
    """List registered authorities and how many live keys each has."""
    now = datetime.now(UTC)
    rows = [
        {
            "code": a.code,
            "name": a.name,
            "successor_of": a.successor_of.code if a.successor_of else None,
            "active_keys": sum(1 for k in a.keys if k.status(now) == "active"),
        }
        for a in services.list_authorities(session())
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        after = f" (successor of {row['successor_of']})" if row["successor_of"] else ""
        click.echo(f"{row['code']}  {row['name']}{after}  keys: {row['active_keys']}")


@click.group()
def key() -> None:
    """Authorities' public keys: signing (Ed25519) and relay (X25519)."""


@key.command("register")
@click.option("--authority", "authority_code", required=True, help="The key owner's ONS code.")
@click.option("--public-key", help="The public key: 64 hex digits (or base64).")
@click.option(
    "--public-key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file holding the public key instead.",
)
@click.option(
    "--purpose",
    type=click.Choice(PURPOSES),
    default=SIGNING,
    show_default=True,
    help="signing: signs returns; relay: receives the sealed regional key.",
)
@click.option("--valid-from", help="When the key starts to count (UTC ISO time; default now).")
@with_appcontext
@reports_errors
def register(
    authority_code: str,
    public_key: str | None,
    public_key_file: Path | None,
    purpose: str,
    valid_from: str | None,
) -> None:
    """Register a public key an authority sent (check its fingerprint with them first)."""
    if (public_key is None) == (public_key_file is None):
        raise click.UsageError("Give exactly one of --public-key and --public-key-file.")
    text = public_key if public_key is not None else Path(str(public_key_file)).read_text()
    registered = services.register_key(
        session(),
        authority_code=authority_code,
        public_key=parse_public_key(text),
        purpose=purpose,
        actor=CLI_ACTOR,
        valid_from=parse_time(valid_from, "--valid-from") if valid_from else None,
    )
    session().commit()
    click.echo(f"Registered {registered.purpose} key {registered.key_id} for {authority_code}")


@key.command("revoke")
@click.argument("key_id")
@click.option(
    "--reason", type=click.Choice(REVOCATION_REASONS), required=True, help="Why it is revoked."
)
@click.option("--at", "at_text", help="Revoked from this UTC ISO time (default now).")
@with_appcontext
@reports_errors
def revoke(key_id: str, reason: str, at_text: str | None) -> None:
    """Revoke a key: documents it signed from the revocation time on are refused."""
    at = parse_time(at_text, "--at") if at_text else None
    revoked = services.revoke_key(session(), key_id=key_id, reason=reason, actor=CLI_ACTOR, at=at)
    session().commit()
    assert revoked.revoked_at is not None
    click.echo(f"Revoked {key_id} from {revoked.revoked_at.isoformat()}")


@key.command("rotate")
@click.argument("statement", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@reports_errors
def rotate(statement: Path) -> None:
    """Apply a rotation statement signed by an authority's old and new keys."""
    rotation = services.rotate_key(session(), statement=statement.read_bytes(), actor=CLI_ACTOR)
    session().commit()
    click.echo(
        f"Rotated {rotation.old_key.key_id} -> {rotation.new_key.key_id} "
        f"at {rotation.rotated_at.isoformat()}"
    )


def parse_public_key(text: str) -> bytes:
    """A 32-byte key from 64 hex digits or base64."""
    text = text.strip()
    try:
        raw = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error):
        raise InvalidRequest("The public key is neither 64 hex digits nor base64.") from None
    return raw


def parse_time(text: str, option: str) -> datetime:
    """An aware UTC time from ISO 8601 (a time without a zone is UTC)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(f"{option} must be an ISO time like 2026-07-01T09:30:00Z.") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
