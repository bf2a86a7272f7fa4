"""Money in pounds and plain decimals: the forms finance systems print, and their mistakes."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.fieldtypes import ParseContext, decimal, money, parse_cells, parse_value

CONTEXT = ParseContext()
AMOUNT = money()
NOT_NEGATIVE = money(non_negative=True)

pence = st.integers(-99_999_999_99, 99_999_999_99).map(lambda p: Decimal(p) / 100)


def printed(amount: Decimal) -> list[str]:
    """The ways a finance system or spreadsheet prints an amount."""
    size = abs(amount)
    forms = [f"{amount:.2f}", f"{amount:,.2f}", f" {amount:,.2f} "]
    if amount < 0:
        forms += [f"(£{size:,.2f})", f"(£{size:.2f})", f"-£{size:,.2f}", f"£-{size:,.2f}"]
    else:
        forms += [f"£{size:,.2f}", f"£ {size:,.2f}", f"GBP {size:.2f}", f"£{size:,.2f}\xa0"]
    return forms


@given(pence)
def test_printed_amounts_round_trip(amount: Decimal) -> None:
    """Every printed form of an amount reads back as that amount, in both engines."""
    forms = printed(amount)
    outcome, _ = parse_cells(np.array(forms, dtype=object), AMOUNT, CONTEXT)
    assert list(outcome.values) == [float(amount)] * len(forms)
    assert {parse_value(form, AMOUNT, CONTEXT).value for form in forms} == {float(amount)}


@pytest.mark.parametrize(
    ("cell", "value"),
    [("£1,234.56", 1234.56), ("(12.50)", -12.5), ("-", 0.0), ("GBP 12", 12.0), (".5", 0.5)],
)
def test_accepted_forms(cell: str, value: float) -> None:
    """Pound signs, thousands separators, brackets, a lone dash and GBP are all read."""
    assert parse_value(cell, AMOUNT, CONTEXT).value == value


@pytest.mark.parametrize("cell", ["12,50", "1,23,456", "£12.50p", "twelve", "1e5", "12.5.0"])
def test_badly_written_amounts_are_refused(cell: str) -> None:
    """A decimal comma, misplaced separators, words and exponents are not amounts of money."""
    outcome = parse_value(cell, AMOUNT, CONTEXT)
    assert outcome.failure is not None
    assert outcome.failure.code == "money.format"
    assert "full stop" in outcome.failure.hint


def test_negative_amounts_only_where_allowed() -> None:
    """A credit is fine as a net amount but refused as a unit cost."""
    assert parse_value("(12.50)", AMOUNT, CONTEXT).value == -12.5
    refused = parse_value("(12.50)", NOT_NEGATIVE, CONTEXT)
    assert refused.failure is not None
    assert refused.failure.code == "money.negative"


def test_amounts_of_a_billion_are_refused() -> None:
    """£1,000,000,000 or more is refused: it is nearly always an id in the wrong column."""
    outcome = parse_value("1,000,000,000", AMOUNT, CONTEXT)
    assert outcome.failure is not None
    assert outcome.failure.code == "money.too_large"


def test_shared_money_takes_plain_numbers_only() -> None:
    """The shared view's money is a plain number: pound signs and separators are refused."""
    strict = NOT_NEGATIVE.strict()
    assert parse_value("1234.5", strict, CONTEXT).value == 1234.5
    assert parse_value("£1,234.50", strict, CONTEXT).failure is not None
    assert strict.json_schema() == {"type": "number", "minimum": 0}


@pytest.mark.parametrize(("cell", "code"), [("7.5", None), ("-1", "decimal.below_minimum")])
def test_decimals_with_a_minimum(cell: str, code: str | None) -> None:
    """Planned units are numbers of at least zero."""
    outcome = parse_value(cell, decimal(minimum=0), CONTEXT)
    assert (outcome.failure.code if outcome.failure else None) == code
