"""Single records through marshmallow: the same types and error rules as whole frames."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import marshmallow as ma
import pandas as pd
import pytest

from schemas import ReturnPeriod, ReturnSchema


def first_record(build: Callable[[int], pd.DataFrame]) -> dict[str, Any]:
    """One valid raw placements record as a dict of text cells."""
    record = build(1).iloc[0].to_dict()
    return {str(key): value for key, value in record.items()}


def test_raw_records_load_normalised(
    placements: ReturnSchema, raw_placements: Callable[[int], pd.DataFrame]
) -> None:
    """A raw record loads with typed, normalised values; columns outside the schema are
    ignored."""
    record = {**first_record(raw_placements), "Favourite colour": "blue", "unit_cost": "£1,250"}
    loaded = placements.record_schema("raw").load(record)
    assert loaded["unit_cost"] == 1250.0
    assert loaded["client_type"] == "child"
    assert isinstance(loaded["date_of_birth"], date)
    assert "Favourite colour" not in loaded


def test_missing_and_invalid_values_are_explained(
    placements: ReturnSchema, raw_placements: Callable[[int], pd.DataFrame]
) -> None:
    """Missing required fields and bad values give messages with what to do."""
    record = first_record(raw_placements)
    del record["care_type"]
    record["nhs_number"] = "9434765918"
    record["provider_name"] = None
    errors = placements.record_schema("raw").validate(record)
    assert set(errors) == {"care_type", "nhs_number", "provider_name"}
    assert "check digit" in errors["nhs_number"][0]
    assert errors["care_type"] == ["A value is required."]


def test_cross_field_errors_are_raised_for_records(
    placements: ReturnSchema, raw_placements: Callable[[int], pd.DataFrame]
) -> None:
    """An end before the start fails a record as it fails a frame; queries do not."""
    record = {**first_record(raw_placements), "start_date": "2024-03-01", "end_date": "2024-02-01"}
    with pytest.raises(ma.ValidationError) as raised:
        placements.record_schema("raw").load(record)
    assert "end_date" in raised.value.messages_dict
    outlier = {**first_record(raw_placements), "unit_cost": "50,000"}
    assert placements.record_schema("raw").validate(outlier) == {}


def test_rehearsal_records_accept_test_numbers(
    placements: ReturnSchema, raw_placements: Callable[[int], pd.DataFrame]
) -> None:
    """The rehearsal record schema accepts 999 NHS numbers; the real one refuses them."""
    record = {**first_record(raw_placements), "nhs_number": "999 000 0018"}
    assert "nhs_number" in placements.record_schema("raw").validate(record)
    assert placements.record_schema("raw", rehearsal=True).validate(record) == {}


def test_shared_records_refuse_unknown_fields(placements: ReturnSchema) -> None:
    """Nothing outside the shared fields may be sent."""
    errors = placements.record_schema("shared").validate({"given_name": "Amelia"})
    assert errors["given_name"] == ["Unknown field."]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"return_type": "supplier_spend"}, "return_type"),
        ({"schema_version": 2}, "schema_version"),
        ({"schema_version": "1"}, "schema_version"),
        ({"period": "2026-Q5"}, "period"),
        ({"authority": "E09000001"}, "authority"),
        ({"signature": "..."}, "signature"),
    ],
)
def test_envelopes_are_checked(
    placements: ReturnSchema, change: dict[str, Any], field: str
) -> None:
    """The envelope must name this return type and version, a real period and a region
    authority, and nothing else."""
    envelope = {
        "return_type": "placements",
        "schema_version": 1,
        "period": "2026-Q2",
        "authority": "E10000021",
        "rows": [],
        **change,
    }
    assert field in placements.envelope_schema().validate(envelope)


def test_envelope_round_trips(placements: ReturnSchema) -> None:
    """An envelope loads its period as a ReturnPeriod and dumps it back as the label."""
    envelope = {
        "return_type": "placements",
        "schema_version": 1,
        "period": "2026 q2",
        "authority": "E06000061",
        "rows": [],
    }
    loaded = placements.envelope_schema().load(envelope)
    assert loaded["period"] == ReturnPeriod.parse("2026-Q2")
    assert placements.envelope_schema().dump(loaded)["period"] == "2026-Q2"
