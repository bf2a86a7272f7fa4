"""Finance references whose digits pass for NHS or phone numbers by chance are not hits;
NHS numbers are still hits wherever they can be told from a reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymiser.scanning import ChanceMatches, scan, scan_with_notes
from anonymiser.scanning.references import most_by_chance
from schemas.fieldtypes import nhs_check_digit_valid

NHS = "9434765919"


def _frame(values: list[str]) -> pd.DataFrame:
    """One transaction-number column, labelled with Excel rows from 2."""
    return pd.DataFrame({"transaction_number": values}, index=pd.RangeIndex(2, 2 + len(values)))


def _sap_numbers(count: int, seed: int = 1, prefix: str = "") -> list[str]:
    """Ten-digit document numbers as SAP numbers them (51xxxxxxxx), shuffled."""
    rng = np.random.default_rng(seed)
    return [f"{prefix}{5_100_000_000 + int(n)}" for n in rng.choice(10**8, count, replace=False)]


def _passing_nhs(values: list[str]) -> int:
    digits = np.array([int(v[-10:]) for v in values], dtype=np.int64)
    return int(np.count_nonzero(nhs_check_digit_valid(digits)))


def _nhs_numbers(count: int, seed: int = 3) -> list[str]:
    """Valid NHS numbers in England's 4xx range."""
    rng = np.random.default_rng(seed)
    found: list[str] = []
    while len(found) < count:
        candidates = rng.integers(4 * 10**9, 5 * 10**9, 200)
        found += [str(n) for n in candidates[nhs_check_digit_valid(candidates)]]
    return found[:count]


@pytest.mark.parametrize("prefix", ["", "INV", "AP-", "PO/"])
def test_ten_digit_references_are_let_through_and_counted(prefix: str) -> None:
    """About one in eleven ten-digit references passes the NHS check digit: none is a hit,
    and the column, the digits and how many passed are reported."""
    values = _sap_numbers(2_000, prefix=prefix)
    passing = _passing_nhs(values)
    assert 120 < passing < 250  # chance: 1 in 11 of 2,000
    result = scan_with_notes(_frame(values), columns=["transaction_number"])
    assert result.hits.empty
    assert result.chance == (ChanceMatches("transaction_number", "nhs_number", 10, 2_000, passing),)


def test_zero_led_eleven_digit_references_are_not_phone_numbers() -> None:
    """Eleven-digit references starting 0 read as phone numbers about two times in five."""
    rng = np.random.default_rng(4)
    values = [f"0{int(n)}" for n in rng.integers(10**9, 10**10, 1_000)]
    result = scan_with_notes(_frame(values), columns=["transaction_number"])
    assert result.hits.empty
    [chance] = result.chance
    assert (chance.kind, chance.digits, chance.references) == ("phone", 11, 1_000)
    assert 300 < chance.passing < 500


def test_a_spaced_nhs_number_among_references_is_still_a_hit() -> None:
    """References cannot be written 943 476 5919: that one is an NHS number."""
    values = _sap_numbers(500)
    values[100] = "943 476 5919"
    result = scan_with_notes(_frame(values), columns=["transaction_number"])
    assert result.hits[["row", "kind"]].values.tolist() == [[102, "nhs_number"]]


def test_an_nhs_number_among_references_of_another_length_is_still_a_hit() -> None:
    """Ten digits among eight-digit references do not look like one of them."""
    values = [str(40_000_000 + 11 * i) for i in range(500)]
    values[250] = NHS
    hits = scan(_frame(values), columns=["transaction_number"])
    assert hits[["row", "kind"]].values.tolist() == [[252, "nhs_number"]]


def test_an_nhs_number_in_text_among_references_is_still_a_hit() -> None:
    """A reference cell with words in it is not a reference."""
    values = _sap_numbers(500)
    values[7] = f"refund {NHS}"
    hits = scan(_frame(values), columns=["transaction_number"])
    assert hits[["row", "kind"]].values.tolist() == [[9, "nhs_number"]]


def test_a_column_of_nhs_numbers_mapped_as_references_stops_on_every_one() -> None:
    """Most ten-digit values passing the check is a column of NHS numbers, not references."""
    values = _nhs_numbers(40) + _sap_numbers(20)
    result = scan_with_notes(_frame(values), columns=["transaction_number"])
    assert sorted(result.hits["row"]) == list(range(2, 42)) + [
        2 + 40 + i for i, v in enumerate(values[40:]) if _passing_nhs([v])
    ]
    assert result.chance == ()


@pytest.mark.parametrize("share", [0.05, 0.1, 0.3])
def test_nhs_numbers_mixed_into_references_stop_the_run(share: float) -> None:
    """More ten-digit values passing than one in eleven explains: NHS numbers are mixed in,
    and every passing value is a hit."""
    mixed = int(2_000 * share)
    values = _sap_numbers(2_000 - mixed) + _nhs_numbers(mixed)
    result = scan_with_notes(_frame(values), columns=["transaction_number"])
    assert (result.hits["kind"] == "nhs_number").sum() == _passing_nhs(values)
    assert result.chance == ()


def test_chance_alone_stays_under_the_bound() -> None:
    """Over many columns of random references, none passes for more than chance allows."""
    for seed in range(200):
        values = _sap_numbers(300, seed=seed)
        assert _passing_nhs(values) <= most_by_chance("nhs_number", 300)


def test_a_short_column_is_not_judged() -> None:
    """Fewer than ten references say nothing about chance: a passing one stays a hit."""
    values = [*_sap_numbers(8), NHS]
    hits = scan(_frame(values), columns=["transaction_number"])
    assert (hits["kind"] == "nhs_number").sum() == _passing_nhs(values) >= 1


def test_a_column_mostly_of_text_is_not_a_reference_column() -> None:
    """Under nine in ten values being references, bare NHS-shaped numbers stay hits."""
    values = _sap_numbers(50) + [f"Invoice for care week {i}" for i in range(50)]
    hits = scan(_frame(values), columns=["transaction_number"])
    assert (hits["kind"] == "nhs_number").sum() == _passing_nhs(values[:50]) > 0


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(min_value=10, max_value=400),
    seed=st.integers(min_value=0, max_value=10_000),
    position=st.integers(min_value=0, max_value=399),
    form=st.sampled_from(["{a} {b} {c}", "{a}-{b}-{c}", "NHS {n}", "{n} (NHS)", "NHS{n}"]),
)
def test_an_nhs_number_written_unlike_a_reference_is_always_a_hit(
    count: int, seed: int, position: int, form: str
) -> None:
    """Whatever the references around it, an NHS number not written as a bare reference is
    found at its row."""
    values = _sap_numbers(count, seed=seed)
    spot = position % count
    values[spot] = form.format(n=NHS, a=NHS[:3], b=NHS[3:6], c=NHS[6:])
    hits = scan(_frame(values), columns=["transaction_number"])
    assert spot + 2 in set(hits.loc[hits["kind"] == "nhs_number", "row"])
