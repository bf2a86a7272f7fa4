"""``anonymiser schema``: the schema tables and JSON an officer and a machine read."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from anonymiser.cli import main
from schemas import get_schema


def run(*args: str) -> Result:
    """Run ``anonymiser schema ...`` with a wide terminal."""
    return CliRunner(env={"COLUMNS": "220"}).invoke(main, ["schema", *args])


def test_list_names_every_schema() -> None:
    """The list shows each return type, its version and the start of its policy hash."""
    result = run("list")
    assert result.exit_code == 0, result.output
    for return_type in ("placements", "supplier_spend"):
        assert return_type in result.output
        assert get_schema(return_type, 1).policy_hash()[:12] in result.output


def test_list_as_json() -> None:
    """--json gives one entry per schema with its full policy hash."""
    entries = json.loads(run("list", "--json").output)
    assert [(e["return_type"], e["version"], e["latest"]) for e in entries] == [
        ("placements", 1, True),
        ("supplier_spend", 1, True),
    ]


def test_show_prints_every_field_and_what_leaves() -> None:
    """The table has every raw field with its type, requirement, policy and what leaves."""
    result = run("show", "placements")
    assert result.exit_code == 0, result.output
    for field in get_schema("placements", 1).raw_fields:
        assert field.name in result.output
    for heading in ("field", "type", "required", "policy", "what leaves", "description"):
        assert heading in result.output
    assert "pseudonymise(nhs_number)" in result.output
    assert "nhs_number_pseudonym" in result.output


def test_show_shared_view() -> None:
    """--view shared lists what the hub receives and what each field is made from."""
    result = run("show", "placements", "--view", "shared", "--version", "1")
    assert result.exit_code == 0, result.output
    assert "weekly_cost" in result.output
    assert "made from" in result.output
    assert "given_name" not in result.output


def test_show_as_json() -> None:
    """--json gives the fields, their policies and the policy hash."""
    document = json.loads(run("show", "supplier_spend", "--json").output)
    assert document["policy_hash"] == get_schema("supplier_spend", 1).policy_hash()
    fields = {entry["name"]: entry for entry in document["fields"]}
    assert fields["supplier_name"]["policy"] == "redact_if_individual"
    assert fields["payment_date"]["leaves_as"] == "payment_month"


def test_show_json_schema() -> None:
    """--json-schema prints the JSON Schema of one row of the view."""
    document = json.loads(run("show", "placements", "--json-schema", "--view", "shared").output)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "weekly_cost" in document["properties"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "invoices"), "known types: placements, supplier_spend"),
        (("show", "placements", "--version", "7"), "known versions: 1"),
        (("show", "placements", "--json", "--json-schema"), "Choose one"),
        (("show", "placements", "--view", "hub"), "Invalid value"),
    ],
)
def test_bad_requests_exit_2_with_a_clear_message(args: tuple[str, ...], message: str) -> None:
    """An unknown type or version, or clashing options, is a usage error (exit 2)."""
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
