"""``anonymiser prepare FILE --type T --period P -o OUT.return``: make the signed return.

Reads the export as ``check`` does, refuses it while errors remain, applies every field's
disclosure policy, scans what is kept for stray identifiers, checks the re-identification
risk, and signs the return. Beside it: ``OUT.preview.html`` and ``OUT.preview.json``.

Exit status: 0 the return was made; 1 problems in the data, a stray identifier, a failed
risk check or a period already sent (no return written); 2 unusable input, settings or
keys (missing, unreadable, wrong passphrase, readable by others); 130 interrupted.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from anonymiser.checking import render_text as render_check
from anonymiser.checking import report_document
from anonymiser.cli.options import return_period
from anonymiser.config import Settings, load_settings
from anonymiser.errors import AnonymiserError, UnusableInput
from anonymiser.prepare import (
    STEP_COUNT,
    Interrupted,
    Ledger,
    PreparedReturn,
    PrepareJob,
    ProblemsInData,
    StrayIdentifiers,
    interrupts_raise,
    prepare_return,
    steps_for,
    unlock,
)
from anonymiser.preview import render_text
from anonymiser.reading import ReadLimits, parse_size
from anonymiser.reading.sniffing import sniff
from anonymiser.risk import MODES, RiskCheckFailed
from anonymiser.suppliers import SupplierLists, load_supplier_lists
from keys import PASSPHRASE_ENV
from schemas import ReturnSchema, SchemaError, get_schema, return_types

#: How many stray identifiers the text report lists (``--json`` has them all).
HITS_SHOWN = 20

config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The settings file (default: $ANONYMISER_CONFIG, else ./anonymiser.toml if present).",
)
keyring_option = click.option(
    "--keyring",
    "keyring_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The keyring directory (default: the settings' keyring, $ANONYMISER_KEYRING).",
)


def _output(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    if value.suffix != ".return":
        raise click.BadParameter(f"{value.name}: a return file's name ends .return")
    if not value.parent.is_dir():
        raise click.BadParameter(f"the folder {value.parent} does not exist")
    return value


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option(
    "--type",
    "return_type",
    required=True,
    type=click.Choice(return_types()),
    help="The return type the file holds.",
)
@click.option(
    "--period",
    required=True,
    callback=return_period,
    metavar="PERIOD",
    help="The return period: 2026-Q2, 2026-06 or 2026-27.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    callback=_output,
    help="The return file to write (NAME.return).",
)
@click.option("--version", "version", type=int, help="The schema version (default: the latest).")
@click.option(
    "--map",
    "mapping_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help='A TOML mapping file: a [columns] table of "Your header" = "field_name".',
)
@click.option(
    "--rehearsal",
    is_flag=True,
    help="A rehearsal with test data: accept NHS numbers in the 999 test range.",
)
@click.option(
    "--supersedes",
    metavar="PATH_OR_HASH",
    help="The return this one corrects: its .return file or manifest hash.",
)
@click.option("--preview", "show_preview", is_flag=True, help="Also print the preview here.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document, for scripts.")
@click.option(
    "--suppliers",
    "supplier_list",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A TOML file of individuals = [...] and organisations = [...] names.",
)
@click.option(
    "--authority",
    help="This authority's ONS code (default: from the settings, else the keyring's).",
)
@click.option(
    "--k-threshold",
    type=click.IntRange(min=1),
    help="Smallest group size allowed (not below the agreed k).",
)
@click.option(
    "--l-threshold",
    type=click.IntRange(min=1),
    help="Fewest weekly-cost bands per group (l-diversity).",
)
@click.option("--risk-mode", type=click.Choice(MODES), help="How a return below k is remediated.")
@click.option("--compress/--no-compress", default=None, help="Store the payload gzipped.")
@config_option
@keyring_option
def prepare(**options: Any) -> None:
    """Make the signed, anonymised return of FILE, and a preview of what leaves.

    Nothing is written unless every step passes. Exit status: 0 made, 1 problems in the
    data or the ledger (no return written), 2 unusable input, settings or keys.
    """
    as_json = bool(options["as_json"])
    try:
        with interrupts_raise(), _interrupt_as_error():
            prepared = _run(options)
    except AnonymiserError as err:
        _report_failure(err, as_json)
        raise
    _report_success(prepared, as_json=as_json, show_preview=bool(options["show_preview"]))


def _run(options: dict[str, Any]) -> PreparedReturn:
    schema = schema_for(options["return_type"], options["version"])
    settings = _settings(options, schema.return_type)
    chosen = settings.for_return(schema.return_type)
    # A missing, empty or wrong kind of file is said before the keys are asked for.
    sniff(Path(options["file"]), read_limits(settings))
    credentials = unlock(
        Path(settings.keyring),
        passphrase(),
        authority=settings.authority,
        regional=any(f.policy.kind == "pseudonymise" for f in schema.raw_fields),
    )
    with _mapping(options["mapping_file"] or chosen.mapping, chosen.columns) as mapping:
        job = PrepareJob(
            source=options["file"],
            schema=schema,
            period=options["period"],
            output=options["output"],
            mapping_file=mapping,
            rehearsal=bool(options["rehearsal"]),
            compress=bool(settings.compress),
            k_threshold=chosen.k_threshold,
            l_threshold=chosen.l_threshold,
            risk_mode=chosen.risk_mode,
            suppliers=supplier_lists(settings, options["supplier_list"]),
            limits=read_limits(settings),
            supersedes=options["supersedes"],
        )
        steps = steps_for(STEP_COUNT, quiet=bool(options["as_json"]))
        try:
            return prepare_return(
                job, credentials=credentials, ledger=Ledger(settings.ledger_path()), steps=steps
            )
        finally:
            steps.close()


def _settings(options: dict[str, Any], return_type: str) -> Settings:
    prefix = f"returns.{return_type}"
    return load_settings(
        options["config_file"],
        overrides={
            "keyring": options["keyring_dir"],
            "authority": options["authority"],
            "compress": options["compress"],
            f"{prefix}.k_threshold": options["k_threshold"],
            f"{prefix}.l_threshold": options["l_threshold"],
            f"{prefix}.risk_mode": options["risk_mode"],
        },
    )


def schema_for(return_type: str, version: int | None) -> ReturnSchema:
    """The schema asked for, or a usage error naming the known versions."""
    try:
        return get_schema(return_type, version)
    except SchemaError as err:
        raise click.BadParameter(str(err), param_hint="--version") from None


def passphrase() -> str:
    """The key passphrase: ``$ANONYMISER_KEY_PASSPHRASE``, else asked at the terminal."""
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise UnusableInput(
            f"No key passphrase: set {PASSPHRASE_ENV}, or run at a terminal to type it."
        )
    value = click.prompt("Key passphrase", hide_input=True, err=True)
    if not value:
        raise UnusableInput("An empty passphrase cannot unlock the keys.")
    return str(value)


def supplier_lists(settings: Settings, extra: Path | None) -> SupplierLists:
    """The settings' supplier lists, with those of a ``--suppliers`` file added."""
    individuals = set(SupplierLists.of(settings.values["suppliers.individuals"]).individuals)
    organisations = set(
        SupplierLists.of((), settings.values["suppliers.organisations"]).organisations
    )
    for path in (settings.values["suppliers.file"], extra):
        if path is not None:
            lists = load_supplier_lists(Path(path))
            individuals |= lists.individuals
            organisations |= lists.organisations
    return SupplierLists(frozenset(individuals), frozenset(organisations))


def read_limits(settings: Settings) -> ReadLimits:
    """The input size limits from the settings."""
    return ReadLimits(
        max_file_bytes=parse_size(settings.max_file_size),
        max_unpacked_bytes=parse_size(settings.max_unpacked_size),
    )


@contextlib.contextmanager
def _mapping(path: Path | None, columns: Mapping[str, str]) -> Iterator[Path | None]:
    """A mapping file: the one named, else one written from the settings' columns table."""
    if path is not None or not columns:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="anonymiser-") as folder:
        written = Path(folder) / "anonymiser-toml-columns.toml"
        lines = ["[columns]", *(f"{json.dumps(h)} = {json.dumps(f)}" for h, f in columns.items())]
        written.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield written


@contextlib.contextmanager
def _interrupt_as_error() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted("Interrupted (Ctrl-C). No partial return file was left.") from None


def _report_failure(err: AnonymiserError, as_json: bool) -> None:
    """Say what stopped the run: the check report, the stray identifiers or the risk figures."""
    if as_json:
        click.echo(json.dumps(failure_document(err), ensure_ascii=False, indent=2))
        return
    console = stdout_console()
    if isinstance(err, ProblemsInData):
        render_check(err.report, console)
    elif isinstance(err, StrayIdentifiers):
        console.print(_hits_table(err))


def failure_document(err: AnonymiserError) -> dict[str, Any]:
    """The ``--json`` document of a run that made no return."""
    document: dict[str, Any] = {
        "ok": False,
        "error": {"kind": type(err).__name__, "message": str(err), "exit_code": err.exit_code},
    }
    if isinstance(err, ProblemsInData):
        document["check"] = report_document(err.report)
    if isinstance(err, StrayIdentifiers):
        hits = err.hits.astype(object).where(err.hits.notna(), None)
        document["stray_identifiers"] = hits.to_dict(orient="records")
    if isinstance(err, RiskCheckFailed):
        document["risk"] = err.report.as_dict()
    return document


def _hits_table(err: StrayIdentifiers) -> Table:
    hits = err.hits.to_dict(orient="records")
    more = len(hits) - HITS_SHOWN
    caption = f"and {more:,} more: --json lists them all" if more > 0 else None
    table = Table(
        title="Identifiers found in text that would leave", title_justify="left", caption=caption
    )
    for heading in ("Cell", "Header", "Found", "Shown masked"):
        table.add_column(heading)
    for hit in hits[:HITS_SHOWN]:
        table.add_row(
            Text(f"{hit['column'] or ''}{hit['row']}"),
            Text(str(hit["header"] or hit["field"])),
            Text(str(hit["kind"])),
            Text(str(hit["masked"])),
        )
    return table


def _report_success(prepared: PreparedReturn, *, as_json: bool, show_preview: bool) -> None:
    manifest = prepared.signed.manifest
    if as_json:
        document = {
            "ok": True,
            "return": str(prepared.output),
            "manifest_sha256": prepared.signed.manifest_hash,
            "manifest": manifest.to_dict(),
            "preview": {"json": str(prepared.preview_json), "html": str(prepared.preview_html)},
            "risk": prepared.document["risk"]["report"],
            "timings": prepared.document["timings"],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    console = stdout_console()
    if show_preview:
        render_text(prepared.document, console)
        console.print()
    console.print(
        Text(
            f"Wrote {prepared.output}: {manifest.return_type} for {manifest.period}, sequence "
            f"{manifest.sequence}, {manifest.payload.rows:,} rows. Manifest hash "
            f"{prepared.signed.manifest_hash}.\nPreview: {prepared.preview_html}",
            style="bold",
        )
    )


def stdout_console() -> Console:
    """A console on standard output; wide when it is not a terminal, so lines stay whole."""
    console = Console(file=sys.stdout, highlight=False, emoji=False)
    if not console.is_terminal:
        console = Console(file=sys.stdout, highlight=False, emoji=False, width=160)
    return console
