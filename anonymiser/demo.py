"""`make demo`: the exchange end to end on a synthetic region, through the real commands.

Runs what a region's data officers would run, with the console scripts a user has
(``anonymiser``), so the demo proves the commands rather than shortcuts around them:

1. ``anonymiser synth`` writes ten authorities' raw placements and spend exports,
   messy the way real exports are;
2. ``anonymiser check`` reads each one and writes its full problem list;
3. each authority makes its keys; the custodian makes the regional pseudonymisation
   key and seals it to every authority, which opens it (``anonymiser keys``);
4. the hub is set up by its administrator (``exchange``): the region's authorities,
   their public keys, sharing agreements, the return period, users and upload tokens;
   then it serves on http://127.0.0.1:5000 (SQLite, no other server needed);
5. each authority makes its signed returns with ``anonymiser prepare`` from its
   corrected exports (the same mess, without the planted errors), with a preview,
   and sends them with ``anonymiser upload``, which believes only a receipt signed
   by the hub's key with a valid audit-log inclusion proof.

It says what it did and where every file is. Demo keys are made fresh in the output
folder under a demo passphrase; they are never committed.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from anonymiser import demo_hub
from anonymiser.demo_authorities import Authority, Prepared, make_keys, prepare_return

PERIOD = "2026-Q2"
ROWS = 200
SEED = 2026
CUSTODIAN = "E10000018"  # Leicestershire hosts the regional key, as it hosted EMCE
DEMO_PASSPHRASE = "demo passphrase, not for real keys"  # noqa: S105 - demo keys only


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


def _run(
    args: list[str], *, expect: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 - our own console scripts, no shell
        args, capture_output=True, text=True, check=False, env=env
    )
    if done.returncode not in expect:
        raise click.ClickException(
            f"`{' '.join(Path(args[0]).name if i == 0 else a for i, a in enumerate(args))}` "
            f"failed with exit {done.returncode}:\n{done.stderr.strip()}"
        )
    return done


def generate_region(region: Path, *, corrected: bool = False) -> dict[str, Any]:
    """Write the synthetic region with ``anonymiser synth``; return its manifest."""
    args = [_tool("anonymiser"), "synth", "--out", str(region), "--rows", str(ROWS),
            "--seed", str(SEED), "--period", PERIOD]  # fmt: skip
    _run(args + (["--corrected"] if corrected else []))
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


def _prepared_table(prepared: list[Prepared]) -> Table:
    table = Table(title="anonymiser prepare: signed returns")
    for column in ("authority", "return", "rows", "manifest hash", "preview or problem"):
        table.add_column(column, overflow="fold")
    for item in prepared:
        table.add_row(
            item.authority.name, item.return_type, str(item.rows),
            item.manifest_hash[:16], item.message,
        )  # fmt: skip
    return table


MARKER = ".exchange-demo"


def _fresh(out: Path) -> None:
    """Start from an empty output folder; only ever delete one the demo made itself."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise click.ClickException(
                f"{out} is not empty and was not made by the demo; choose another --out."
            )
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("Made by `make demo`; deleted and remade by the next run.\n")


def _check_step(console: Console, out: Path) -> dict[str, Any]:
    console.print(f"[bold]1.[/] Generating the synthetic region ({ROWS} rows per export)…")
    region, reports = out / "region", out / "reports"
    manifest = generate_region(region)
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
    return manifest


def _returns_step(
    console: Console, out: Path, authorities: list[Authority], tokens: dict[str, str],
    hub: demo_hub.Hub,
) -> None:  # fmt: skip
    console.print(
        "[bold]5.[/] Each authority prepares its signed returns from its corrected exports "
        "(`anonymiser prepare`) and uploads them (`anonymiser upload`)…"
    )
    corrected = generate_region(out / "region-corrected", corrected=True)
    by_code = {a.code: a for a in authorities}
    prepared: list[Prepared] = []
    for export in corrected["exports"]:
        item = prepare_return(by_code[export["authority"]], export, out / "region-corrected",
                              passphrase=DEMO_PASSPHRASE)  # fmt: skip
        if item.path is not None:
            receipt = demo_hub.upload(item.path, token=tokens[item.authority.code], hub=hub)
            item = dataclasses.replace(item, message=_receipt_line(receipt))
        prepared.append(item)
    console.print(_prepared_table(prepared))
    console.print(
        f"   Returns, previews (HTML and JSON) and receipts: "
        f"{out / 'authorities'}/<authority>/returns/"
    )


def _receipt_line(receipt: dict[str, Any]) -> str:
    inner = receipt.get("receipt", receipt)
    index = inner.get("log_index", "?")
    return f"receipt verified, log #{index}"


@click.command()
@click.option(
    "--out",
    default="demo-output",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder the demo writes everything into (remade on each run).",
)
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="Keep the hub running at the end until Ctrl-C (--no-serve: stop it and exit).",
)
def main(out: Path, serve: bool) -> None:
    """Run the exchange end to end on a synthetic region and say where everything is."""
    console = Console()
    demo_hub.ensure_port_free(demo_hub.HOST, demo_hub.PORT)  # before minutes of work, not after
    _fresh(out)
    manifest = _check_step(console, out)
    authorities = [
        Authority(a["code"], a["name"], out / "authorities" / a["slug"])
        for a in manifest["authorities"]
    ]
    console.print(
        "[bold]3.[/] Keys: each authority's signing and exchange keys; the regional "
        "pseudonymisation key made by the custodian and sealed to each authority…"
    )
    registrations = make_keys(authorities, custodian=CUSTODIAN, passphrase=DEMO_PASSPHRASE)
    console.print(f"   Keyrings (0600, passphrase-encrypted) under {out / 'authorities'}/*/keyring")
    console.print("[bold]4.[/] Setting up the hub (SQLite) and registering the region…")
    hub = demo_hub.Hub(out / "hub")
    tokens = demo_hub.set_up(hub, registrations, PERIOD)
    server = demo_hub.start(hub, out / "hub.log")
    try:
        console.print(f"   Hub running at {demo_hub.HUB_URL} (log: {out / 'hub.log'})")
        _returns_step(console, out, authorities, tokens, hub)
        console.print(
            "[bold]6.[/] The regional picture, rebuilt as each return was accepted, under "
            "disclosure control (`exchange picture status`):"
        )
        console.print(hub.run("picture", "status").rstrip())
        _logins(console, authorities)
        if serve:
            console.print(f"Open {demo_hub.HUB_URL}/ and log in. Press Ctrl-C to stop the hub.")
            server.wait()
    except KeyboardInterrupt:
        console.print("Stopping the hub.")
    finally:
        server.terminate()
        server.wait()


def _logins(console: Console, authorities: list[Authority]) -> None:
    table = Table(title=f"Demo logins at {demo_hub.HUB_URL}/login (password: "
                  f"{demo_hub.DEMO_PASSWORD})")  # fmt: skip
    table.add_column("user")
    table.add_column("role")
    for role in demo_hub.ROLES:
        table.add_row(f"demo-{role.replace('_', '-')}", role)
    first = authorities[0]
    table.add_row(f"demo-officer-{first.code.lower()}", f"data_officer ({first.name})")
    console.print(table)
    console.print("   Every authority has a data officer: demo-officer-<ONS code in lower case>.")


if __name__ == "__main__":
    main()
