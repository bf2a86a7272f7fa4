"""Local ways of writing the agreed codes, gathered from authorities' exports.

A code is always accepted as its code or its label (:mod:`schemas.codes`); these are the
other spellings seen in case-management and finance systems. Keys are compared after the
same reduction as the values (lower case, punctuation and spaces as one underscore), so
``"4-Weekly"``, ``"4 weekly"`` and ``"4_weekly"`` are one entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

CLIENT_TYPE_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "adults": "adult",
        "asc": "adult",
        "adult services": "adult",
        "children": "child",
        "csc": "child",
        "cyp": "child",
        "children and young people": "child",
        "young person": "child",
    }
)

CARE_TYPE_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "residential care": "residential",
        "care home": "residential",
        "residential home": "residential",
        "long term residential": "residential",
        "nursing care": "nursing",
        "nursing home": "nursing",
        "care home with nursing": "nursing",
        "long term nursing": "nursing",
        "supported living scheme": "supported_living",
        "shared lives scheme": "shared_lives",
        "adult placement": "shared_lives",
        "homecare": "home_care",
        "domiciliary care": "home_care",
        "dom care": "home_care",
        "community support": "home_care",
        "in house fostering": "in_house_foster",
        "in house foster care": "in_house_foster",
        "inhouse foster": "in_house_foster",
        "la foster care": "in_house_foster",
        "local authority foster care": "in_house_foster",
        "ifa": "agency_foster",
        "independent fostering agency": "agency_foster",
        "agency fostering": "agency_foster",
        "agency foster care": "agency_foster",
        "childrens residential": "childrens_home",
        "residential childrens home": "childrens_home",
        "children home": "childrens_home",
        "residential special school": "residential_school",
        "semi independent": "supported_accommodation",
        "semi independent living": "supported_accommodation",
        "16 plus accommodation": "supported_accommodation",
        "supported accommodation 16 plus": "supported_accommodation",
    }
)

PRIMARY_SUPPORT_REASON_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "access and mobility": "physical_access_mobility",
        "personal care": "physical_personal_care",
        "physical support": "physical_personal_care",
        "visual impairment": "sensory_visual",
        "hearing impairment": "sensory_hearing",
        "dual impairment": "sensory_dual",
        "deafblind": "sensory_dual",
        "memory and cognition": "memory_cognition",
        "dementia": "memory_cognition",
        "ld": "learning_disability",
        "learning disability": "learning_disability",
        "mh": "mental_health",
        "mental health": "mental_health",
        "substance misuse": "social_substance_misuse",
        "asylum seeker": "social_asylum",
        "social isolation": "social_isolation_other",
        "child in need": "children_in_need",
        "cin": "children_in_need",
        "looked after": "children_in_need",
        "looked after child": "children_in_need",
        "cla": "children_in_need",
    }
)

COST_FREQUENCY_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "hour": "hourly",
        "hours": "hourly",
        "hr": "hourly",
        "ph": "hourly",
        "p/h": "hourly",
        "day": "daily",
        "days": "daily",
        "night": "daily",
        "nightly": "daily",
        "per night": "daily",
        "week": "weekly",
        "wk": "weekly",
        "pw": "weekly",
        "p/w": "weekly",
        "fortnight": "fortnightly",
        "2 weekly": "fortnightly",
        "two weekly": "fortnightly",
        "4 weekly": "four_weekly",
        "4 weeks": "four_weekly",
        "4wk": "four_weekly",
        "every 4 weeks": "four_weekly",
        "every four weeks": "four_weekly",
        "per 4 weeks": "four_weekly",
        "month": "monthly",
        "pcm": "monthly",
        "per month": "monthly",
        "calendar monthly": "monthly",
        "quarter": "quarterly",
        "3 monthly": "quarterly",
        "year": "annual",
        "yearly": "annual",
        "annually": "annual",
        "per annum": "annual",
        "pa": "annual",
        "p/a": "annual",
        "one off": "one_off",
        "oneoff": "one_off",
        "single payment": "one_off",
        "lump sum": "one_off",
    }
)

PROCUREMENT_ROUTE_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "framework agreement": "framework",
        "framework contract": "framework",
        "call off": "framework",
        "dps": "framework",
        "dynamic purchasing system": "framework",
        "spot contract": "spot",
        "spot placement": "spot",
        "block purchase": "block",
        "block booking": "block",
        "block contracted": "block",
    }
)

PROVIDER_TYPE_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "independent": "private",
        "independent sector": "private",
        "for profit": "private",
        "third sector": "voluntary",
        "charity": "voluntary",
        "not for profit": "voluntary",
        "vcs": "voluntary",
        "vcse": "voluntary",
        "in house": "local_authority",
        "la": "local_authority",
        "council": "local_authority",
        "own provision": "local_authority",
        "ola": "other_local_authority",
        "nhs trust": "nhs",
        "health": "nhs",
        "personal assistant": "individual",
        "foster carer": "individual",
        "sole trader": "individual",
    }
)

QUALITY_RATING_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "ri": "requires_improvement",
        "requires improvement to be good": "requires_improvement",
        "not rated": "not_rated",
        "unrated": "not_rated",
        "not yet inspected": "not_rated",
        "awaiting inspection": "not_rated",
    }
)

SEX_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "f": "female",
        "woman": "female",
        "girl": "female",
        "m": "male",
        "man": "male",
        "boy": "male",
        "unknown": "not_known",
        "u": "not_known",
        "not specified": "not_known",
        "indeterminate": "other",
    }
)

ETHNICITY_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        # The detailed census and CLD categories, by their common codes and names.
        **dict.fromkeys(
            ("wbri", "wirl", "wirt", "wrom", "woth", "white british", "white irish",
             "white other", "any other white background", "gypsy or irish traveller"),
            "white",
        ),
        **dict.fromkeys(
            ("mwbc", "mwba", "mwas", "moth", "mixed", "white and black caribbean",
             "white and black african", "white and asian", "any other mixed background"),
            "mixed",
        ),
        **dict.fromkeys(
            ("aind", "apkn", "aban", "aoth", "chne", "indian", "pakistani", "bangladeshi",
             "chinese", "asian", "any other asian background"),
            "asian",
        ),
        **dict.fromkeys(
            ("bcrb", "bafr", "both", "black", "caribbean", "african", "black british",
             "any other black background"),
            "black",
        ),
        **dict.fromkeys(("oarb", "ooth", "arab", "any other ethnic group"), "other"),
        **dict.fromkeys(
            ("refu", "nobt", "refused", "prefer not to say", "not known",
             "information not yet obtained", "not recorded"),
            "not_stated",
        ),
    }
)  # fmt: skip
