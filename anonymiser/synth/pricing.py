"""What each placement costs, and how the authority's system writes the cost down.

A weekly price is drawn from the care type's spot range, then scaled by the
provider's price factor, the authority's price factor and the procurement
route (framework about 20% below spot). Hourly care is a rate times planned
hours. The system then records it with its own cost frequency (weekly,
four-weekly, annual...), so the unit cost in the file is the weekly price
converted to that frequency. Contributions are in the same unit as the cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from anonymiser.synth.care import (
    EDUCATION_SHARE,
    FUNDED_NURSING_CARE,
    HEALTH_SHARE,
    HOURLY,
    ROUTE_FACTOR,
    WEEKLY_PRICE,
)
from anonymiser.synth.providers import authority_price_factors
from schemas.codes import WEEKLY_FACTOR

if TYPE_CHECKING:
    from anonymiser.synth.placements import Chunk, Export

_OTHER_FREQUENCIES = ("weekly", "fortnightly", "four_weekly", "monthly", "quarterly", "annual")
_DAILY_CARE = ("childrens_home", "supported_accommodation", "shared_lives")


def placement_costs(export: Export, rng: np.random.Generator, chunk: Chunk) -> Chunk:
    """Unit cost, cost frequency, planned units and contributions for each row."""
    care_types = chunk["care_type"]
    size = len(care_types)
    route = np.array([ROUTE_FACTOR[str(r)] for r in chunk["procurement_route"]]) if size else 1.0
    factor = (
        chunk.pop("price_factor")
        * authority_price_factors(export.seed)[export.profile.code]
        * route
        * rng.normal(1.0, 0.03, size)
    )
    weekly, rate, hours = _weekly_prices(rng, care_types, factor)
    frequency = _frequencies(export, rng, care_types)
    unit_cost, units = _unit_costs(rng, weekly, rate, hours, frequency)
    return {
        "unit_cost": unit_cost,
        "cost_frequency": frequency,
        "planned_units_per_week": units,
        **_contributions(rng, care_types, unit_cost, frequency),
    }


def _weekly_prices(
    rng: np.random.Generator, care_types: np.ndarray, factor: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    size = len(care_types)
    weekly, rate, hours = np.zeros(size), np.full(size, np.nan), np.full(size, np.nan)
    for care_type in np.unique(care_types):
        rows = np.flatnonzero(care_types == care_type)
        if str(care_type) in HOURLY:
            low, high, fewest, most = HOURLY[str(care_type)]
            rate[rows] = rng.uniform(low, high, len(rows)) * factor[rows]
            hours[rows] = np.round(rng.uniform(fewest, most, len(rows)) * 2) / 2
            weekly[rows] = rate[rows] * hours[rows]
        else:
            low, high = WEEKLY_PRICE[str(care_type)]
            weekly[rows] = rng.uniform(low, high, len(rows)) * factor[rows]
    return weekly, rate, hours


def _frequencies(export: Export, rng: np.random.Generator, care_types: np.ndarray) -> np.ndarray:
    size = len(care_types)
    if export.profile.weekly_only:
        return np.full(size, "weekly")
    draw = rng.random(size)
    other = np.array(_OTHER_FREQUENCIES)[rng.integers(0, len(_OTHER_FREQUENCIES), size)]
    frequency = np.where(draw < 0.88, export.profile.frequency, other)
    frequency = np.where(np.isin(care_types, _DAILY_CARE) & (draw > 0.8), "daily", frequency)
    hourly = (care_types == "home_care") | ((care_types == "supported_living") & (draw < 0.8))
    frequency = np.where(hourly, "hourly", frequency)
    return np.where(rng.random(size) < 0.003, "one_off", frequency)


def _unit_costs(
    rng: np.random.Generator,
    weekly: np.ndarray,
    rate: np.ndarray,
    hours: np.ndarray,
    frequency: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    factor = np.array([WEEKLY_FACTOR.get(str(f)) or np.nan for f in frequency])
    unit_cost = weekly / factor
    units = np.where(np.isnan(factor), np.nan, hours)  # hours kept by weekly-only systems
    hourly, daily, one_off = (frequency == name for name in ("hourly", "daily", "one_off"))
    unit_cost = np.where(hourly, rate, unit_cost)
    unit_cost = np.where(daily, weekly / 7, unit_cost)
    unit_cost = np.where(one_off, weekly * rng.uniform(1, 6, len(weekly)), unit_cost)
    units = np.where(hourly, hours, np.where(daily, 7.0, units))
    units = np.where(one_off, np.nan, units)
    return np.round(unit_cost, 2), units


def _contributions(
    rng: np.random.Generator, care_types: np.ndarray, unit_cost: np.ndarray, frequency: np.ndarray
) -> dict[str, np.ndarray]:
    size = len(care_types)
    per_unit = np.array([WEEKLY_FACTOR.get(str(f)) or 1.0 for f in frequency])
    per_unit = np.where(frequency == "daily", 7.0, per_unit)
    nursing = (care_types == "nursing") & (rng.random(size) < 0.65) & (frequency != "one_off")
    health = np.where(nursing, FUNDED_NURSING_CARE / per_unit, np.nan)
    health = _share_of(rng, care_types, unit_cost, HEALTH_SHARE, health)
    education = _share_of(rng, care_types, unit_cost, EDUCATION_SHARE, np.full(size, np.nan))
    return {
        "health_contribution": np.round(health, 2),
        "education_contribution": np.round(education, 2),
    }


def _share_of(
    rng: np.random.Generator,
    care_types: np.ndarray,
    unit_cost: np.ndarray,
    shares: Mapping[str, tuple[float, float, float]],
    into: np.ndarray,
) -> np.ndarray:
    for care_type, (chance, low, high) in shares.items():
        rows = np.flatnonzero((care_types == care_type) & (rng.random(len(care_types)) < chance))
        into[rows] = unit_cost[rows] * rng.uniform(low, high, len(rows))
    return into
