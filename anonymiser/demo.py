"""`make demo`: the exchange end to end on a synthetic region, through the real commands.

Runs what a region's data officers would run, with the console scripts a user has
(``anonymiser``), so the demo proves the commands rather than shortcuts around them:

1. ``anonymiser synth`` writes ten authorities' raw placements and spend exports,
   messy the way real exports are;
2. ``anonymiser check`` reads each one and writes its full problem list.

It says what it did and where every file is. Nothing here needs a server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

PERIOD = "2026-Q2"
ROWS = 200
SEED = 2026


@dataclass(frozen=True)
class CheckOutcome:
    """One export's check, as the demo reports it."""

    authority: str
    return_type: str
    path: Path
    exit_code: int
    summary: dict[str, Any]
    problems_file: Path


def _tool(name: str) -> str:
    """The console script installed beside this interpreter (the project's .venv)."""
    return str(Path(sys.executable).with_name(name))


def _run(args: list[str], *, expect: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode not in expect:
        raise click.ClickException(
            f"`{' '.join(Path(args[0]).name if i == 0 else a for i, a in enumerate(args))}` "
            f"failed with exit {done.returncode}:\n{done.stderr.strip()}"
        )
    return done


def generate_region(out: Path) -> dict[str, Any]:
    """Write the synthetic region with ``anonymiser synth``; return its manifest."""
    region = out / "region"
    _run([_tool("anonymiser"), "synth", "--out", str(region), "--rows", str(ROWS),
          "--seed", str(SEED), "--period", PERIOD])  # fmt: skip
    manifest: dict[str, Any] = json.loads((region / "region.json").read_text())
    return manifest


def check_export(region: Path, reports: Path, export: dict[str, Any]) -> CheckOutcome:
    """Check one export with ``anonymiser check`` (rehearsal: test-range NHS numbers)."""
    path = region / export["path"]
    problems = reports / f"{path.stem}.problems.csv"
    args = [_tool("anonymiser"), "check", str(path), "--type", export["return_type"],
            "--period", PERIOD, "--rehearsal", "--json", "--report-out", str(problems)]  # fmt: skip
    if export.get("mapping"):
        args += ["--map", str(region / export["mapping"])]
    done = _run(args, expect=(0, 1))
    document = json.loads(done.stdout)
    return CheckOutcome(
        export["authority_name"], export["return_type"], path, done.returncode,
        document["summary"], problems,
    )  # fmt: skip


def _table(outcomes: list[CheckOutcome]) -> Table:
    table = Table(title=f"anonymiser check, period {PERIOD}")
    for column in ("authority", "return", "rows", "errors", "queries", "dropped columns"):
        table.add_column(column, justify="right" if column != "authority" else "left")
    for outcome in outcomes:
        summary = outcome.summary
        table.add_row(
            outcome.authority, outcome.return_type, str(summary["rows"]),
            str(summary["errors"]), str(summary["queries"]), str(summary["columns_dropped"]),
        )  # fmt: skip
    return table


@click.command()
@click.option(
    "--out",
    default="demo-output",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder the demo writes everything into (replaced files, never deleted ones).",
)
def main(out: Path) -> None:
    """Run the exchange end to end on a synthetic region and say where everything is."""
    console = Console()
    out.mkdir(parents=True, exist_ok=True)
    console.print(f"[bold]1.[/] Generating the synthetic region ({ROWS} rows per export)…")
    manifest = generate_region(out)
    region, reports = out / "region", out / "reports"
    reports.mkdir(exist_ok=True)
    console.print(f"   {len(manifest['exports'])} exports written to {region}/")
    console.print("[bold]2.[/] Checking every export with `anonymiser check`…")
    outcomes = [check_export(region, reports, export) for export in manifest["exports"]]
    console.print(_table(outcomes))
    console.print(
        f"   Full problem lists (Excel row, column letter, what to do): {reports}/\n"
        "   Errors are the problems planted in the synthetic exports (bad check digits, "
        "end before start, missing values); queries include suppliers who are private "
        "individuals, whose names are redacted before a return leaves."
    )


if __name__ == "__main__":
    main()
