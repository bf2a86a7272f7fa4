"""NHS numbers: the check digit, Excel damage, and the 999 test range."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from schemas import ReturnSchema
from schemas.fieldtypes import (
    NHS_NUMBER,
    ParseContext,
    nhs_check_digit,
    nhs_check_digit_valid,
    parse_cells,
    parse_value,
)

REAL = ParseContext(rehearsal=False)
REHEARSAL = ParseContext(rehearsal=True)


@st.composite
def nhs_numbers(draw: st.DrawFn, first: str = "") -> str:
    """Valid NHS numbers (optionally starting with given digits)."""
    stem = first + draw(st.text("0123456789", min_size=9 - len(first), max_size=9 - len(first)))
    check = nhs_check_digit(stem)
    assume(check is not None)
    return stem + str(check)


def damaged_forms(number: str) -> list[object]:
    """The ways a spreadsheet writes the same NHS number."""
    forms: list[object] = [
        number,
        f"{number[:3]} {number[3:6]} {number[6:]}",
        f"{number[:3]}-{number[3:6]}-{number[6:]}",
        f"  {number}\t",
        f"{number}.0",
        f"{number[:3]}\xa0{number[3:6]}\xa0{number[6:]}",
    ]
    if not number.startswith("00"):  # a number can lose one leading zero, never two
        forms += [float(number), int(number)]
    if number.startswith("0"):
        forms += [number[1:], f"{number[1:]}.0"]
    return forms


@given(nhs_numbers())
def test_numbers_with_their_check_digit_are_accepted(number: str) -> None:
    """A number ending in its modulus-11 check digit passes both engines."""
    assume(not number.startswith("999"))
    assert parse_value(number, NHS_NUMBER, REAL).value == number
    outcome, _ = parse_cells(np.array([number], dtype=object), NHS_NUMBER, REAL)
    assert list(outcome.values) == [number]
    assert nhs_check_digit_valid(np.array([int(number)]))[0]


@given(nhs_numbers(), st.integers(0, 9), st.integers(1, 9))
def test_any_single_mistyped_digit_is_caught(number: str, position: int, shift: int) -> None:
    """Changing any one digit of a valid number makes the check digit fail."""
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    mistyped = "".join(digits)
    outcome = parse_value(mistyped, NHS_NUMBER, REHEARSAL)
    assert outcome.failure is not None
    assert outcome.failure.code == "nhs_number.check_digit"


@given(nhs_numbers())
def test_every_excel_damaged_form_normalises_to_the_same_number(number: str) -> None:
    """Spaces, dashes, a trailing .0, floats and a dropped leading zero all read the same."""
    forms = damaged_forms(number)
    one_by_one = {parse_value(form, NHS_NUMBER, REHEARSAL).value for form in forms}
    outcome, _ = parse_cells(np.array(forms, dtype=object), NHS_NUMBER, REHEARSAL)
    assert one_by_one == {number}
    assert set(outcome.values) == {number}


def test_test_range_needs_a_rehearsal() -> None:
    """A 999 number is refused in a real run, with a message that says so, and accepted in a
    rehearsal."""
    test_number = "9990000018"
    assert nhs_check_digit(test_number[:9]) == 8
    refused = parse_value(test_number, NHS_NUMBER, REAL)
    assert refused.failure is not None
    assert refused.failure.code == "nhs_number.test_range"
    assert "rehearsal" in refused.failure.message
    assert parse_value(test_number, NHS_NUMBER, REHEARSAL).value == test_number


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("1.23457E+09", "nhs_number.scientific_notation"),
        ("94347659", "nhs_number.format"),
        ("94347659190", "nhs_number.format"),
        ("943476591X", "nhs_number.format"),
        ("9434765918", "nhs_number.check_digit"),
        ("#N/A", "cell.spreadsheet_error"),
    ],
)
def test_bad_numbers_have_their_own_reason(cell: str, code: str) -> None:
    """Scientific notation, wrong length, letters, a wrong check digit and #N/A are told apart."""
    outcome = parse_value(cell, NHS_NUMBER, REAL)
    assert outcome.failure is not None
    assert outcome.failure.code == code


def test_problems_show_the_number_masked(placements: ReturnSchema, raw_placements: object) -> None:
    """A refused NHS number appears in the problems masked, never in full."""
    frame = raw_placements(3)  # type: ignore[operator]
    frame.loc[3, "nhs_number"] = "9990000018"
    problems = placements.validate_frame(frame).problems
    row = problems[problems["field"] == "nhs_number"].iloc[0]
    assert row["row"] == 3
    assert row["value"] == "999•••••18"
    assert "9990000018" not in " ".join(problems.astype(str).to_numpy().ravel())
    assert not pd.isna(row["hint"])
