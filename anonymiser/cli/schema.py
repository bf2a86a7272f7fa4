"""``anonymiser schema``: read the agreed schemas — what each field is, and what leaves.

``anonymiser schema list`` names every return type and version; ``anonymiser schema show
placements`` prints a table an information governance officer can check field by field:
its type, whether it is required, its disclosure policy and what leaves the authority.
``--json`` and ``--json-schema`` print the same for machines.
"""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from schemas import ReturnSchema, SchemaError, get_schema, latest_version, list_schemas
from schemas.fields import Field, SharedField


@click.group()
def schema() -> None:
    """Show the agreed return schemas and their disclosure policies."""


@schema.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_command(as_json: bool) -> None:
    """List every return type and schema version."""
    entries = [_summary(get_schema(kind, version)) for kind, version in list_schemas()]
    if as_json:
        click.echo(json.dumps(entries, indent=2))
        return
    table = Table(title="Agreed return schemas")
    for heading in ("return type", "version", "latest", "raw fields", "shared fields", "policy"):
        table.add_column(heading, no_wrap=True)
    for entry in entries:
        table.add_row(
            entry["return_type"],
            str(entry["version"]),
            "yes" if entry["latest"] else "",
            str(entry["raw_fields"]),
            str(entry["shared_fields"]),
            entry["policy_hash"][:12],
        )
    Console().print(table)


@schema.command("show")
@click.argument("return_type")
@click.option("--version", "version", type=int, help="Schema version (default: the latest).")
@click.option(
    "--view",
    type=click.Choice(["raw", "shared"]),
    default="raw",
    show_default=True,
    help="raw: what the authority's export holds; shared: what the hub receives.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the fields and policies as JSON.")
@click.option(
    "--json-schema",
    "as_json_schema",
    is_flag=True,
    help="Print the JSON Schema (2020-12) of one row of the view.",
)
def show(
    return_type: str, version: int | None, view: str, as_json: bool, as_json_schema: bool
) -> None:
    """Show one schema: every field, its type, whether required, and what leaves."""
    if as_json and as_json_schema:
        raise click.UsageError("Choose one of --json and --json-schema.")
    try:
        found = get_schema(return_type, version)
    except SchemaError as error:
        raise click.UsageError(str(error)) from error
    if as_json_schema:
        click.echo(json.dumps(found.json_schema("shared" if view == "shared" else "raw"), indent=2))
    elif as_json:
        click.echo(json.dumps(_document(found, view), indent=2, ensure_ascii=False))
    else:
        _print_table(found, view)


def _summary(found: ReturnSchema) -> dict[str, Any]:
    return {
        "return_type": found.return_type,
        "version": found.version,
        "latest": found.version == latest_version(found.return_type),
        "raw_fields": len(found.raw_fields),
        "shared_fields": len(found.shared_fields),
        "policy_hash": found.policy_hash(),
    }


def _document(found: ReturnSchema, view: str) -> dict[str, Any]:
    fields = found.raw_fields if view == "raw" else found.shared_fields
    return {
        **_summary(found),
        "view": view,
        "description": found.description,
        "k_threshold": found.k_threshold,
        "quasi_identifiers": list(found.quasi_identifiers),
        "fields": [_field_entry(field) for field in fields],
    }


def _field_entry(field: Field | SharedField) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": field.name,
        "type": field.type.name,
        "type_summary": field.type.describe(),
        "required": field.required,
        "policy": str(field.policy),
        "description": field.description,
    }
    if isinstance(field, Field):
        entry["identifier"] = field.identifier
        entry["leaves_as"] = field.shared_name
        entry["aliases"] = list(field.aliases)
    else:
        entry["from"] = list(field.sources)
    if field.codes is not None:
        entry["codes"] = dict(field.codes)
    return entry


def _print_table(found: ReturnSchema, view: str) -> None:
    console = Console()
    console.print(
        f"[bold]{found.return_type}[/bold] v{found.version}, {view} view — {found.description}"
    )
    console.print(
        f"policy hash {found.policy_hash()}; k = {found.k_threshold} over "
        + ", ".join(found.quasi_identifiers)
    )
    table = Table(show_lines=False)
    table.add_column("field", no_wrap=True, style="bold")
    table.add_column("type")
    table.add_column("required", no_wrap=True)
    table.add_column("policy", no_wrap=True)
    table.add_column("what leaves" if view == "raw" else "made from")
    table.add_column("description")
    rows = found.raw_fields if view == "raw" else found.shared_fields
    for field in rows:
        leaves = field.leaves_as if isinstance(field, Field) else ", ".join(field.sources)
        style = "dim" if field.policy.kind == "drop" else None
        table.add_row(
            field.name,
            field.type.describe(),
            "yes" if field.required else "no",
            str(field.policy),
            leaves,
            field.description,
            style=style,
        )
    console.print(table)
