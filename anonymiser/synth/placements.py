"""Placements as an authority's case-management system holds them, in chunks.

:func:`placement_chunks` yields the rows of one authority's export a chunk at
a time, each chunk a mapping of field name -> numpy array (text as strings,
dates as ``datetime64[D]`` with NaT for blanks, money and units as floats with
NaN for blanks). Every value is drawn with numpy from a generator seeded by
(seed, authority, chunk), so the same arguments always give the same rows and
no chunk depends on another. How the values are written out (and damaged) is
:mod:`anonymiser.synth.mess`'s business.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from anonymiser.synth import care, notes
from anonymiser.synth.identifiers import nhs_numbers
from anonymiser.synth.people import (
    SharedPeople,
    dates_of_birth,
    ethnicities,
    given_names,
    homes,
    name_pool,
    sexes,
    shared_people,
)
from anonymiser.synth.period import Period
from anonymiser.synth.pricing import placement_costs
from anonymiser.synth.providers import (
    COUNCIL_NAMES,
    individuals,
    provider_choice,
)
from anonymiser.synth.styles import AuthorityProfile
from schemas.codes import CHILD_CARE_TYPES
from schemas.geography import AUTHORITIES

#: Rows generated at once: large enough for numpy to pay off, small enough to stay lean.
CHUNK_ROWS = 25_000
Chunk = dict[str, np.ndarray]
_PERSON_FIELDS = (
    "given_name",
    "family_name",
    "sex",
    "ethnicity",
    "date_of_birth",
    "postcode",
    "address",
    "nhs_number",
    "person",
)


@dataclass(frozen=True)
class Export:
    """One authority's export of one return type: what to generate."""

    profile: AuthorityProfile
    rows: int
    seed: int
    period: Period

    @property
    def index(self) -> int:
        """The authority's position in the region's list (fixes its NHS number block)."""
        return list(AUTHORITIES).index(self.profile.code)

    def rng(self, stream: int, chunk: int = 0) -> np.random.Generator:
        """A generator for one purpose and chunk of this export."""
        return np.random.default_rng([self.seed, stream, self.index, chunk])


def placement_chunks(export: Export, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """The export's placements, ``chunk_rows`` at a time."""
    for start in range(0, export.rows, chunk_rows):
        yield placement_chunk(export, start, min(chunk_rows, export.rows - start))


def placement_chunk(export: Export, start: int, size: int) -> Chunk:
    """Rows ``start`` to ``start + size`` of the export."""
    rng = export.rng(1, start)
    chunk: Chunk = {"care_type": care.choose(rng, care.CARE_MIX, size)}
    shared, rows = _shared_here(export, start, size)
    chunk["care_type"][rows] = shared.care_type
    chunk.update(_people(export, rng, chunk["care_type"], start))
    _repeat_people(rng, chunk, exclude=rows)
    _place_shared(chunk, shared, rows, export.rows)
    chunk["client_type"] = np.where(
        np.isin(chunk["care_type"], list(CHILD_CARE_TYPES)), "child", "adult"
    )
    chunk["primary_support_reason"] = care.choose_per_group(
        rng, chunk["care_type"], care.SUPPORT_REASONS
    )
    chunk.update(_providers(export, rng, chunk["care_type"]))
    chunk["procurement_route"] = care.choose_per_group(rng, chunk["care_type"], care.ROUTE_MIX)
    chunk.update(placement_costs(export, rng, chunk))
    chunk.update(_dates(export, rng, chunk))
    chunk["local_person_id"] = export.profile.local_ids.format(chunk.pop("person"), export.index)
    chunk["placement_ref"] = _references(export, start, size)
    chunk["notes"] = notes.placement_notes(rng, chunk)
    return chunk


@lru_cache(maxsize=64)
def _shared_positions(seed: int, index: int, rows: int, count: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 3, index])
    return rng.choice(rows, size=count, replace=False)


def _shared_here(export: Export, start: int, size: int) -> tuple[SharedPeople, np.ndarray]:
    """The shared people whose rows fall in this chunk, and their rows in it."""
    everyone = shared_people(export.seed, export.rows, export.period.end)
    mine = everyone.placed_by(export.index)
    positions = _shared_positions(export.seed, export.index, export.rows, len(mine))
    here = (positions >= start) & (positions < start + size)
    return everyone.subset(mine[here]), positions[here] - start


def _people(export: Export, rng: np.random.Generator, care_types: np.ndarray, start: int) -> Chunk:
    size = len(care_types)
    pool = name_pool(export.seed)
    sex = sexes(rng, care_types)
    postcode, address = homes(rng, export.profile.code, size, pool)
    person = start + np.arange(size, dtype=np.int64)
    nhs = nhs_numbers(export.seed, export.index, person)
    return {
        "given_name": given_names(rng, sex, pool),
        "family_name": pool.family[rng.integers(0, len(pool.family), size)],
        "sex": sex,
        "ethnicity": ethnicities(rng, export.profile.code, size),
        "date_of_birth": dates_of_birth(rng, care_types, export.period.end),
        "postcode": postcode,
        "address": address,
        "nhs_number": np.where(rng.random(size) < 0.03, "", nhs),
        "person": person,
    }


def _repeat_people(rng: np.random.Generator, chunk: Chunk, exclude: np.ndarray) -> None:
    """About 8% of rows are a further placement of someone already in the chunk."""
    child = np.isin(chunk["care_type"], list(CHILD_CARE_TYPES))
    for group in (child, ~child):
        rows = np.flatnonzero(group)
        if len(rows) < 2:
            continue
        targets = rows[rng.random(len(rows)) < 0.08]
        targets = targets[~np.isin(targets, exclude)]
        sources = rows[rng.integers(0, len(rows), len(targets))]
        for name in _PERSON_FIELDS:
            chunk[name][targets] = chunk[name][sources]


def _place_shared(chunk: Chunk, shared: SharedPeople, rows: np.ndarray, total: int) -> None:
    for name in ("given_name", "family_name", "sex", "ethnicity", "date_of_birth", "nhs_number"):
        values = getattr(shared, name)
        # Widen first: numpy silently truncates a longer string assigned into a narrower array.
        chunk[name] = chunk[name].astype(np.result_type(chunk[name], values))
        chunk[name][rows] = values
    # Shared people get person numbers beyond the rows, so local ids never collide.
    chunk["person"][rows] = total + shared.number


def _providers(export: Export, rng: np.random.Generator, care_types: np.ndarray) -> Chunk:
    size = len(care_types)
    out = {name: np.full(size, "", dtype=object) for name in _PROVIDER_TEXT}
    out["price_factor"] = np.ones(size)
    for care_type in np.unique(care_types):
        rows = np.flatnonzero(care_types == care_type)
        offering, weights = provider_choice(export.seed, export.profile.code, str(care_type))
        if not offering:  # in-house foster care: the carers are individuals (below)
            continue
        picked = rng.choice(len(offering), size=len(rows), p=weights)
        for number, provider in enumerate(offering):
            at = rows[picked == number]
            out["provider_name"][at] = provider.name_in(export.profile.code)
            out["provider_type"][at] = provider.provider_type
            out["cqc_location_id"][at] = provider.cqc_location_id or ""
            out["ofsted_urn"][at] = provider.ofsted_urn or ""
            out["provider_org_id"][at] = provider.org_id or ""
            out["quality_rating"][at] = provider.quality_rating
            out["price_factor"][at] = provider.price_factor
    _individual_carers(export, rng, care_types, out)
    _in_house(export, rng, care_types, out)
    return {
        name: values.astype(str) if name != "price_factor" else values
        for name, values in out.items()
    }


_PROVIDER_TEXT = (
    "provider_name",
    "provider_type",
    "cqc_location_id",
    "ofsted_urn",
    "provider_org_id",
    "quality_rating",
)


def _individual_carers(
    export: Export, rng: np.random.Generator, care_types: np.ndarray, out: Chunk
) -> None:
    """Foster carers and most shared lives carers are private individuals."""
    chance = np.where(
        care_types == "in_house_foster", 1.0, np.where(care_types == "shared_lives", 0.7, 0.0)
    )
    rows = np.flatnonzero(rng.random(len(care_types)) < chance)
    carers = carers_of(export.seed, export.index, export.rows)
    out["provider_name"][rows] = carers[rng.integers(0, len(carers), len(rows))]
    out["provider_type"][rows] = "individual"
    for name in ("cqc_location_id", "ofsted_urn", "provider_org_id", "quality_rating"):
        out[name][rows] = ""
    out["price_factor"][rows] = 1.0


def _in_house(export: Export, rng: np.random.Generator, care_types: np.ndarray, out: Chunk) -> None:
    """A few residential and home care placements are the council's own services."""
    own = np.isin(care_types, ["residential", "home_care"]) & (rng.random(len(care_types)) < 0.05)
    out["provider_name"][own] = COUNCIL_NAMES[export.profile.code]
    out["provider_type"][own] = "local_authority"
    for name in ("ofsted_urn", "provider_org_id"):
        out[name][own] = ""
    out["price_factor"][own] = 0.95


def _dates(export: Export, rng: np.random.Generator, chunk: Chunk) -> Chunk:
    """Start dates (never before birth) and end dates (blank while the placement goes on)."""
    care_types = chunk["care_type"]
    size = len(care_types)
    first, last = np.datetime64(export.period.start, "D"), np.datetime64(export.period.end, "D")
    typical = np.array([care.DURATION_YEARS[str(c)] * 365.25 for c in care_types])
    start = last - rng.exponential(typical).astype("timedelta64[D]") if size else np.array([])
    new = rng.random(size) < 0.1
    start = np.where(new, first + rng.integers(0, export.period.days, size), start)
    earliest = np.maximum(chunk["date_of_birth"] + 1, last - np.timedelta64(7_300, "D"))
    start = np.minimum(np.maximum(start, earliest), last).astype("datetime64[D]")
    low = np.maximum(start, first)
    ended = low + (rng.random(size) * ((last - low).astype(int) + 1)).astype("timedelta64[D]")
    planned = last + rng.integers(14, 366, size).astype("timedelta64[D]")
    draw = rng.random(size)
    end = np.where(draw < 0.22, ended, np.where(draw < 0.25, planned, np.datetime64("NaT")))
    return {"start_date": start, "end_date": end.astype("datetime64[D]")}


def _references(export: Export, start: int, size: int) -> np.ndarray:
    """Placement references: the system's prefix and a running number."""
    number = 1_000_000 + 37 * export.index + np.arange(start, start + size, dtype=np.int64) * 3
    return np.strings.add(export.profile.placement_prefix, number.astype("U8"))


@lru_cache(maxsize=32)
def carers_of(seed: int, index: int, rows: int) -> np.ndarray:
    """The private individuals an authority pays: foster, shared lives and other carers."""
    rng = np.random.default_rng([seed, 5, index])
    return individuals(rng, int(np.clip(rows // 20, 20, 5_000)), name_pool(seed))
