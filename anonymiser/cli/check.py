"""``anonymiser check FILE --type TYPE``: say what must be fixed in an export before it is sent.

Exit status: 0 when the file is clean, 1 when problems (errors or queries) were
found, 2 when the file cannot be used at all (empty, not a spreadsheet,
damaged, too big, missing a required column, or a different return type).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console

from anonymiser.checking import (
    CheckOptions,
    CheckReport,
    check_return,
    error_document,
    render_text,
    report_document,
    write_problem_list,
)
from anonymiser.checking.export import SUFFIXES
from anonymiser.cli.options import return_period
from anonymiser.errors import AnonymiserError, UnusableInput
from anonymiser.reading import ReadLimits, parse_size
from anonymiser.suppliers import load_supplier_lists
from schemas import ReturnPeriod, ReturnSchema, SchemaError, get_schema, return_types


def _size(ctx: click.Context, param: click.Parameter, value: str) -> int:
    try:
        return parse_size(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _report_path(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is None:
        return None
    if value.suffix.lower() not in SUFFIXES:
        raise click.BadParameter(f"{value.name}: the problem list is written as .csv or .xlsx")
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
    "--version",
    "version",
    type=int,
    default=None,
    help="The schema version to check against (default: the latest).",
)
@click.option(
    "--period",
    callback=return_period,
    metavar="PERIOD",
    help="The return period: 2026-Q2, 2026-06 or 2026-27.",
)
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
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document, for scripts.")
@click.option(
    "--report-out",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=_report_path,
    help="Write every problem to this .csv or .xlsx file.",
)
@click.option(
    "--suppliers",
    "supplier_list",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A TOML file of names known to be individuals = [...] or organisations = [...].",
)
@click.option(
    "--max-file-size",
    default="1GB",
    envvar="ANONYMISER_MAX_FILE_SIZE",
    callback=_size,
    show_default=True,
    metavar="SIZE",
    help="Refuse files larger than this.",
)
@click.option(
    "--max-unpacked-size",
    default="1GB",
    envvar="ANONYMISER_MAX_UNPACKED_SIZE",
    callback=_size,
    show_default=True,
    metavar="SIZE",
    help="Refuse workbooks that unzip larger.",
)
@click.option(
    "--show",
    default=20,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many errors and queries to show on screen.",
)
def check(
    file: Path,
    return_type: str,
    version: int | None,
    period: ReturnPeriod | None,
    mapping_file: Path | None,
    rehearsal: bool,
    as_json: bool,
    report_out: Path | None,
    supplier_list: Path | None,
    max_file_size: int,
    max_unpacked_size: int,
    show: int,
) -> None:
    """Check FILE (CSV or XLSX) against the agreed schema and report what to fix.

    Each problem is shown at the cell Excel names (D12), with the column's own header,
    the value (masked for identifiers) and what to do. Errors must be fixed; queries may
    be explained.

    Exit status: 0 clean, 1 problems found (errors or queries), 2 the file cannot be used.
    """
    schema = _schema(return_type, version)
    try:
        options = CheckOptions(
            period=period,
            mapping_file=mapping_file,
            rehearsal=rehearsal,
            limits=ReadLimits(max_file_bytes=max_file_size, max_unpacked_bytes=max_unpacked_size),
            supplier_lists=load_supplier_lists(supplier_list) if supplier_list else None,
        )
        report = check_return(file, schema, options)
    except UnusableInput as err:
        if as_json:
            document = error_document(str(file), return_type, schema.version, str(err))
            click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        raise
    _write_report(report, report_out)
    if as_json:
        click.echo(json.dumps(report_document(report), ensure_ascii=False, indent=2))
    else:
        render_text(report, _console(), shown=show)
    click.get_current_context().exit(report.exit_code)


def _schema(return_type: str, version: int | None) -> ReturnSchema:
    try:
        return get_schema(return_type, version)
    except SchemaError as err:
        raise click.BadParameter(str(err), param_hint="--version") from None


def _write_report(report: CheckReport, report_out: Path | None) -> None:
    """Write the full problem list, if asked; a failure to write is the officer's to fix."""
    if report_out is None:
        return
    try:
        write_problem_list(report, report_out)
    except OSError as err:
        raise AnonymiserError(
            f"the problem list cannot be written to {report_out} ({err.strerror}): "
            "choose a folder you can write to."
        ) from None


def _console() -> Console:
    """A console on standard output; wide when output is not a terminal, so lines stay whole."""
    console = Console(file=sys.stdout, highlight=False, emoji=False)
    if not console.is_terminal:
        console = Console(file=sys.stdout, highlight=False, emoji=False, width=160)
    return console
