"""``exchange user`` and ``exchange token``: people and their machine credentials."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from exchange.accounts import services, tokens
from exchange.accounts.models import ROLES
from exchange.cli.common import CLI_ACTOR, reports_errors, session, settings


@click.group()
def user() -> None:
    """Users: data officers, regional leads, IG officers and administrators."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option(
    "--authority", "authority_code", help="The data officer's authority (ONS code); only them."
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="EXCHANGE_NEW_USER_PASSWORD",
    help="Prompted for when not given; never pass it on the command line itself.",
)
@with_appcontext
@reports_errors
def add_user(username: str, role: str, authority_code: str | None, password: str) -> None:
    """Add a user who logs in to the hub's pages."""
    added = services.create_user(
        session(),
        username=username,
        password=password,
        role=role,
        authority_code=authority_code,
        actor=CLI_ACTOR,
    )
    session().commit()
    where = f" for {authority_code}" if authority_code else ""
    click.echo(f"Added {role} {added.username} (user:{added.id}){where}")


@user.command("disable")
@click.argument("username")
@with_appcontext
@reports_errors
def disable_user(username: str) -> None:
    """Disable a user: their sessions and tokens stop working at once."""
    services.disable_user(session(), username=username, actor=CLI_ACTOR)
    session().commit()
    click.echo(f"Disabled {username}")


@user.command("list")
@with_appcontext
@reports_errors
def list_users() -> None:
    """List users with their role, authority and state."""
    for found in services.list_users(session()):
        authority = found.authority.code if found.authority else "-"
        state = "active" if found.active else "disabled"
        click.echo(f"{found.username}  user:{found.id}  {found.role}  {authority}  {state}")


@click.group()
def token() -> None:
    """API tokens for machines (the anonymiser's uploads, scripts)."""


@token.command("create")
@click.option("--user", "username", required=True, help="The user the token acts as.")
@click.option("--days", type=int, help="Days until it expires (default from the settings).")
@click.option("--label", default="", help="What the token is for, e.g. 'upload from Derby'.")
@with_appcontext
@reports_errors
def create(username: str, days: int | None, label: str) -> None:
    """Create a token and print it once: it cannot be shown again."""
    configured = settings()
    found = services.find_user(session(), username)
    record, secret = tokens.create_token(
        session(),
        user=found,
        days=days or configured.token_default_days,
        max_days=configured.token_max_days,
        label=label,
        actor=CLI_ACTOR,
    )
    session().commit()
    click.echo(f"Token {record.prefix} for {username}, expires {record.expires_at.isoformat()}:")
    click.echo(secret)


@token.command("revoke")
@click.argument("prefix")
@with_appcontext
@reports_errors
def revoke(prefix: str) -> None:
    """Revoke a token by its prefix (the 12 hex digits after ``exch_``)."""
    tokens.revoke_token(session(), prefix=prefix, actor=CLI_ACTOR)
    session().commit()
    click.echo(f"Revoked token {prefix}")


@token.command("list")
@click.option("--user", "username", help="Only this user's tokens.")
@with_appcontext
@reports_errors
def list_tokens(username: str | None) -> None:
    """List tokens by prefix, owner, expiry and state (never the secrets)."""
    owner = services.find_user(session(), username) if username else None
    for found in tokens.list_tokens(session(), user=owner):
        state = "revoked" if found.revoked_at else "live"
        click.echo(
            f"{found.prefix}  user:{found.user_id}  expires {found.expires_at.isoformat()}  "
            f"{state}  {found.label}"
        )
