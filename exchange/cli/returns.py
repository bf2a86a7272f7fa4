"""``exchange agreement``, ``exchange period`` and ``exchange retention``: what may be
shared, by when it is due, and how long it is kept."""

from __future__ import annotations

import json
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from exchange.cli.common import CLI_ACTOR, reports_errors, session, settings
from exchange.errors import InvalidRequest
from exchange.returns import agreements as services
from exchange.returns.retention import apply_retention
from exchange.returns.rows import known_schemas
from exchange.returns.storage import ReturnStore

RETURN_TYPES = sorted(known_schemas())


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"{option} must be a date like 2026-07-31.") from None


@click.group()
def agreement() -> None:
    """Sharing agreements: which authority shares which return type, why and how long."""


@agreement.command("add")
@click.option("--authority", "authority_code", required=True, help="The authority's ONS code.")
@click.option(
    "--type", "return_type", type=click.Choice(RETURN_TYPES), required=True, help="Return type."
)
@click.option("--reference", required=True, help="The agreement's reference, e.g. ISA-2026-04.")
@click.option("--purpose", required=True, help="What the data is shared for, in a sentence.")
@click.option("--start", "start", required=True, help="First day it applies (YYYY-MM-DD).")
@click.option(
    "--retention", required=True, help="How long returns are kept: 7y (years) or 18m (months)."
)
@with_appcontext
@reports_errors
def add_agreement(
    authority_code: str, return_type: str, reference: str, purpose: str, start: str, retention: str
) -> None:
    """Record an authority's agreement to share a return type (audited)."""
    added = services.add_agreement(
        session(), authority_code=authority_code, return_type=return_type, reference=reference,
        purpose=purpose, start_date=_day(start, "--start"),
        retention_months=services.parse_retention(retention), actor=CLI_ACTOR,
    )  # fmt: skip
    session().commit()
    click.echo(
        f"Recorded agreement {added.reference}: {authority_code} shares {return_type} from "
        f"{added.start_date.isoformat()}, kept {added.retention_months} months"
    )


@agreement.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@with_appcontext
@reports_errors
def list_agreements(as_json: bool) -> None:
    """List agreements with the returns and rows held under each."""
    rows = [
        {
            "authority": held.agreement.authority.code,
            "return_type": held.agreement.return_type,
            "reference": held.agreement.reference,
            "purpose": held.agreement.purpose,
            "start_date": held.agreement.start_date.isoformat(),
            "retention_months": held.agreement.retention_months,
            "returns_held": held.returns,
            "rows_held": held.rows,
        }
        for held in services.holdings(session())
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['authority']}  {row['return_type']}  {row['reference']}  from "
            f"{row['start_date']}  keep {row['retention_months']}m  holds "
            f"{row['returns_held']} return(s), {row['rows_held']:,} rows"
        )


@click.group()
def period() -> None:
    """Return periods the tracker follows, with their due dates."""


@period.command("add")
@click.option(
    "--type", "return_type", type=click.Choice(RETURN_TYPES), required=True, help="Return type."
)
@click.option("--period", "label", required=True, help="The period: 2026-Q2, 2026-06 or 2026-27.")
@click.option("--due", required=True, help="The date returns are due (YYYY-MM-DD).")
@with_appcontext
@reports_errors
def add_period(return_type: str, label: str, due: str) -> None:
    """Track a return period and its due date (audited)."""
    tracked = services.add_period(
        session(), return_type=return_type, period=label, due_date=_day(due, "--due"),
        actor=CLI_ACTOR,
    )  # fmt: skip
    session().commit()
    click.echo(f"Tracking {return_type} {tracked.period}, due {tracked.due_date.isoformat()}")


@period.command("list")
@click.option("--type", "return_type", type=click.Choice(RETURN_TYPES), help="Only this type.")
@with_appcontext
@reports_errors
def list_periods(return_type: str | None) -> None:
    """List tracked periods, latest due first."""
    for tracked in services.list_periods(session(), return_type):
        click.echo(f"{tracked.return_type}  {tracked.period}  due {tracked.due_date.isoformat()}")


@click.group()
def retention() -> None:
    """Deleting returns held longer than their sharing agreement allows."""


@retention.command("apply")
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
@with_appcontext
@reports_errors
def apply(dry_run: bool) -> None:
    """Delete the rows and files of returns past retention (audited); run it daily."""
    store = ReturnStore.at(
        configured=settings().returns_folder, instance_path=current_app.instance_path
    )
    deleted = apply_retention(session(), store=store, actor=CLI_ACTOR, dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    for item in deleted:
        click.echo(
            f"{verb} {item.authority} {item.return_type} {item.period} "
            f"({item.manifest_hash[:12]}…, {item.rows:,} rows, agreement {item.agreement})"
        )
    click.echo(f"{verb} {len(deleted)} return(s) past retention.")
