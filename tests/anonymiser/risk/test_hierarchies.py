"""Generalisation hierarchies: each level nests in the next, and values climb as documented."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymiser.risk import HIERARCHIES
from schemas import ReturnPeriod
from schemas.codes import ETHNICITIES, SEXES
from schemas.generalise import AGE_BANDS
from schemas.geography import AUTHORITIES, DISTRICTS
from schemas.hierarchies import (
    AGE_BAND,
    DISTRICT,
    ETHNICITY,
    MONTH,
    SEX,
    financial_year,
)

MONTHS = st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1990, 2099), st.integers(1, 12))


def _levels(hierarchy_top: int) -> list[tuple[int, int]]:
    return [
        (low, high) for low in range(hierarchy_top + 1) for high in range(low, hierarchy_top + 1)
    ]


@pytest.mark.parametrize("band", list(AGE_BANDS))
def test_age_bands_nest_at_every_level(band: str) -> None:
    """Lifting a schema age band to one level then a higher one equals lifting it straight there."""
    for low, high in _levels(AGE_BAND.top):
        assert AGE_BAND.lift(AGE_BAND.lift(band, low), high) == AGE_BAND.lift(band, high)


def test_age_band_ladder() -> None:
    """A 30-34 year old becomes 25-34, then 18-44, then 18-64; a 90+ ends as 65+."""
    assert [AGE_BAND.lift("30-34", level) for level in range(4)] == [
        "30-34",
        "25-34",
        "18-44",
        "18-64",
    ]
    assert [AGE_BAND.lift("90+", level) for level in range(4)] == ["90+", "85+", "85+", "65+"]
    assert [AGE_BAND.lift("16-17", level) for level in range(4)] == [
        "16-17",
        "10-17",
        "0-17",
        "0-17",
    ]


def test_age_bands_never_get_finer() -> None:
    """A band already broader than the level asked for is kept as it is."""
    assert AGE_BAND.lift("18-64", 1) == "18-64"
    assert AGE_BAND.lift("0-17", 1) == "0-17"


@given(MONTHS)
def test_months_climb_to_quarter_and_financial_year(month: str) -> None:
    """A month lifts to its calendar quarter, then to the financial year that holds it."""
    year, number = int(month[:4]), int(month[5:])
    quarter = MONTH.lift(month, 1)
    assert quarter == f"{year}-Q{(number - 1) // 3 + 1}"
    assert (
        MONTH.lift(month, 2)
        == MONTH.lift(quarter, 2)
        == financial_year(year if number >= 4 else year - 1)
    )
    assert MONTH.lift(MONTH.lift(month, 2), 1) == MONTH.lift(month, 2)


def test_month_examples() -> None:
    """March 2024 is in 2024-Q1 and 2023-24; a year whose label reads as a month gets a slash."""
    assert [MONTH.lift("2024-03", level) for level in range(3)] == ["2024-03", "2024-Q1", "2023-24"]
    assert MONTH.lift("2024-04", 2) == "2024-25"
    assert MONTH.lift("2011-12", 2) == "2011/12"
    assert MONTH.rank("2011/12") == 2


@pytest.mark.parametrize("first_year", range(2000, 2099))
def test_financial_year_labels_are_return_period_labels(first_year: int) -> None:
    """Financial-year labels are written exactly as the schema's return periods write them."""
    label = financial_year(first_year)
    period = ReturnPeriod.parse(label)
    assert (period.label, period.kind, period.start.year) == (label, "financial_year", first_year)


@pytest.mark.parametrize(
    ("district", "authority"), [(code, parent) for code, (_, parent) in DISTRICTS.items()]
)
def test_districts_lift_to_their_authority(district: str, authority: str) -> None:
    """Every district lifts to the authority it belongs to, which is one of the region's."""
    assert DISTRICT.lift(district, 1) == authority
    assert authority in AUTHORITIES


def test_ethnicity_and_sex_merge_the_rare_groups() -> None:
    """Ethnic groups merge into white / other than white / not stated; rare sexes merge."""
    lifted = {code: ETHNICITY.lift(code, 1) for code in ETHNICITIES}
    assert set(lifted.values()) == {"white", "other_than_white", "not_stated"}
    assert lifted["asian"] == lifted["mixed"] == "other_than_white"
    assert {code: SEX.lift(code, 1) for code in SEXES} == {
        "female": "female", "male": "male", "other": "other_or_not_known",
        "not_known": "other_or_not_known",
    }  # fmt: skip


@pytest.mark.parametrize("name", sorted(HIERARCHIES))
@pytest.mark.parametrize("value", [None, 42, "not a known value", ""])
def test_unknown_values_are_left_as_they_are(name: str, value: object) -> None:
    """Values a hierarchy does not know (and blanks) are never changed by lifting."""
    hierarchy = HIERARCHIES[name]
    assert hierarchy.lift(value, hierarchy.top) == value


def test_level_of_is_the_finest_level_present() -> None:
    """A column's level is that of its finest known value; with none known, the top."""
    assert MONTH.level_of(["2024-Q1", "2024-05"]) == 0
    assert MONTH.level_of(["2024-Q1", "2023-24", None]) == 1
    assert MONTH.level_of(["mystery"]) == MONTH.top
