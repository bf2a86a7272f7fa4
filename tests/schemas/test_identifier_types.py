"""Postcodes, area codes, provider identifiers, local references and text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from schemas.fieldtypes import (
    CQC_LOCATION_ID,
    LOCAL_ID,
    OFSTED_URN,
    ONS_CODE,
    ORG_ID,
    POSTCODE,
    PSEUDONYM,
    SUPPLIER_ID,
    FieldType,
    ParseContext,
    ons_code,
    outward_codes,
    parse_cells,
    parse_value,
    text,
)
from schemas.geography import DISTRICTS

CONTEXT = ParseContext()


def reads(field_type: FieldType, cell: object) -> object:
    """What one cell reads as (asserting it is accepted)."""
    outcome = parse_value(cell, field_type, CONTEXT)
    assert outcome.failure is None or outcome.failure.severity == "query", outcome.failure
    return outcome.value


def refusal(field_type: FieldType, cell: object) -> str:
    """The failure code a refused cell gets."""
    outcome = parse_value(cell, field_type, CONTEXT)
    assert outcome.failure is not None
    return outcome.failure.code


@pytest.mark.parametrize("cell", ["DE22 3AB", "de223ab", " DE22  3AB ", "de22\xa03ab"])
def test_postcodes_are_normalised(cell: str) -> None:
    """Case and spacing are normalised to the written form."""
    assert reads(POSTCODE, cell) == "DE22 3AB"


def test_outward_code_alone_is_a_query() -> None:
    """An outward code on its own is kept, with a query rather than an error."""
    outcome = parse_value("ng7", POSTCODE, CONTEXT)
    assert outcome.value == "NG7"
    assert outcome.failure is not None
    assert (outcome.failure.code, outcome.failure.severity) == ("postcode.partial", "query")


@pytest.mark.parametrize("cell", ["DE22 3A", "123 456", "D22 3ABC", "unknown"])
def test_non_postcodes_are_refused(cell: str) -> None:
    """Values that are not UK postcodes are refused."""
    assert refusal(POSTCODE, cell) == "postcode.format"


def test_outward_codes_are_available_for_the_district_rule() -> None:
    """The outward code of each normalised postcode can be taken, vectorised."""
    postcodes = pd.Series(["DE22 3AB", "NG7", None, "LE1 1AA"], index=[4, 5, 6, 7])
    assert outward_codes(postcodes).tolist() == ["DE22", "NG7", None, "LE1"]


def test_ons_codes() -> None:
    """ONS codes are upper-cased; a known-code list refuses codes outside it."""
    assert reads(ONS_CODE, "e06000015") == "E06000015"
    assert refusal(ONS_CODE, "Derby") == "ons_code.format"
    districts = ons_code(DISTRICTS, what="district")
    assert reads(districts, "E07000032") == "E07000032"
    assert refusal(districts, "E09000001") == "ons_code.unknown"


@pytest.mark.parametrize(
    ("field_type", "cell", "value"),
    [
        (CQC_LOCATION_ID, "1-123456789", "1-123456789"),
        (CQC_LOCATION_ID, "1 \u2013 12345678901", "1-12345678901"),
        (OFSTED_URN, "sc 123456", "SC123456"),
        (OFSTED_URN, "1234567.0", "1234567"),
        (ORG_ID, "gb-coh-sc123456", "GB-COH-SC123456"),
        (ORG_ID, "GB COH 1234567", "GB-COH-01234567"),
        (ORG_ID, "GB-CHC-1087654", "GB-CHC-1087654"),
        (SUPPLIER_ID, "gb-coh-01234567", "GB-COH-01234567"),
        (SUPPLIER_ID, "1-123456789", "1-123456789"),
        (LOCAL_ID, "ab-123 45", "AB12345"),
        (LOCAL_ID, "0012345.0", "0012345"),
        (PSEUDONYM, "v2:" + "ab" * 32, "v2:" + "ab" * 32),
    ],
)
def test_identifiers_are_normalised(field_type: FieldType, cell: str, value: str) -> None:
    """Identifiers lose Excel damage and take their canonical form, in both engines."""
    assert reads(field_type, cell) == value
    outcome, _ = parse_cells(np.array([cell], dtype=object), field_type, CONTEXT)
    assert list(outcome.values) == [value]


@pytest.mark.parametrize(
    ("field_type", "cell", "code"),
    [
        (CQC_LOCATION_ID, "123456789", "cqc_location_id.format"),
        (OFSTED_URN, "SC12345", "ofsted_urn.format"),
        (ORG_ID, "01234567", "org_id.format"),
        (ORG_ID, "GB-CHC-12345", "org_id.format"),
        (SUPPLIER_ID, "Acme Ltd", "supplier_id.format"),
        (LOCAL_ID, "1.23457E+11", "local_id.scientific_notation"),
        (LOCAL_ID, "A" * 41, "local_id.format"),
        (PSEUDONYM, "v1:" + "AB" * 32, "pseudonym.format"),
        (PSEUDONYM, "ab" * 32, "pseudonym.format"),
    ],
)
def test_bad_identifiers_are_refused(field_type: FieldType, cell: str, code: str) -> None:
    """Identifiers in the wrong form are refused with their type's reason."""
    assert refusal(field_type, cell) == code


def test_text_is_trimmed_and_closed_up() -> None:
    """Single-line text loses surrounding space and runs of spaces; free text keeps lines."""
    assert reads(text(), "  Oak   Lodge\tCare  ") == "Oak Lodge Care"
    assert reads(text(max_length=None, single_line=False), "line one\nline two") == (
        "line one\nline two"
    )
    assert refusal(text(max_length=5), "Oak Lodge") == "text.too_long"


@pytest.mark.parametrize("cell", [None, "", "   ", "\xa0", float("nan"), pd.NA])
def test_blank_cells_are_missing(cell: object) -> None:
    """Empty, white-space-only and NaN cells are missing, not invalid."""
    assert parse_value(cell, POSTCODE, CONTEXT).missing
    _, missing = parse_cells(np.array([cell], dtype=object), POSTCODE, CONTEXT)
    assert missing.tolist() == [True]


@pytest.mark.parametrize("cell", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?"])
def test_spreadsheet_errors_are_named_as_such(cell: str) -> None:
    """A formula error is reported as a spreadsheet error, whatever the field's type."""
    assert refusal(POSTCODE, cell) == "cell.spreadsheet_error"
    assert refusal(text(), cell) == "cell.spreadsheet_error"
