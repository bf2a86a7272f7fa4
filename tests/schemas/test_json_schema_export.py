"""JSON Schema (2020-12) export, checked with a real validator against rows the schema makes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from jsonschema import Draft202012Validator

from schemas import ReturnPeriod, ReturnSchema, get_schema


def shared_rows(
    schema: ReturnSchema, raw: pd.DataFrame, period: ReturnPeriod
) -> list[dict[str, Any]]:
    """Shared rows as the anonymiser would make them (pseudonyms stand-ins), JSON-ready."""
    parsed = schema.validate_frame(raw, period=period).parsed
    shared = schema.generalise(parsed, period=period)
    for field in schema.shared_fields:
        if field.policy.kind == "pseudonymise":
            shared[field.name] = [f"v1:{index:064x}" for index in range(len(parsed))]
        elif field.name not in shared:
            shared[field.name] = parsed[field.name]
    records = shared.astype(object).where(shared.notna(), None).to_dict("records")
    return [{str(key): value for key, value in record.items()} for record in records]


@pytest.mark.parametrize("return_type", ["placements", "supplier_spend"])
@pytest.mark.parametrize("view", ["raw", "shared"])
def test_exports_are_valid_2020_12_schemas(return_type: str, view: str) -> None:
    """Both views of both schemas are well-formed JSON Schema 2020-12."""
    document = get_schema(return_type, 1).json_schema(view)  # type: ignore[arg-type]
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(document["properties"]) == [
        field.name for field in get_schema(return_type, 1).fields_of(view)
    ]


def test_rows_the_schema_makes_validate(
    placements: ReturnSchema, raw_placements: Callable[[int], pd.DataFrame], period: ReturnPeriod
) -> None:
    """Shared rows made from valid raw rows pass the exported JSON Schema and the envelope."""
    rows = shared_rows(placements, raw_placements(8), period)
    validator = Draft202012Validator(placements.json_schema("shared"))
    for row in rows:
        assert not list(validator.iter_errors(row)), row
    envelope = {
        "return_type": "placements",
        "schema_version": 1,
        "period": "2024-25",
        "authority": "E06000015",
        "rows": rows,
    }
    Draft202012Validator(placements.envelope_json_schema()).validate(envelope)
    assert placements.envelope_schema().load(envelope)["period"] == period


def test_exported_schema_refuses_what_must_not_leave(
    placements: ReturnSchema, raw_placements: Callable[[int], pd.DataFrame], period: ReturnPeriod
) -> None:
    """Extra fields, raw identifiers in pseudonym fields and labels for codes are refused."""
    row = shared_rows(placements, raw_placements(1), period)[0]
    validator = Draft202012Validator(placements.json_schema("shared"))
    assert not validator.is_valid({**row, "given_name": "Amelia"})
    assert not validator.is_valid({**row, "nhs_number_pseudonym": "9434765919"})
    assert not validator.is_valid({**row, "care_type": "Residential care"})
    assert not validator.is_valid(
        {key: value for key, value in row.items() if key != "local_person_id_pseudonym"}
    )


def test_raw_export_documents_aliases_and_policies(placements: ReturnSchema) -> None:
    """The raw view's schema carries each field's aliases, policy and identifier flag."""
    nhs = placements.json_schema("raw")["properties"]["nhs_number"]
    assert nhs["x-policy"] == "pseudonymise(nhs_number)"
    assert nhs["x-identifier"] is True
    assert "NHS No." in nhs["x-aliases"]
    assert nhs["x-shared-as"] == "nhs_number_pseudonym"
