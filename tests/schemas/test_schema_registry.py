"""The registry and the two agreed schemas: fields, policies, headers, and the contract's walls."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from schemas import (
    ReturnSchema,
    SchemaDefinitionError,
    SchemaError,
    UnknownSchema,
    get_schema,
    latest_version,
    list_schemas,
)
from schemas.fields import Field
from schemas.fieldtypes import LOCAL_ID, text
from schemas.policy import keep, pseudonymise

PLACEMENTS_RAW = [
    "placement_ref", "local_person_id", "nhs_number", "given_name", "family_name", "address",
    "postcode", "date_of_birth", "sex", "ethnicity", "notes", "client_type", "care_type",
    "primary_support_reason", "provider_name", "provider_type", "cqc_location_id", "ofsted_urn",
    "provider_org_id", "procurement_route", "start_date", "end_date", "unit_cost",
    "cost_frequency", "planned_units_per_week", "health_contribution", "education_contribution",
    "quality_rating",
]  # fmt: skip
PLACEMENTS_SHARED = [
    "placement_ref_pseudonym", "local_person_id_pseudonym", "nhs_number_pseudonym", "district",
    "age_band", "sex", "ethnicity", "client_type", "care_type", "primary_support_reason",
    "provider_name", "provider_type", "cqc_location_id", "ofsted_urn", "provider_org_id",
    "procurement_route", "start_month", "end_month", "unit_cost", "cost_frequency",
    "planned_units_per_week", "health_contribution", "education_contribution", "quality_rating",
    "weekly_cost",
]  # fmt: skip
SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"


def test_registry_lists_both_return_types() -> None:
    """Both agreed return types are registered at version 1, the latest."""
    assert list_schemas() == [("placements", 1), ("supplier_spend", 1)]
    assert latest_version("placements") == 1
    assert get_schema("placements") is get_schema("placements", 1)


def test_unknown_schemas_name_what_exists() -> None:
    """Asking for an unknown type or version raises UnknownSchema listing what is known."""
    with pytest.raises(UnknownSchema, match="placements, supplier_spend"):
        get_schema("invoices", 1)
    with pytest.raises(SchemaError, match="known versions: 1"):
        get_schema("placements", 9)


def test_placements_fields_are_the_agreed_table(placements: ReturnSchema) -> None:
    """Raw and shared fields are exactly the agreed ones, in order."""
    assert [field.name for field in placements.raw_fields] == PLACEMENTS_RAW
    assert [field.name for field in placements.shared_fields] == PLACEMENTS_SHARED
    assert (placements.return_type, placements.version, placements.k_threshold) == (
        "placements", 1, 5,
    )  # fmt: skip
    assert placements.quasi_identifiers == (
        "age_band", "sex", "ethnicity", "district", "care_type", "provider_name", "start_month",
    )  # fmt: skip


def test_field_attributes(placements: ReturnSchema) -> None:
    """Fields carry type, requirement, policy, identifier flag and code list."""
    nhs = placements.field("nhs_number")
    assert (nhs.type.name, nhs.required, nhs.identifier) == ("nhs_number", False, True)
    assert (nhs.policy.kind, nhs.policy.domain) == ("pseudonymise", "nhs_number")
    postcode = placements.field("postcode")
    assert (postcode.policy.kind, postcode.policy.rule, postcode.shared_name) == (
        "generalise", "district", "district",
    )  # fmt: skip
    assert placements.field("given_name").shared_name is None
    assert placements.field("care_type").codes is not None
    assert "childrens_home" in placements.field("care_type").codes  # type: ignore[operator]
    assert placements.field("unit_cost").type.name == "money"
    assert placements.shared_field("weekly_cost").sources == (
        "unit_cost", "cost_frequency", "planned_units_per_week",
    )  # fmt: skip
    with pytest.raises(SchemaError):
        placements.field("weekly_cost")


def test_supplier_spend_fields(supplier_spend: ReturnSchema) -> None:
    """Supplier names may be redacted, payment dates become months, descriptions never leave."""
    assert supplier_spend.field("supplier_name").policy.kind == "redact_if_individual"
    assert supplier_spend.field("payment_date").shared_name == "payment_month"
    assert supplier_spend.field("description").shared_name is None
    assert "description" not in [field.name for field in supplier_spend.shared_fields]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("NHS No.", "nhs_number"),
        ("  nhs number ", "nhs_number"),
        ("D.O.B.", "date_of_birth"),
        ("Placement Start Date", "start_date"),
        ("Mosaic ID", "local_person_id"),
        ("cost_frequency", "cost_frequency"),
        ("Favourite colour", None),
    ],
)
def test_headers_match_fields(placements: ReturnSchema, header: str, field: str | None) -> None:
    """Headers match by name or alias, ignoring case, spaces and punctuation."""
    assert placements.match_header(header) == field


def test_clashing_aliases_are_a_definition_error() -> None:
    """Two fields claiming one header is caught when the schema module is built."""
    with pytest.raises(SchemaDefinitionError, match="read as both a and b"):
        ReturnSchema(
            return_type="clash",
            version=1,
            description="",
            fields=(
                Field("a", LOCAL_ID, True, pseudonymise("a"), "", ("Reference",)),
                Field("b", text(), False, keep(), "", ("reference",)),
            ),
        )


def test_each_module_is_one_version() -> None:
    """Every <type>_v<version>.py module defines the schema its name says."""
    for return_type, version in list_schemas():
        assert (SCHEMAS_DIR / f"{return_type}_v{version}.py").is_file()


def test_schemas_import_no_side_of_the_exchange() -> None:
    """The contracts import neither the anonymiser, the hub, nor Flask."""
    forbidden = {"anonymiser", "exchange", "flask"}
    for path in SCHEMAS_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not {name.split(".")[0] for name in names} & forbidden, path
