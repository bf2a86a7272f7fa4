"""Validating whole frames: parsed values, problems with Excel rows, and cross-field rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from schemas import PROBLEM_COLUMNS, ReturnPeriod, ReturnSchema

Build = Callable[[int], pd.DataFrame]


def codes_by_row(problems: pd.DataFrame) -> set[tuple[object, str]]:
    """The (row, code) pairs of a problems table."""
    return set(zip(problems["row"], problems["code"], strict=True))


def test_valid_rows_parse_cleanly(
    placements: ReturnSchema, raw_placements: Build, period: ReturnPeriod
) -> None:
    """Valid rows give no problems and typed, normalised values with the same index."""
    frame = raw_placements(30)
    result = placements.validate_frame(frame, "raw", period=period)
    assert result.ok, result.problems.to_string()
    assert result.problems.empty
    assert list(result.problems.columns) == list(PROBLEM_COLUMNS)
    parsed = result.parsed
    assert list(parsed.columns) == [field.name for field in placements.raw_fields]
    assert parsed.index.equals(frame.index)
    assert parsed["unit_cost"].dtype == np.float64
    assert parsed["date_of_birth"].dtype == np.dtype("datetime64[ns]")
    assert set(parsed["client_type"]) == {"adult", "child"}
    assert set(parsed["cost_frequency"]) <= {"weekly", "hourly"}
    assert parsed["placement_ref"].str.fullmatch("PL[0-9]+").all()


def test_problems_carry_the_frames_row_labels(
    placements: ReturnSchema, raw_placements: Build
) -> None:
    """Problems name the index label (the reader's Excel row), not the position."""
    frame = raw_placements(5)
    frame.loc[4, "unit_cost"] = "twelve pounds"
    frame.loc[6, "care_type"] = "teleportation"
    problems = placements.validate_frame(frame).problems
    assert codes_by_row(problems) == {(4, "money.format"), (6, "code.unknown")}
    assert problems.set_index("row").loc[4, "value"] == "twelve pounds"


def test_missing_required_column_is_one_problem(
    placements: ReturnSchema, raw_placements: Build
) -> None:
    """A missing required column gives one error with no row; missing optional ones are fine."""
    frame = raw_placements(4).drop(columns=["date_of_birth", "notes", "nhs_number"])
    result = placements.validate_frame(frame)
    assert not result.ok
    assert len(result.problems) == 1
    problem = result.problems.iloc[0]
    assert problem["row"] is None
    assert (problem["field"], problem["code"]) == ("date_of_birth", "column.missing")
    assert "DOB" in problem["hint"]
    assert result.parsed["nhs_number"].isna().all()
    assert result.parsed["date_of_birth"].dtype == np.dtype("datetime64[ns]")


def test_empty_required_cells_are_errors(placements: ReturnSchema, raw_placements: Build) -> None:
    """A blank required cell is an error; a blank optional one is not."""
    frame = raw_placements(3)
    frame.loc[2, "provider_name"] = "   "
    frame.loc[3, "postcode"] = None
    assert codes_by_row(placements.validate_frame(frame).problems) == {(2, "value.required")}


def test_identifiers_are_masked_and_other_values_shown(
    placements: ReturnSchema, raw_placements: Build
) -> None:
    """Identifier values appear masked in problems; other fields' values appear as found."""
    frame = raw_placements(3)
    frame.loc[2, "postcode"] = "NOTAPOSTCODE"
    frame.loc[3, "local_person_id"] = "1.23457E+11"
    frame.loc[4, "unit_cost"] = "12,50"
    shown = placements.validate_frame(frame).problems.set_index("field")["value"]
    assert shown["postcode"] == "NOT•••••••DE"
    assert shown["local_person_id"] == "1.2••••••11"
    assert shown["unit_cost"] == "12,50"


def test_cross_field_errors(placements: ReturnSchema, raw_placements: Build) -> None:
    """An end before the start, a mismatched care type and hourly without units are errors."""
    frame = raw_placements(4)
    frame.loc[2, ["start_date", "end_date"]] = ["2024-03-01", "2024-02-01"]
    frame.loc[3, ["client_type", "care_type"]] = ["Adult", "Children's home"]
    frame.loc[4, ["cost_frequency", "planned_units_per_week", "care_type"]] = [
        "hourly",
        None,
        "home_care",
    ]
    result = placements.validate_frame(frame)
    assert not result.ok
    assert codes_by_row(result.errors) == {
        (2, "end_date.before_start"),
        (3, "care_type.client_type_mismatch"),
        (4, "planned_units_per_week.required"),
    }


def test_queries_do_not_block(
    placements: ReturnSchema, raw_placements: Build, period: ReturnPeriod
) -> None:
    """Outlying weekly costs, dates outside the period and repeated references are queries."""
    frame = raw_placements(6)
    frame.loc[2, ["care_type", "client_type", "unit_cost", "cost_frequency"]] = [
        "residential", "adult", "12,000", "weekly",
    ]  # fmt: skip
    frame.loc[3, ["care_type", "client_type", "unit_cost", "cost_frequency"]] = [
        "nursing", "adult", "1,200", "annual",
    ]  # fmt: skip
    frame.loc[4, "start_date"] = "2025-05-01"
    frame.loc[5, "end_date"] = "2024-01-31"
    frame.loc[6, "placement_ref"] = str(frame.at[7, "placement_ref"])
    result = placements.validate_frame(frame, period=period)
    assert result.ok
    assert codes_by_row(result.queries) == {
        (2, "unit_cost.weekly_cost_high"),
        (3, "unit_cost.weekly_cost_low"),
        (4, "start_date.after_period"),
        (5, "end_date.before_period"),
        (6, "placement_ref.repeated"),
        (7, "placement_ref.repeated"),
    }


def test_date_of_birth_after_the_period_is_an_error(
    placements: ReturnSchema, raw_placements: Build, period: ReturnPeriod
) -> None:
    """Someone not yet born at the period end is an error, and born after the start a query."""
    frame = raw_placements(2)
    frame.loc[2, "date_of_birth"] = "01/06/2025"
    frame.loc[3, ["date_of_birth", "start_date"]] = ["01/06/2023", "2023-01-01"]
    result = placements.validate_frame(frame, period=period)
    assert codes_by_row(result.problems) >= {
        (2, "date_of_birth.after_period"),
        (3, "date_of_birth.after_start"),
    }


def test_test_numbers_only_in_rehearsal(placements: ReturnSchema, raw_placements: Build) -> None:
    """A 999 NHS number is an error in a real run and accepted when rehearsal=True."""
    frame = raw_placements(2)
    frame.loc[2, "nhs_number"] = "999 000 0018"
    assert not placements.validate_frame(frame).ok
    rehearsal = placements.validate_frame(frame, rehearsal=True)
    assert rehearsal.ok
    assert rehearsal.parsed.loc[2, "nhs_number"] == "9990000018"


def test_cells_that_are_not_text_are_read_as_text(
    placements: ReturnSchema, raw_placements: Build
) -> None:
    """Floats and datetimes from a spreadsheet reader are read as Excel would show them."""
    frame = raw_placements(2)
    frame.loc[2, "nhs_number"] = 9434765919.0
    frame.loc[2, "start_date"] = datetime(2023, 5, 1)
    frame.loc[3, "unit_cost"] = 850
    result = placements.validate_frame(frame)
    assert result.ok, result.problems.to_string()
    assert result.parsed.loc[2, "nhs_number"] == "9434765919"
    assert result.parsed.loc[2, "start_date"] == pd.Timestamp("2023-05-01")
    assert result.parsed.loc[3, "unit_cost"] == 850.0


def test_repeated_column_is_reported(placements: ReturnSchema, raw_placements: Build) -> None:
    """Two columns read as the same field are reported once; the first is used."""
    frame = raw_placements(2)
    doubled = pd.concat([frame, frame[["postcode"]]], axis=1)
    result = placements.validate_frame(doubled)
    assert codes_by_row(result.problems) == {(None, "column.repeated")}
    assert result.parsed["postcode"].notna().all()


def test_shared_view(placements: ReturnSchema, raw_placements: Build, period: ReturnPeriod) -> None:
    """A shared frame takes codes and pseudonyms only, and refuses columns outside the schema."""
    raw = placements.validate_frame(raw_placements(4), period=period).parsed
    shared = placements.generalise(raw, period=period)
    for field in placements.shared_fields:
        if field.policy.kind == "pseudonymise":
            shared[field.name] = [f"v1:{i:064x}" for i in range(len(raw))]
        elif field.policy.kind in ("keep", "redact_if_individual"):
            shared[field.name] = raw[field.name]
    as_text = (
        shared.astype(object)
        .where(shared.notna(), None)
        .map(lambda cell: None if cell is None else str(cell))
    )
    assert placements.validate_frame(as_text, "shared").ok
    leaked = as_text.assign(given_name="Amelia", care_type="Children's home")
    problems = placements.validate_frame(leaked, "shared").problems
    assert set(problems["code"]) == {"column.unexpected", "code.unknown"}


@pytest.mark.parametrize("header", ["Supplier Name", "Sum of Invoice Nett Amount"])
def test_supplier_spend_reads_published_headers(supplier_spend: ReturnSchema, header: str) -> None:
    """Headers in councils' published spend files are matched to fields."""
    assert supplier_spend.match_header(header) in {"supplier_name", "net_amount"}


def test_supplier_spend_rows(supplier_spend: ReturnSchema) -> None:
    """Credits are allowed, body codes normalised, and payments outside the period queried."""
    frame = pd.DataFrame(
        {
            "body": ["e06000015", "Derby City Council"],
            "supplier_name": ["Veolia ES (UK) Ltd", "Mr J Smith"],
            "payment_date": ["15/07/2026", "2026-10-02"],
            "net_amount": ["(1,250.00)", "£600"],
            "supplier_id": ["GB-COH-02215767", None],
        },
        index=[10, 11],
    )
    result = supplier_spend.validate_frame(frame, period=ReturnPeriod.parse("2026-Q3"))
    assert result.ok
    assert result.parsed["net_amount"].tolist() == [-1250.0, 600.0]
    assert result.parsed["body"].tolist() == ["E06000015", "Derby City Council"]
    assert codes_by_row(result.problems) == {(11, "payment_date.after_period")}


def test_large_frames_match_small_ones(placements: ReturnSchema, raw_placements: Build) -> None:
    """Six thousand rows (values parsed once per distinct value) give the small frame's
    answers, row for row."""
    small = raw_placements(12)
    small.loc[3, "unit_cost"] = "12,50"
    small.loc[5, "date_of_birth"] = "31/02/1950"
    large = pd.concat([small] * 500, ignore_index=True)
    small_result = placements.validate_frame(small.reset_index(drop=True))
    large_result = placements.validate_frame(large)
    assert large_result.parsed.head(12).equals(small_result.parsed)
    assert len(large_result.errors) == 500 * len(small_result.errors)


def test_empty_files_are_reported_not_crashed_on(placements: ReturnSchema) -> None:
    """Headers with no rows validate cleanly; a frame with no columns lists each missing one."""
    headers_only = pd.DataFrame(columns=[field.name for field in placements.raw_fields])
    result = placements.validate_frame(headers_only)
    assert result.ok
    assert result.parsed.shape == (0, len(placements.raw_fields))
    assert result.parsed["unit_cost"].dtype == np.float64
    nothing = placements.validate_frame(pd.DataFrame())
    required = [field.name for field in placements.raw_fields if field.required]
    assert nothing.problems["field"].tolist() == required
    assert set(nothing.problems["code"]) == {"column.missing"}
