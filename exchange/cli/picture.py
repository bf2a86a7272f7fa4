"""``exchange picture``: rebuild the regional picture and see where each period stands."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from exchange.cli.common import reports_errors, session
from exchange.errors import InvalidRequest
from exchange.picture.hooks import rebuild_period
from exchange.picture.parallel import MAX_JOBS, can_fan_out, default_jobs, recompute_in_processes
from exchange.picture.store import Release, periods_to_build, release_periods


@click.group()
def picture() -> None:
    """The regional picture: supplier, spend, benchmark, savings and fair price tables."""


@picture.command("recompute")
@click.option(
    "--period", "periods", multiple=True,
    help="A period to rebuild, e.g. 2026-Q2 (repeat for several).",
)  # fmt: skip
@click.option("--all", "everything", is_flag=True, help="Rebuild every period with returns.")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None,
    help=f"Periods rebuilt at once, each in its own process (PostgreSQL only; default: "
    f"the machine's cores, at most {MAX_JOBS}).",
)  # fmt: skip
@with_appcontext
@reports_errors
def recompute(periods: tuple[str, ...], everything: bool, jobs: int | None) -> None:
    """Rebuild periods' pictures in full from their latest accepted returns."""
    if bool(periods) == everything:
        raise InvalidRequest("Give --period (one or more) or --all.")
    jobs = default_jobs() if jobs is None else min(jobs, MAX_JOBS)
    targets = periods_to_build(session()) if everything else list(dict.fromkeys(periods))
    known = {p.period for p in release_periods(session())}
    unknown = [p for p in targets if p not in known]
    if unknown:
        raise InvalidRequest(
            f"No returns or picture for {', '.join(unknown)}; see `exchange picture status`."
        )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    built: list[tuple[str, Release | None]] = []
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task("Rebuilding", total=len(targets))
        if jobs > 1 and len(targets) > 1 and can_fan_out(session()):
            progress.update(task, description=f"Rebuilding in {min(jobs, len(targets))} processes")

            def finished(period: str, release: Release | None) -> None:
                built.append((period, release))
                progress.advance(task)

            recompute_in_processes(session(), targets, jobs=jobs, progress=finished)
            order = {p: i for i, p in enumerate(targets)}
            built.sort(key=lambda item: order[item[0]])
        else:
            for period in targets:
                progress.update(task, description=f"Rebuilding {period}")
                release = rebuild_period(session(), period)
                built.append((period, release))
                progress.advance(task)
    for period, release in built:
        if release is None:
            click.echo(f"{period}: no returns, nothing to publish")
        else:
            click.echo(f"{period}: release {release.number}, certificate {release.certificate_id}")


@picture.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@with_appcontext
@reports_errors
def status(as_json: bool) -> None:
    """Each period's current release, whether it is stale, and the last rebuild error."""
    rows = [
        {
            "period": p.period,
            "release": p.release_number,
            "built_at": p.created_at.isoformat() if p.created_at else None,
            "certificate": p.certificate_id,
            "stale": p.stale,
            "last_error": p.last_error,
        }
        for p in release_periods(session())
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No periods with returns yet.")
    for row in rows:
        release = f"release {row['release']}" if row["release"] else "no release"
        state = "stale" if row["stale"] else "up to date"
        error = f", last rebuild failed: {row['last_error']}" if row["last_error"] else ""
        click.echo(f"{row['period']}  {release}  {state}{error}")
