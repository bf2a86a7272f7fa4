"""The generalisation rules: how a field is made coarser before it leaves.

Each rule is a pure, vectorised function over parsed columns (pandas Series), so the
anonymiser applies exactly what the schema declares and the hub can re-derive nothing finer:

* ``age_band`` — date of birth -> age band at the end of the return period (children in the
  bands the children's returns use, 0-4, 5-9, 10-15, 16-17; adults 18-24, then five-year
  bands 25-29 ... 85-89, and 90+);
* ``district`` — postcode -> the ONS code of the local authority district its outward code
  lies in (empty outside the region);
* ``month`` — date -> ``YYYY-MM``;
* ``weekly_cost`` — unit cost x frequency (x planned units per week for hourly and daily
  rates) -> cost per week; empty for one-off payments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd

from schemas.codes import WEEKLY_FACTOR
from schemas.errors import SchemaError
from schemas.fieldtypes import MONTH, CodeListType, FieldType, money, ons_code
from schemas.fieldtypes.dates import civil_from_days
from schemas.fieldtypes.places import outward_code_array
from schemas.geography import DISTRICTS, OUTWARD_DISTRICTS
from schemas.period import ReturnPeriod

_LOWER_BOUNDS = (0, 5, 10, 16, 18, *range(25, 95, 5))


def _band_name(lower: int, upper: int | None) -> str:
    return f"{lower}+" if upper is None else f"{lower}-{upper}"


_BAND_NAMES = tuple(
    _band_name(lower, upper - 1 if upper is not None else None)
    for lower, upper in zip(_LOWER_BOUNDS, (*_LOWER_BOUNDS[1:], None), strict=True)
)

#: Age bands (code -> label), youngest first.
AGE_BANDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        band: f"Aged {band[:-1]} or over"
        if band.endswith("+")
        else f"Aged {band.replace('-', ' to ')}"
        for band in _BAND_NAMES
    }
)
#: Frequencies whose unit cost is per unit (hour, day): weekly cost needs planned units.
PER_UNIT_FREQUENCIES: Final = frozenset(f for f, factor in WEEKLY_FACTOR.items() if factor is None)


def age_at(dates_of_birth: pd.Series, on: date) -> pd.Series:
    """Age in whole years on a day (float, NaN where unknown or not yet born)."""
    born = pd.to_datetime(dates_of_birth).to_numpy(dtype="datetime64[D]")
    known = ~np.isnat(born)
    year, month, day = civil_from_days(np.where(known, born.astype(np.int64), 0))
    before_birthday = (month > on.month) | ((month == on.month) & (day > on.day))
    years = on.year - year - before_birthday
    ages = np.where(known & (years >= 0), years, np.nan)
    return pd.Series(ages, index=dates_of_birth.index, dtype=np.float64)


def age_band(dates_of_birth: pd.Series, on: date) -> pd.Series:
    """The age band (see :data:`AGE_BANDS`) of each date of birth on a day."""
    ages = age_at(dates_of_birth, on).to_numpy()
    known = ~np.isnan(ages)
    index = np.searchsorted(np.array(_LOWER_BOUNDS), np.where(known, ages, 0), side="right") - 1
    names = np.array(_BAND_NAMES, dtype=object)[index]
    names[~known] = None
    return pd.Series(names, index=dates_of_birth.index, dtype=object)


def district(postcodes: pd.Series) -> pd.Series:
    """The ONS district code of each normalised postcode's outward code (None outside)."""
    # Looked up once per distinct outward code (a few thousand), not once per row.
    encoded = outward_code_array(postcodes).dictionary_encode()
    found = [OUTWARD_DISTRICTS.get(code) for code in encoded.dictionary.to_pylist()]
    districts = np.array([*found, None], dtype=object)
    rows = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return pd.Series(districts[rows], index=postcodes.index, dtype=object)


def month(dates: pd.Series) -> pd.Series:
    """Each date as its month, ``YYYY-MM`` (None where missing)."""
    values = pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]")
    # Formatted once per distinct month (a few hundred), not once per row.
    codes, distinct = pd.factorize(values.astype("datetime64[M]").astype(np.int64))
    labels = np.asarray(distinct, dtype=np.int64).astype("datetime64[M]").astype(str)
    months = labels.astype(object)[codes] if len(values) else np.empty(0, dtype=object)
    months[np.isnat(values)] = None
    return pd.Series(months, index=dates.index, dtype=object)


def weekly_cost(
    unit_cost: pd.Series, cost_frequency: pd.Series, planned_units_per_week: pd.Series
) -> pd.Series:
    """Cost per week, to the penny (NaN for one-off payments or when a part is missing)."""
    factor = cost_frequency.map(WEEKLY_FACTOR).astype(np.float64)
    per_unit = cost_frequency.isin(PER_UNIT_FREQUENCIES).to_numpy()
    cost = unit_cost.astype(np.float64).to_numpy()
    weekly = np.where(
        per_unit,
        cost * planned_units_per_week.astype(np.float64).to_numpy(),
        cost * factor.to_numpy(),
    )
    return pd.Series(np.round(weekly, 2), index=unit_cost.index, dtype=np.float64)


Apply = Callable[[list[pd.Series], "ReturnPeriod | None"], pd.Series]


@dataclass(frozen=True)
class GeneraliseRule:
    """A named generalisation: what it reads, what it makes, and how."""

    name: str
    summary: str
    output: FieldType
    _apply: Apply

    def apply(
        self, parsed: pd.DataFrame, sources: tuple[str, ...], period: ReturnPeriod | None
    ) -> pd.Series:
        """The generalised column from the parsed source columns."""
        return self._apply([parsed[name] for name in sources], period)


def _age_band(columns: list[pd.Series], period: ReturnPeriod | None) -> pd.Series:
    if period is None:
        raise SchemaError("Age bands are taken at the end of the return period: give the period")
    return age_band(columns[0], period.end)


RULES: Final[Mapping[str, GeneraliseRule]] = MappingProxyType(
    {
        "age_band": GeneraliseRule(
            "age_band",
            "age band at the end of the return period",
            CodeListType("age_bands", AGE_BANDS, strict=True),
            _age_band,
        ),
        "district": GeneraliseRule(
            "district",
            "local authority district (ONS code) of the postcode's outward code",
            ons_code(DISTRICTS, what="district"),
            lambda columns, period: district(columns[0]),
        ),
        "month": GeneraliseRule(
            "month", "calendar month, YYYY-MM", MONTH, lambda c, p: month(c[0])
        ),
        "weekly_cost": GeneraliseRule(
            "weekly_cost",
            "cost per week from unit cost, frequency and planned units",
            money(non_negative=True, strict=True),
            lambda columns, period: weekly_cost(*columns),
        ),
    }
)
