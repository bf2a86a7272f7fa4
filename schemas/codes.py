"""Code lists shared by the agreed schemas.

Each list is aligned with a public return so that what authorities already
report maps onto the exchange without translation:

* care types: the adult social care client level data (CLD) service types and
  the S251 children's placement types;
* primary support reason: the CLD/SALT primary support reason categories;
* cost frequency: CLD "cost frequency (unit type)";
* procurement route and provider type: the S251 placement costs return;
* quality rating: the CQC and Ofsted overall judgements.

The keys are the codes that travel in returns; the values are the labels an
officer reads. Codes are lower snake case so that they survive any export.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

CLIENT_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {"adult": "Adult social care", "child": "Children's social care"}
)

#: Adult services (CLD service type) then children's placements (S251).
CARE_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "residential": "Long term residential care",
        "nursing": "Long term nursing care",
        "supported_living": "Supported living",
        "shared_lives": "Shared lives",
        "home_care": "Home care (community support)",
        "in_house_foster": "In-house foster care",
        "agency_foster": "Independent fostering agency placement",
        "childrens_home": "Children's home",
        "residential_school": "Residential school",
        "supported_accommodation": "Supported accommodation (16+)",
    }
)

ADULT_CARE_TYPES: Final = frozenset(
    {"residential", "nursing", "supported_living", "shared_lives", "home_care"}
)
CHILD_CARE_TYPES: Final = frozenset(set(CARE_TYPES) - ADULT_CARE_TYPES)

PRIMARY_SUPPORT_REASONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "physical_access_mobility": "Physical Support: Access and mobility only",
        "physical_personal_care": "Physical Support: Personal care support",
        "sensory_visual": "Sensory Support: Support for visual impairment",
        "sensory_hearing": "Sensory Support: Support for hearing impairment",
        "sensory_dual": "Sensory Support: Support for dual impairment",
        "memory_cognition": "Support with Memory and Cognition",
        "learning_disability": "Learning Disability Support",
        "mental_health": "Mental Health Support",
        "social_substance_misuse": "Social Support: Substance misuse support",
        "social_asylum": "Social Support: Asylum seeker support",
        "social_isolation_other": "Social Support: Support for social isolation/other",
        "children_in_need": "Children: child in need or looked after",
    }
)

#: Weeks each frequency's unit covers, for the weekly cost derivation.
#: ``hourly`` and ``daily`` are per unit: weekly cost = unit cost x planned units.
COST_FREQUENCIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "hourly": "Per hour",
        "daily": "Per day",
        "weekly": "Per week",
        "fortnightly": "Per fortnight",
        "four_weekly": "Per four weeks",
        "monthly": "Per calendar month",
        "quarterly": "Per quarter",
        "annual": "Per year",
        "one_off": "One-off payment",
    }
)

#: Multiplier from a unit cost to a weekly cost. ``None`` means "per unit":
#: multiply by planned units per week. ``one_off`` has no weekly cost.
WEEKLY_FACTOR: Final[Mapping[str, float | None]] = MappingProxyType(
    {
        "hourly": None,
        "daily": None,
        "weekly": 1.0,
        "fortnightly": 1 / 2,
        "four_weekly": 1 / 4,
        "monthly": 12 / 52,
        "quarterly": 4 / 52,
        "annual": 1 / 52,
    }
)

PROCUREMENT_ROUTES: Final[Mapping[str, str]] = MappingProxyType(
    {"framework": "Framework", "spot": "Spot purchase", "block": "Block contract"}
)

PROVIDER_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "private": "Private sector",
        "voluntary": "Voluntary or third sector",
        "local_authority": "Local authority (own provision)",
        "other_local_authority": "Other local authority",
        "nhs": "NHS",
        "individual": "Individual (carer, foster carer, personal assistant)",
    }
)

QUALITY_RATINGS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "outstanding": "Outstanding",
        "good": "Good",
        "requires_improvement": "Requires improvement",
        "inadequate": "Inadequate",
        "not_rated": "Not yet rated",
    }
)

#: Person-level characteristics (CLD gender and ethnicity, top-level groups).
SEXES: Final[Mapping[str, str]] = MappingProxyType(
    {"female": "Female", "male": "Male", "other": "Other", "not_known": "Not known"}
)

ETHNICITIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "white": "White",
        "mixed": "Mixed or multiple ethnic groups",
        "asian": "Asian or Asian British",
        "black": "Black, Black British, Caribbean or African",
        "other": "Other ethnic group",
        "not_stated": "Not stated",
    }
)
