"""Dates: the forms exports and spreadsheets write, read day first."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.fieldtypes import DATE, ParseContext, parse_cells, parse_value

CONTEXT = ParseContext()
EXCEL_EPOCH = date(1899, 12, 30)


def written(day: date) -> list[object]:
    """The ways an export writes one day (serials that look like years are read as years)."""
    serial = (day - EXCEL_EPOCH).days
    serials = [str(serial), f"{serial}.0"] if not 1900 <= serial <= 2099 else [f"{serial}.0"]
    return [
        *serials,
        day.isoformat(),
        f"{day.isoformat()} 00:00:00",
        f"{day.isoformat()}T00:00:00",
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        day.strftime("%d-%m-%Y"),
        day.strftime("%d.%m.%Y"),
        f"{day.day}-{day.strftime('%b')}-{day.year}",
        f"{day.day} {day.strftime('%B')} {day.year}",
        f"{day.day} {day.strftime('%b').upper()} {day.year}",
        datetime(day.year, day.month, day.day),
    ]


@given(st.dates(date(1900, 3, 1), date(2100, 12, 31)))
def test_every_written_form_reads_back(day: date) -> None:
    """Each written form of a day reads back as that day, in both engines."""
    forms = written(day)
    assert {parse_value(form, DATE, CONTEXT).value for form in forms} == {day}
    outcome, _ = parse_cells(np.array(forms, dtype=object), DATE, CONTEXT)
    assert set(outcome.values.astype("datetime64[D]").astype(date)) == {day}
    assert outcome.values.dtype == np.dtype("datetime64[ns]")


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("31st March 2024", date(2024, 3, 31)),
        ("3 Sept 2021", date(2021, 9, 3)),
        ("45382", date(2024, 3, 31)),
        ("61", date(1900, 3, 1)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_less_common_forms(cell: str, day: date) -> None:
    """Ordinals, 'Sept', Excel serials (from 1 March 1900) and leap days are read."""
    assert parse_value(cell, DATE, CONTEXT).value == day


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("31/03/24", "date.two_digit_year"),
        ("31-Mar-24", "date.two_digit_year"),
        ("1985", "date.year_only"),
        ("2024", "date.year_only"),
        ("31/02/2024", "date.invalid"),
        ("03/31/2024", "date.invalid"),
        ("29/02/2023", "date.invalid"),
        ("31 Foo 2024", "date.invalid"),
        ("01/01/1800", "date.out_of_range"),
        ("60", "date.format"),
        ("next Tuesday", "date.format"),
        ("#REF!", "cell.spreadsheet_error"),
    ],
)
def test_refused_dates_say_why(cell: str, code: str) -> None:
    """Two-digit years, bare years, impossible days, US order and old dates are told apart."""
    outcome = parse_value(cell, DATE, CONTEXT)
    assert outcome.failure is not None
    assert outcome.failure.code == code
    column, _ = parse_cells(np.array([cell], dtype=object), DATE, CONTEXT)
    assert [failure.code for failure in column.failures] == [code]


def test_us_order_hint_explains_day_first() -> None:
    """The hint for an impossible day says that dates are read day first."""
    outcome = parse_value("03/31/2024", DATE, CONTEXT)
    assert outcome.failure is not None
    assert "day first" in outcome.failure.hint
