"""`anonymiser synth`: write a synthetic region to rehearse with.

Every authority's raw placements and supplier spend exports, as their systems
would produce them (messy on purpose), edge-case files and a ``region.json``
manifest. Same seed, same bytes. Prints what it wrote: a table on a terminal,
plain lines otherwise (one per file, as each is finished).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from anonymiser.synth import MANIFEST, ExportReport, generate_region
from anonymiser.synth.errors import SynthError
from anonymiser.synth.period import Period
from anonymiser.synth.region import FormatChoice
from anonymiser.synth.styles import profile_of

MAX_ROWS = 1_000_000


def _period(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        return Period.parse(value).label
    except SynthError as err:
        raise click.BadParameter(str(err)) from None


def _authorities(ctx: click.Context, param: click.Parameter, value: str) -> list[str] | None:
    names = [name.strip() for name in value.split(",") if name.strip()]
    try:
        return [profile_of(name).code for name in names] or None
    except SynthError as err:
        raise click.BadParameter(str(err)) from None


@click.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the region into (created if missing).",
)
@click.option(
    "--rows",
    default=200,
    show_default=True,
    type=click.IntRange(1, MAX_ROWS),
    help="Rows in each export (per authority, per return type).",
)
@click.option(
    "--seed",
    default=2026,
    show_default=True,
    type=int,
    help="Random seed: the same seed writes byte-identical files.",
)
@click.option(
    "--period",
    default="2026-Q2",
    show_default=True,
    callback=_period,
    help="Return period: a quarter (2026-Q2), a month (2026-06) or a year (2026-27).",
)
@click.option(
    "--format",
    "fmt",
    default="mixed",
    show_default=True,
    type=click.Choice(["csv", "xlsx", "mixed"]),
    help="File format: each authority's own (mixed), or all CSV, or all XLSX.",
)
@click.option(
    "--authorities",
    default="",
    callback=_authorities,
    help="Comma-separated ONS codes or names (default: all ten).",
)
@click.option(
    "--corrected",
    is_flag=True,
    help="Leave out the planted data errors (and footer totals): the exports as a data "
    "officer sends them after fixing what `anonymiser check` reported.",
)
def synth(
    out: Path,
    rows: int,
    seed: int,
    period: str,
    fmt: FormatChoice,
    authorities: list[str] | None,
    corrected: bool,
) -> None:
    """Generate a synthetic region: raw placements and supplier spend exports per authority."""
    terminal = sys.stdout.isatty()
    console = Console()
    on_written = None if terminal else _print_line
    if terminal:
        with console.status(f"Writing the synthetic region to {out} ..."):
            manifest = generate_region(
                out,
                rows=rows,
                seed=seed,
                period=period,
                fmt=fmt,
                authorities=authorities,
                corrected=corrected,
            )
        console.print(_table(manifest))
    else:
        manifest = generate_region(
            out,
            rows=rows,
            seed=seed,
            period=period,
            fmt=fmt,
            authorities=authorities,
            on_written=on_written,
            corrected=corrected,
        )
    for case in manifest["edge_cases"]:
        click.echo(f"edge case  {case['kind']:<12}  {out / case['path']}")
    exports = len(manifest["exports"])
    click.echo(
        f"Wrote {exports} exports ({rows} rows each, seed {seed}, period {period}) to {out}; "
        f"manifest: {out / MANIFEST}"
    )


def _print_line(report: ExportReport) -> None:
    mapping = f"  (mapping: {report.mapping})" if report.mapping else ""
    click.echo(
        f"{report.authority}  {profile_of(report.authority).name:<22}  {report.return_type:<14}"
        f"  {report.fmt:<4}  {report.rows:>9} rows  {report.path}{mapping}"
    )


def _table(manifest: dict[str, Any]) -> Table:
    table = Table(title=f"Synthetic region, period {manifest['period']['label']}")
    table.add_column("Authority")
    table.add_column("Return", no_wrap=True)
    table.add_column("Format")
    table.add_column("Rows", justify="right")
    table.add_column("File", overflow="fold")  # paths are folded, never cut short
    table.add_column("Mapping file", overflow="fold")
    for export in manifest["exports"]:
        table.add_row(
            export["authority_name"],
            export["return_type"],
            export["format"],
            f"{export['rows']:,}",
            export["path"],
            export["mapping"] or "",
        )
    return table
