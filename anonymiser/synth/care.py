"""The care market the synthetic region is drawn from: who is placed, where, at what price.

Figures are rounded from published sources an officer would recognise (the
adult social care client level data, the S251 placement costs return and
typical East Midlands fee rates in 2025-26): what matters is that they look
right together, not that they match any council.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import numpy as np

#: Share of placements by care type (adults first, then children).
CARE_MIX: Final[Mapping[str, float]] = MappingProxyType(
    {
        "residential": 0.24,
        "nursing": 0.14,
        "supported_living": 0.13,
        "shared_lives": 0.04,
        "home_care": 0.28,
        "in_house_foster": 0.06,
        "agency_foster": 0.04,
        "childrens_home": 0.03,
        "residential_school": 0.01,
        "supported_accommodation": 0.03,
    }
)

#: Age at the period end: a mixture of (weight, youngest, most common, oldest) triangles.
AGE_PROFILES: Final[Mapping[str, tuple[tuple[float, float, float, float], ...]]] = MappingProxyType(
    {
        "residential": ((0.85, 65, 88, 101), (0.15, 18, 48, 65)),
        "nursing": ((0.9, 65, 89, 101), (0.1, 30, 58, 65)),
        "supported_living": ((1.0, 18, 33, 76),),
        "shared_lives": ((1.0, 18, 38, 80),),
        "home_care": ((0.75, 65, 85, 101), (0.25, 18, 52, 65)),
        "in_house_foster": ((1.0, 0, 9, 18),),
        "agency_foster": ((1.0, 0, 12, 18),),
        "childrens_home": ((1.0, 8, 15.5, 18),),
        "residential_school": ((1.0, 7, 14, 18),),
        "supported_accommodation": ((1.0, 16, 17.5, 18),),
    }
)

#: Share of women and girls among the people in each care type.
FEMALE_SHARE: Final[Mapping[str, float]] = MappingProxyType(
    {
        "residential": 0.66,
        "nursing": 0.64,
        "supported_living": 0.42,
        "shared_lives": 0.45,
        "home_care": 0.62,
        "in_house_foster": 0.47,
        "agency_foster": 0.45,
        "childrens_home": 0.38,
        "residential_school": 0.3,
        "supported_accommodation": 0.4,
    }
)

#: Typical price range per week for care bought by the week (hourly care: see HOURLY).
WEEKLY_PRICE: Final[Mapping[str, tuple[float, float]]] = MappingProxyType(
    {
        "residential": (700.0, 1_100.0),
        "nursing": (900.0, 1_400.0),
        "shared_lives": (380.0, 650.0),
        "in_house_foster": (350.0, 500.0),
        "agency_foster": (800.0, 1_100.0),
        "childrens_home": (4_000.0, 7_000.0),
        "residential_school": (5_000.0, 8_000.0),
        "supported_accommodation": (900.0, 2_500.0),
    }
)

#: Care bought by the hour: (rate low, rate high, hours a week low, high).
HOURLY: Final[Mapping[str, tuple[float, float, float, float]]] = MappingProxyType(
    {"home_care": (20.0, 26.0, 5.0, 30.0), "supported_living": (18.0, 25.0, 20.0, 80.0)}
)

#: How each care type is bought.
ROUTE_MIX: Final[Mapping[str, Mapping[str, float]]] = MappingProxyType(
    {
        "residential": {"framework": 0.55, "spot": 0.4, "block": 0.05},
        "nursing": {"framework": 0.5, "spot": 0.45, "block": 0.05},
        "supported_living": {"framework": 0.6, "spot": 0.3, "block": 0.1},
        "shared_lives": {"framework": 0.4, "block": 0.6},
        "home_care": {"framework": 0.7, "spot": 0.25, "block": 0.05},
        "in_house_foster": {"block": 1.0},
        "agency_foster": {"framework": 0.6, "spot": 0.4},
        "childrens_home": {"framework": 0.25, "spot": 0.7, "block": 0.05},
        "residential_school": {"framework": 0.2, "spot": 0.8},
        "supported_accommodation": {"framework": 0.45, "spot": 0.45, "block": 0.1},
    }
)

#: Price ranges above are regional typical prices; spot sits above them, and framework
#: prices about 20% below spot, block contracts between.
ROUTE_FACTOR: Final[Mapping[str, float]] = MappingProxyType(
    {"framework": 0.9, "block": 0.95, "spot": 1.12}
)

#: Typical time since a placement began, in years.
DURATION_YEARS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "residential": 2.2,
        "nursing": 1.4,
        "supported_living": 5.0,
        "shared_lives": 4.0,
        "home_care": 1.2,
        "in_house_foster": 2.5,
        "agency_foster": 2.0,
        "childrens_home": 1.3,
        "residential_school": 2.0,
        "supported_accommodation": 0.8,
    }
)

_OLDER = {
    "physical_personal_care": 0.45,
    "physical_access_mobility": 0.08,
    "memory_cognition": 0.3,
    "mental_health": 0.07,
    "sensory_visual": 0.03,
    "sensory_hearing": 0.02,
    "learning_disability": 0.03,
    "social_isolation_other": 0.02,
}
_WORKING_AGE = {
    "learning_disability": 0.62,
    "mental_health": 0.18,
    "physical_personal_care": 0.1,
    "sensory_dual": 0.02,
    "social_substance_misuse": 0.03,
    "social_asylum": 0.01,
    "social_isolation_other": 0.04,
}
_CHILDREN = {"children_in_need": 1.0}

#: Primary support reason mix per care type.
SUPPORT_REASONS: Final[Mapping[str, Mapping[str, float]]] = MappingProxyType(
    {
        "residential": _OLDER,
        "nursing": _OLDER,
        "home_care": _OLDER,
        "supported_living": _WORKING_AGE,
        "shared_lives": _WORKING_AGE,
        "in_house_foster": _CHILDREN,
        "agency_foster": _CHILDREN,
        "childrens_home": _CHILDREN,
        "residential_school": _CHILDREN,
        "supported_accommodation": _CHILDREN,
    }
)

#: NHS funded nursing care, per week (2025-26 standard rate).
FUNDED_NURSING_CARE = 254.06
#: Joint funding: (chance a placement has it, lowest share of cost, highest share).
HEALTH_SHARE: Final[Mapping[str, tuple[float, float, float]]] = MappingProxyType(
    {
        "supported_living": (0.08, 0.2, 0.5),
        "childrens_home": (0.2, 0.1, 0.5),
        "residential_school": (0.15, 0.1, 0.3),
    }
)
EDUCATION_SHARE: Final[Mapping[str, tuple[float, float, float]]] = MappingProxyType(
    {"residential_school": (0.7, 0.4, 0.6), "childrens_home": (0.1, 0.1, 0.25)}
)


def choose(rng: np.random.Generator, mix: Mapping[str, float], size: int) -> np.ndarray:
    """Draw ``size`` keys of a mix in proportion to their weights."""
    keys = np.array(list(mix))
    weights = np.array(list(mix.values()), dtype=float)
    return keys[rng.choice(len(keys), size=size, p=weights / weights.sum())]


def choose_per_group(
    rng: np.random.Generator, groups: np.ndarray, mixes: Mapping[str, Mapping[str, float]]
) -> np.ndarray:
    """For each element of ``groups``, draw from that group's mix."""
    result = np.empty(len(groups), dtype=object)
    for group in np.unique(groups):
        where = np.flatnonzero(groups == group)
        result[where] = choose(rng, mixes[str(group)], len(where))
    return result.astype(str)
