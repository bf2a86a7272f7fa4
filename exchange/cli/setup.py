"""``exchange init``, ``exchange db``: make the instance folder, the database and the hub key."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import run_command, with_appcontext
from sqlalchemy.engine import make_url

from exchange import db
from exchange.audit.checkpoints import sign_tree_head
from exchange.cli.common import reports_errors, session, settings
from exchange.hub_key import (
    HUB_PUBLIC_FILE,
    create_hub_key,
    hub_key_path,
    load_hub_key,
    verifier_key,
    write_public_file,
)

run = run_command


@click.command("init")
@with_appcontext
@reports_errors
def init() -> None:
    """Create the instance folder, migrate the database and make the hub's signing key.

    Safe to run again: the database is brought up to date and an existing key is kept.
    """
    configured = settings()
    engine = db.database().engine
    db.upgrade(engine)
    path = hub_key_path(configured=configured.hub_key_file, instance_path=current_app.instance_path)
    if path.exists():
        key = load_hub_key(path)
        click.echo(f"Hub key kept: {path}")
    else:
        key = create_hub_key(path)
        click.echo(f"Hub key created (mode 0600, never commit it): {path}")
    public = path.with_name(HUB_PUBLIC_FILE)
    write_public_file(public, key, configured.audit_origin)
    checkpoint = sign_tree_head(session(), hub_key=key, origin=configured.audit_origin)
    session().commit()
    click.echo(f"Database at revision {db.current_revision(engine)}: {_safe_url(engine.url)}")
    click.echo(f"Audit log size {checkpoint.tree_size}; checkpoint signed.")
    click.echo(f"Hub verifier key (give it to IG officers; also in {public}):")
    click.echo(f"  {verifier_key(key, configured.audit_origin)}")


@click.group("db")
def database() -> None:
    """Database migrations."""


@database.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="The migration to upgrade to.")
@with_appcontext
@reports_errors
def upgrade(revision: str) -> None:
    """Apply the migrations the database has not had yet."""
    engine = db.database().engine
    db.upgrade(engine, revision)
    click.echo(f"Database at revision {db.current_revision(engine)}.")


@database.command("current")
@with_appcontext
@reports_errors
def current() -> None:
    """Print the database's migration revision."""
    click.echo(db.current_revision(db.database().engine) or "(empty database)")


def _safe_url(url: object) -> str:
    return make_url(str(url)).render_as_string(hide_password=True)
