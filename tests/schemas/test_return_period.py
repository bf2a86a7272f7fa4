"""Return periods: quarters, months and financial years, each with one canonical label."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas import InvalidPeriod, ReturnPeriod, SchemaError


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "kind"),
    [
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30), "2026-Q2", "quarter"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "2026-Q1", "quarter"),
        ("2026-06", date(2026, 6, 1), date(2026, 6, 30), "2026-06", "month"),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29), "2028-02", "month"),
        ("2026-27", date(2026, 4, 1), date(2027, 3, 31), "2026-27", "financial_year"),
        ("2099-00", date(2099, 4, 1), date(2100, 3, 31), "2099-00", "financial_year"),
    ],
)
def test_labels_give_first_and_last_day(
    text: str, start: date, end: date, label: str, kind: str
) -> None:
    """Each form of label gives the period's first and last day, its label and its kind."""
    period = ReturnPeriod.parse(text)
    assert (period.start, period.end, period.label, period.kind) == (start, end, label, kind)


@pytest.mark.parametrize(
    ("text", "label"),
    [("2026 q2", "2026-Q2"), (" 2026Q2 ", "2026-Q2"), ("2026/27", "2026-27")],
)
def test_loose_forms_are_written_canonically(text: str, label: str) -> None:
    """Lower case, spaces and a slash are read, and the label comes back canonical."""
    assert str(ReturnPeriod.parse(text)) == label


@pytest.mark.parametrize("text", ["", "2026", "2026-Q5", "2026-13", "26-27", "1999-06", "Q2"])
def test_unreadable_labels_are_refused(text: str) -> None:
    """A label that is not a quarter, month or financial year raises InvalidPeriod."""
    with pytest.raises(InvalidPeriod):
        ReturnPeriod.parse(text)


def test_financial_year_must_name_consecutive_years() -> None:
    """2026-28 is refused, with the label it should have been in the message."""
    with pytest.raises(SchemaError, match="2026-27"):
        ReturnPeriod.parse("2026-28")


def test_early_financial_year_that_reads_as_a_month_keeps_a_slash() -> None:
    """2011/12 stays a financial year (2011-12 is December 2011) and round-trips."""
    period = ReturnPeriod.parse("2011/12")
    assert period.kind == "financial_year"
    assert ReturnPeriod.parse(period.label) == period
    assert ReturnPeriod.parse("2011-12").kind == "month"


def test_periods_order_and_contain_days() -> None:
    """Periods sort by their dates, and know which days fall within them."""
    q1, q2 = ReturnPeriod.parse("2026-Q1"), ReturnPeriod.parse("2026-Q2")
    assert q1 < q2
    assert q2.contains(date(2026, 5, 17))
    assert not q2.contains(date(2026, 7, 1))
    assert ReturnPeriod.parse("2026-27").months[0] == "2026-04"
    assert len(ReturnPeriod.parse("2026-27").months) == 12


@given(st.integers(2000, 2099), st.integers(1, 12))
def test_month_labels_round_trip(year: int, month: int) -> None:
    """Every month label parses to that month and prints back unchanged."""
    period = ReturnPeriod.parse(f"{year}-{month:02d}")
    assert period.label == f"{year}-{month:02d}"
    assert period.start == date(year, month, 1)
    assert period.months == (period.label,)


@given(st.integers(2000, 2099), st.integers(1, 4))
def test_quarters_cover_three_months(year: int, quarter: int) -> None:
    """Every calendar quarter covers three whole months, starting in month 3q - 2."""
    period = ReturnPeriod.parse(f"{year}-Q{quarter}")
    assert len(period.months) == 3
    assert period.start.month == 3 * quarter - 2
    assert ReturnPeriod.parse(period.label) == period
