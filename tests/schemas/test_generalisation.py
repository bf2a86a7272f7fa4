"""Generalisation rules: age bands, districts, months and weekly costs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas import ReturnPeriod, ReturnSchema, SchemaError
from schemas.generalise import AGE_BANDS, age_at, age_band, district, month, weekly_cost


def test_age_bands_are_the_agreed_ones() -> None:
    """Children in 0-4, 5-9, 10-15, 16-17; adults 18-24, five-year bands, then 90+."""
    assert list(AGE_BANDS)[:5] == ["0-4", "5-9", "10-15", "16-17", "18-24"]
    assert list(AGE_BANDS)[5:] == [f"{low}-{low + 4}" for low in range(25, 90, 5)] + ["90+"]
    assert AGE_BANDS["90+"] == "Aged 90 or over"


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (date(2020, 4, 1), "0-4"),
        (date(2019, 4, 1), "5-9"),
        (date(2009, 4, 1), "10-15"),
        (date(2007, 4, 1), "16-17"),
        (date(2007, 3, 31), "18-24"),
        (date(1935, 4, 1), "85-89"),
        (date(1935, 3, 31), "90+"),
    ],
)
def test_age_band_at_the_period_end(born: date, band: str) -> None:
    """The band is the age on the period's last day, birthdays counted."""
    bands = age_band(pd.Series(pd.to_datetime([born])), date(2025, 3, 31))
    assert bands.tolist() == [band]


@given(
    st.dates(date(1900, 1, 1), date(2025, 3, 31)), st.dates(date(2020, 1, 1), date(2030, 12, 31))
)
def test_the_band_contains_the_age(born: date, on: date) -> None:
    """For any birth and day, the band's bounds hold the age in whole years."""
    series = pd.Series(pd.to_datetime([born]))
    age = age_at(series, on).iloc[0]
    band = age_band(series, on).iloc[0]
    if born > on:
        assert band is None
        return
    expected = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    assert age == expected
    low, _, high = band.rstrip("+").partition("-")
    assert int(low) <= age <= (int(high) if high else 200)


def test_districts_from_outward_codes() -> None:
    """A postcode (or outward code) gives its district; outside the region, nothing."""
    postcodes = pd.Series(["DE22 3AB", "NG7", "SW1A 1AA", None])
    assert district(postcodes).tolist() == ["E06000015", "E06000018", None, None]


def test_months() -> None:
    """Dates become YYYY-MM; missing dates stay missing."""
    dates = pd.Series(pd.to_datetime(["2024-03-31", "NaT", "1999-12-01"]))
    assert month(dates).tolist() == ["2024-03", None, "1999-12"]


@pytest.mark.parametrize(
    ("cost", "frequency", "units", "weekly"),
    [
        (700.0, "weekly", np.nan, 700.0),
        (1400.0, "fortnightly", np.nan, 700.0),
        (2800.0, "four_weekly", np.nan, 700.0),
        (3033.33, "monthly", np.nan, 700.0),
        (36400.0, "annual", np.nan, 700.0),
        (20.0, "hourly", 35.0, 700.0),
        (100.0, "daily", 7.0, 700.0),
        (20.0, "hourly", np.nan, np.nan),
        (500.0, "one_off", np.nan, np.nan),
    ],
)
def test_weekly_cost(cost: float, frequency: str, units: float, weekly: float) -> None:
    """Each frequency converts to a weekly cost; hourly and daily need planned units."""
    result = weekly_cost(pd.Series([cost]), pd.Series([frequency]), pd.Series([units]))
    assert result.iloc[0] == pytest.approx(weekly, abs=0.01, nan_ok=True)


def test_schema_generalises_every_generalised_field(
    placements: ReturnSchema, raw_placements: Callable[[int], pd.DataFrame], period: ReturnPeriod
) -> None:
    """The schema makes each generalised shared field, under its shared name, and they pass
    the shared view's types."""
    parsed = placements.validate_frame(raw_placements(10), period=period).parsed
    made = placements.generalise(parsed, period=period)
    assert list(made.columns) == [
        "district", "age_band", "start_month", "end_month", "weekly_cost",
    ]  # fmt: skip
    assert made["age_band"].isin(list(AGE_BANDS)).all()
    assert made["district"].notna().all()
    assert (made["weekly_cost"] > 0).all()


def test_age_bands_need_the_period(placements: ReturnSchema) -> None:
    """Without a period there is no period end to take ages at."""
    parsed = placements.validate_frame(pd.DataFrame({"date_of_birth": ["01/01/1950"]})).parsed
    with pytest.raises(SchemaError, match="period"):
        placements.generalise(parsed, period=None)
