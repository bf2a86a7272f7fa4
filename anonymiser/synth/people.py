"""The people in the synthetic region: names, dates of birth, homes.

Faker is slow per call, so it fills small pools once per seed (given names by
sex, family names, street names) and numpy samples from the pools for every
row. Ages follow the care type: children are 0-17 at the period end, adults
18-100, and residential and nursing care skew old.

A few people are placed by two authorities (same NHS number, name and date of
birth, a home in each authority's area): :func:`shared_people` draws them once
for the whole region so every authority's export agrees about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from faker import Faker

from anonymiser.synth.care import AGE_PROFILES, CARE_MIX, FEMALE_SHARE, choose
from anonymiser.synth.identifiers import INWARD_LETTERS, nhs_numbers, shared_block
from schemas.codes import CHILD_CARE_TYPES
from schemas.geography import AUTHORITIES, DISTRICTS, OUTWARD_DISTRICTS, outward_codes_of

#: Share of each authority's placements that belong to someone another authority also places.
SHARED_SHARE = 0.02
_STREET_KINDS = (
    "Road",
    "Street",
    "Close",
    "Lane",
    "Avenue",
    "Drive",
    "Way",
    "Crescent",
    "Gardens",
    "Court",
    "Grove",
    "Place",
    "Walk",
    "Rise",
    "View",
)
_ETHNICITY_MIX = {
    "default": {
        "white": 0.86,
        "asian": 0.04,
        "black": 0.02,
        "mixed": 0.02,
        "other": 0.01,
        "not_stated": 0.05,
    },
    "E06000016": {
        "white": 0.45,
        "asian": 0.37,
        "black": 0.07,
        "mixed": 0.04,
        "other": 0.03,
        "not_stated": 0.04,
    },
    "E06000018": {
        "white": 0.65,
        "asian": 0.12,
        "black": 0.1,
        "mixed": 0.06,
        "other": 0.03,
        "not_stated": 0.04,
    },
    "E06000015": {
        "white": 0.76,
        "asian": 0.13,
        "black": 0.03,
        "mixed": 0.03,
        "other": 0.01,
        "not_stated": 0.04,
    },
}
#: Towns an address in each district names (a unitary authority's own name when absent).
_TOWNS = {
    "E06000017": ("Oakham", "Uppingham"),
    "E06000061": ("Kettering", "Corby", "Wellingborough", "Rushden"),
    "E06000062": ("Northampton", "Daventry", "Towcester", "Brackley"),
    "E07000032": ("Ripley", "Belper", "Alfreton", "Heanor"),
    "E07000033": ("Bolsover", "Shirebrook", "Clowne"),
    "E07000035": ("Matlock", "Ashbourne", "Bakewell"),
    "E07000036": ("Ilkeston", "Long Eaton"),
    "E07000037": ("Buxton", "Glossop", "New Mills"),
    "E07000038": ("Dronfield", "Clay Cross", "Eckington"),
    "E07000039": ("Swadlincote", "Melbourne"),
    "E07000129": ("Blaby", "Narborough", "Enderby"),
    "E07000130": ("Loughborough", "Shepshed", "Syston"),
    "E07000131": ("Market Harborough", "Lutterworth"),
    "E07000132": ("Hinckley", "Earl Shilton", "Market Bosworth"),
    "E07000133": ("Melton Mowbray",),
    "E07000134": ("Coalville", "Ashby-de-la-Zouch", "Castle Donington"),
    "E07000135": ("Oadby", "Wigston"),
    "E07000136": ("Boston", "Kirton"),
    "E07000137": ("Skegness", "Louth", "Horncastle", "Mablethorpe"),
    "E07000139": ("Sleaford", "North Hykeham"),
    "E07000140": ("Spalding", "Holbeach"),
    "E07000141": ("Grantham", "Stamford", "Bourne"),
    "E07000142": ("Gainsborough", "Market Rasen"),
    "E07000170": ("Sutton-in-Ashfield", "Kirkby-in-Ashfield", "Hucknall"),
    "E07000171": ("Worksop", "Retford"),
    "E07000172": ("Beeston", "Stapleford", "Eastwood"),
    "E07000173": ("Arnold", "Carlton", "Burton Joyce"),
    "E07000174": ("Mansfield", "Mansfield Woodhouse"),
    "E07000175": ("Newark-on-Trent", "Ollerton", "Southwell"),
    "E07000176": ("West Bridgford", "Bingham", "Radcliffe-on-Trent"),
}


@dataclass(frozen=True)
class NamePool:
    """Names Faker produced once, for numpy to sample from."""

    female: np.ndarray
    male: np.ndarray
    family: np.ndarray
    streets: np.ndarray


@lru_cache(maxsize=4)
def name_pool(seed: int) -> NamePool:
    """Pools of en_GB names for a seed (Faker's weights make common names common)."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    female = [fake.first_name_female() for _ in range(2_000)]
    male = [fake.first_name_male() for _ in range(2_000)]
    family = [fake.last_name() for _ in range(4_000)]
    kinds = np.random.default_rng([seed, 7]).choice(_STREET_KINDS, 2_000)
    streets = [f"{fake.last_name()} {kind}" for kind in kinds]
    return NamePool(np.array(female), np.array(male), np.array(family), np.array(streets))


def given_names(rng: np.random.Generator, sex: np.ndarray, pool: NamePool) -> np.ndarray:
    """A given name for each person, drawn from the pool matching their sex."""
    female = pool.female[rng.integers(0, len(pool.female), len(sex))]
    male = pool.male[rng.integers(0, len(pool.male), len(sex))]
    either = np.where(rng.random(len(sex)) < 0.5, female, male)
    return np.where(sex == "female", female, np.where(sex == "male", male, either))


def sexes(rng: np.random.Generator, care_types: np.ndarray) -> np.ndarray:
    """Sex codes, with the share of women that each care type has."""
    female_share = np.zeros(len(care_types))
    for care_type in np.unique(care_types):
        female_share[care_types == care_type] = FEMALE_SHARE[str(care_type)]
    sex = np.where(rng.random(len(care_types)) < female_share, "female", "male")
    rare = rng.random(len(care_types))
    return np.where(rare < 0.002, "other", np.where(rare < 0.007, "not_known", sex))


def ethnicities(rng: np.random.Generator, authority: str, size: int) -> np.ndarray:
    """Ethnic group codes, with each authority's own mix."""
    return choose(rng, _ETHNICITY_MIX.get(authority, _ETHNICITY_MIX["default"]), size)


def dates_of_birth(
    rng: np.random.Generator, care_types: np.ndarray, period_end: date
) -> np.ndarray:
    """Dates of birth giving an age at the period end that fits each care type."""
    years = np.empty(len(care_types))
    for care_type in np.unique(care_types):
        where = np.flatnonzero(care_types == care_type)
        years[where] = _ages(rng, AGE_PROFILES[str(care_type)], len(where))
    end = np.datetime64(period_end, "D")
    days = np.floor(years * 365.2425).astype(np.int64)
    child = np.isin(care_types, list(CHILD_CARE_TYPES))
    days = np.where(child, np.clip(days, 1, _days_since_birthday(period_end, 18) - 1), days)
    days = np.where(
        child,
        days,
        np.clip(
            days, _days_since_birthday(period_end, 18), _days_since_birthday(period_end, 101) - 1
        ),
    )
    return end - days.astype("timedelta64[D]")


def homes(
    rng: np.random.Generator, authority: str, size: int, pool: NamePool
) -> tuple[np.ndarray, np.ndarray]:
    """Postcodes inside the authority (inward code ``9AA``) and street addresses."""
    outward = np.array(outward_codes_of(authority))
    where = rng.integers(0, len(outward), size)
    letters = np.array(list(INWARD_LETTERS))
    inward = rng.integers(0, len(letters), (2, size))
    digit = rng.integers(0, 10, size).astype("U1")
    postcode = join_text(outward[where], " ", digit, letters[inward[0]], letters[inward[1]])
    number = rng.integers(1, 240, size).astype("U3")
    flat = np.where(rng.random(size) < 0.12, np.strings.add("Flat ", number), "")
    house = np.where(flat == "", number, np.strings.add(flat, ","))
    street = pool.streets[rng.integers(0, len(pool.streets), size)]
    return postcode, join_text(house, " ", street, ", ", _towns(rng, outward, where))


@dataclass(frozen=True)
class SharedPeople:
    """People placed by two of the region's authorities."""

    number: np.ndarray  # each person's position in the region's list
    authorities: np.ndarray  # (n, 2) indices in AUTHORITIES order
    care_type: np.ndarray
    nhs_number: np.ndarray
    given_name: np.ndarray
    family_name: np.ndarray
    sex: np.ndarray
    ethnicity: np.ndarray
    date_of_birth: np.ndarray

    def placed_by(self, authority_index: int) -> np.ndarray:
        """Indices of the shared people this authority places."""
        return np.flatnonzero((self.authorities == authority_index).any(axis=1))

    def subset(self, indices: np.ndarray) -> SharedPeople:
        """The people at these indices."""
        return SharedPeople(
            **{name: getattr(self, name)[indices] for name in self.__dataclass_fields__}
        )


@lru_cache(maxsize=8)
def shared_people(seed: int, rows: int, period_end: date) -> SharedPeople:
    """The region's people placed by two authorities, about 2% of each authority's rows."""
    count = max(1, round(rows * len(AUTHORITIES) * SHARED_SHARE / 2))
    rng = np.random.default_rng([seed, 2])
    index = np.arange(count)
    first = index % len(AUTHORITIES)
    second = (first + 1 + (index // len(AUTHORITIES)) % (len(AUTHORITIES) - 1)) % len(AUTHORITIES)
    care_type = choose(rng, CARE_MIX, count)
    sex = sexes(rng, care_type)
    pool = name_pool(seed)
    return SharedPeople(
        number=index,
        authorities=np.stack([first, second], axis=1),
        care_type=care_type,
        nhs_number=nhs_numbers(seed, shared_block(), index),
        given_name=given_names(rng, sex, pool),
        family_name=pool.family[rng.integers(0, len(pool.family), count)],
        sex=sex,
        ethnicity=ethnicities(rng, "default", count),
        date_of_birth=dates_of_birth(rng, care_type, period_end),
    )


def _towns(rng: np.random.Generator, outward: np.ndarray, where: np.ndarray) -> np.ndarray:
    towns = np.empty(len(where), dtype=object)
    pick = rng.integers(0, 1_000, len(where))
    for index, code in enumerate(outward):
        district = OUTWARD_DISTRICTS[str(code)]
        options = np.array(_TOWNS.get(district, (DISTRICTS[district][0],)))
        rows = np.flatnonzero(where == index)
        towns[rows] = options[pick[rows] % len(options)]
    return towns.astype(str)


def _ages(
    rng: np.random.Generator, profile: tuple[tuple[float, float, float, float], ...], size: int
) -> np.ndarray:
    weights = np.array([part[0] for part in profile])
    part = rng.choice(len(profile), size=size, p=weights / weights.sum())
    low, mode, high = (np.array([p[i] for p in profile])[part] for i in (1, 2, 3))
    return rng.triangular(low, mode, high) if size else np.empty(0)


def _days_since_birthday(on: date, years: int) -> int:
    """Days between ``on`` and the same day ``years`` earlier (28 Feb for 29 Feb)."""
    day = 28 if (on.month, on.day) == (2, 29) else on.day
    return (on - on.replace(year=on.year - years, day=day)).days


def join_text(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of string arrays and constants."""
    result = np.asarray(parts[0])
    for part in parts[1:]:
        result = np.strings.add(result, part)
    return result
