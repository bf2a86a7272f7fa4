"""Care providers shared across the region, and the private individuals councils pay.

Forty invented providers (any likeness to a real organisation is chance) serve
every authority, each written a little differently by each authority's
systems ("Alphatrack Care Ltd", "ALPHATRACK CARE LIMITED"), each with its
registration numbers and an inspection rating. Every authority pays its own
price: a provider's price factor times the authority's price factor, so the
regional picture has differences to find.

Shared lives carers and in-house foster carers are private individuals, named
as finance systems name them ("Mr J K S Patel", "Ms Andrea Garvey").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Final

import numpy as np

from anonymiser.synth import identifiers
from anonymiser.synth.care import choose
from anonymiser.synth.people import NamePool, join_text
from schemas.geography import AUTHORITIES

#: The councils' own names, as they sign their reports and name their in-house services.
COUNCIL_NAMES: Final = MappingProxyType(
    {
        "E06000015": "Derby City Council",
        "E06000016": "Leicester City Council",
        "E06000017": "Rutland County Council",
        "E06000018": "Nottingham City Council",
        "E10000007": "Derbyshire County Council",
        "E10000018": "Leicestershire County Council",
        "E10000019": "Lincolnshire County Council",
        "E10000024": "Nottinghamshire County Council",
        "E06000061": "North Northamptonshire Council",
        "E06000062": "West Northamptonshire Council",
    }
)

#: What each kind of provider offers, its sector and how it is registered.
_KINDS: Final = {
    "care_home": (("residential", "nursing"), "cqc"),
    "home_care": (("home_care",), "cqc"),
    "supported_living": (("supported_living", "shared_lives"), "cqc"),
    "fostering": (("agency_foster",), "ofsted"),
    "childrens_home": (("childrens_home",), "ofsted"),
    "school": (("residential_school",), "school"),
    "supported_accommodation": (("supported_accommodation",), "ofsted"),
}

#: (name, kind, other names authorities' systems use for it).
_CATALOGUE: Final = (
    ("Alphatrack Care Ltd", "care_home", ()),
    ("Brookvale Healthcare Ltd", "care_home", ()),
    ("Cedar Lodge Care Homes Ltd", "care_home", ("Cedar Lodge",)),
    ("Dovecote Residential Care Ltd", "care_home", ()),
    ("Elmfield Court Nursing Home Ltd", "care_home", ("Elmfield Court",)),
    ("Foxglove Senior Living Ltd", "care_home", ()),
    ("Greystones Care Group Ltd", "care_home", ("Greystones Care",)),
    ("Hawthorn House (Midlands) Ltd", "care_home", ("Hawthorn House",)),
    ("Ivybridge Nursing Homes Ltd", "care_home", ()),
    ("Juniper Care Partnership LLP", "care_home", ("Juniper Care",)),
    ("Kingsmead Care Ltd", "care_home", ()),
    ("Larchwood Lodge Ltd", "care_home", ()),
    ("Royal Elmstead Society", "supported_living", ("Elmstead", "The Royal Elmstead Society")),
    ("Trentside Housing Association", "supported_living", ("Trentside HA",)),
    ("Peak Futures Trust", "supported_living", ("The Peak Futures Trust",)),
    ("Midlands Autism Trust", "supported_living", ("MAT (Midlands Autism Trust)",)),
    ("Soar Valley Independent Living", "supported_living", ("Soar Valley IL",)),
    ("Harbour Learning Disability Charity", "supported_living", ("Harbour LD Charity",)),
    ("Carewise Home Support Ltd", "home_care", ("Carewise",)),
    ("Bluebell Homecare Ltd", "home_care", ("Bluebell Home Care Ltd",)),
    ("Heritage Domiciliary Services Ltd", "home_care", ()),
    ("Oakleaf Home Care Ltd", "home_care", ()),
    ("Radiant Care at Home Ltd", "home_care", ("Radiant Care @ Home",)),
    ("Swift Support Services Ltd", "home_care", ()),
    ("Willowbank Community Care CIC", "home_care", ("Willowbank Community Care",)),
    ("Horizon Fostering Services Ltd", "fostering", ("Horizon Fostering",)),
    ("Compass Point Fostering Ltd", "fostering", ()),
    ("Family Circle Fostering Agency Ltd", "fostering", ()),
    ("Nurture Foster Care Ltd", "fostering", ()),
    ("Keystone Children's Homes Ltd", "childrens_home", ("Keystone Childrens Homes Ltd",)),
    ("Beacon Residential Childcare Ltd", "childrens_home", ()),
    ("Oakhurst Children's Services Ltd", "childrens_home", ("Oakhurst Childrens Services",)),
    ("Pathways Care Group Ltd", "childrens_home", ()),
    ("Hollyfield School Trust", "school", ("Hollyfield School",)),
    ("Eden Park Specialist School Ltd", "school", ()),
    ("St Aidan's Residential School", "school", ("St Aidans School",)),
    ("Step Forward Housing (16+) Ltd", "supported_accommodation", ("Step Forward Housing",)),
    ("Bridges Young People's Services", "supported_accommodation", ("Bridges YPS",)),
    ("Lighthouse Supported Accommodation Ltd", "supported_accommodation", ()),
    ("Greenacres Care & Support Ltd", "care_home", ("Greenacres Care and Support Ltd",)),
)
_RATINGS: Final = {
    "good": 0.68,
    "outstanding": 0.1,
    "requires_improvement": 0.15,
    "inadequate": 0.03,
    "not_rated": 0.04,
}


@dataclass(frozen=True)
class Provider:
    """A care provider the region's authorities buy from."""

    key: str
    name: str
    variants: tuple[str, ...]
    provider_type: str
    care_types: tuple[str, ...]
    cqc_location_id: str | None
    ofsted_urn: str | None
    org_id: str | None
    quality_rating: str
    price_factor: float

    def name_in(self, authority: str) -> str:
        """The name this authority's systems write for the provider."""
        index = list(AUTHORITIES).index(authority)
        return self.variants[(index * 7 + int(self.key[1:])) % len(self.variants)]


@lru_cache(maxsize=4)
def region_providers(seed: int) -> tuple[Provider, ...]:
    """The forty providers, with registration numbers, ratings and price factors for a seed."""
    rng = np.random.default_rng([seed, 40])
    ratings = choose(rng, _RATINGS, len(_CATALOGUE))
    return tuple(
        _provider(rng, number, entry, str(rating))
        for number, (entry, rating) in enumerate(zip(_CATALOGUE, ratings, strict=True), start=1)
    )


def _provider(
    rng: np.random.Generator, number: int, entry: tuple[str, str, tuple[str, ...]], rating: str
) -> Provider:
    name, kind, others = entry
    care_types, regulator = _KINDS[kind]
    company = name.endswith((" Ltd", " LLP", " CIC"))
    return Provider(
        key=f"P{number:02d}",
        name=name,
        variants=(name, *_legal_variants(name), *others),
        provider_type="private" if company else "voluntary",
        care_types=care_types,
        cqc_location_id=identifiers.cqc_location_id(rng) if regulator == "cqc" else None,
        ofsted_urn=_ofsted(rng, regulator),
        org_id=identifiers.companies_house_id(rng) if company else identifiers.charity_id(rng),
        quality_rating=rating,
        price_factor=float(rng.uniform(0.92, 1.1)),
    )


def _ofsted(rng: np.random.Generator, regulator: str) -> str | None:
    if regulator == "ofsted":
        return identifiers.ofsted_urn(rng)
    return identifiers.school_urn(rng) if regulator == "school" else None


def _legal_variants(name: str) -> tuple[str, ...]:
    if name.endswith(" Ltd"):
        stem = name.removesuffix(" Ltd")
        return (f"{stem} Limited", f"{stem.upper()} LIMITED", f"{stem} Ltd.")
    return (name.upper(),)


@lru_cache(maxsize=4)
def authority_price_factors(seed: int) -> dict[str, float]:
    """What each authority pays relative to the regional price (within about ±15%)."""
    rng = np.random.default_rng([seed, 15])
    return {code: float(rng.uniform(0.87, 1.13)) for code in AUTHORITIES}


def provider_choice(
    seed: int, authority: str, care_type: str
) -> tuple[tuple[Provider, ...], np.ndarray]:
    """Providers of a care type and how often this authority uses each (weights sum to 1)."""
    offering = tuple(p for p in region_providers(seed) if care_type in p.care_types)
    index = list(AUTHORITIES).index(authority)
    weights = np.random.default_rng([seed, 41, index]).gamma(1.5, size=len(offering))
    return offering, weights / weights.sum()


def individuals(rng: np.random.Generator, size: int, pool: NamePool) -> np.ndarray:
    """Names of private individuals as finance systems hold them ("Mr J K S Patel")."""
    female = rng.random(size) < 0.7
    female_names = pool.female[rng.integers(0, len(pool.female), size)]
    given = np.where(female, female_names, pool.male[rng.integers(0, len(pool.male), size)])
    family = pool.family[rng.integers(0, len(pool.family), size)]
    titles = np.where(female, np.array(["Mrs", "Ms", "Miss"])[rng.integers(0, 3, size)], "Mr")
    initials = _initials(rng, pool, given, size)
    style = rng.integers(0, 10, size)
    forename = np.where(style < 4, given, initials)
    couple = style == 9
    titles = np.where(couple, "Mr & Mrs", titles)
    return join_text(titles, " ", forename, " ", family)


def _initials(rng: np.random.Generator, pool: NamePool, given: np.ndarray, size: int) -> np.ndarray:
    first = np.array([str(name)[0] for name in given])
    extra = pool.male[rng.integers(0, len(pool.male), (2, size))]
    second = np.array([str(name)[0] for name in extra[0]])
    third = np.array([str(name)[0] for name in extra[1]])
    count = rng.integers(1, 4, size)
    two = join_text(first, " ", second)
    three = join_text(two, " ", third)
    return np.where(count == 1, first, np.where(count == 2, two, three))
