"""Supplier spend as a council's finance system lists it: payments over £500.

Lines follow the local government transparency code (body, service area,
expense type, supplier, supplier id, payment date, transaction number, net
amount, description). Suppliers are the region's care providers (under this
authority's spelling), ordinary companies (utilities, IT, construction...),
other councils, and private individuals: foster and shared lives carers,
personal assistants, sole traders ("Mr J Smith").
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from anonymiser.synth import care, notes
from anonymiser.synth.people import name_pool
from anonymiser.synth.placements import CHUNK_ROWS, Chunk, Export, carers_of
from anonymiser.synth.providers import COUNCIL_NAMES, individuals, provider_choice

_KINDS = {"care": 0.4, "individual": 0.12, "company": 0.48}
_CARE_EXPENSES = {
    "residential": "Residential Care",
    "nursing": "Nursing Care",
    "supported_living": "Supported Living",
    "shared_lives": "Shared Lives Schemes",
    "home_care": "Home Care",
    "agency_foster": "Independent Fostering Agencies",
    "childrens_home": "Children's Residential Placements",
    "residential_school": "Residential Schools",
    "supported_accommodation": "Supported Accommodation (16+)",
}
_SERVICE_AREAS = {
    "adult": ("Adult Social Care", "Adults and Health", "People - Adults"),
    "child": ("Children's Services", "Children and Families", "People - Children"),
}
#: (words in the company's name, service area, expense types).
_SECTORS = (
    ("Energy", "Property Services", ("Electricity", "Gas")),
    ("Water Services", "Property Services", ("Water Charges",)),
    ("IT Solutions", "Resources - ICT", ("Computer Software", "IT Hardware")),
    ("Telecom", "Resources - ICT", ("Telecommunications",)),
    ("Construction", "Place - Highways", ("Building Works", "Highways Maintenance")),
    ("Associates", "Corporate", ("Consultancy Fees", "Legal Fees")),
    ("Recruitment", "Resources - HR", ("Agency Staff",)),
    ("Cleaning Services", "Property Services", ("Cleaning",)),
    ("Catering", "Education", ("Catering",)),
    ("Waste Management", "Environment", ("Waste Disposal",)),
    ("Fuels", "Fleet", ("Vehicle Fuel",)),
    ("Travel", "Children's Services", ("Home to School Transport",)),
)
_SUFFIXES = ("Ltd", "Limited", "plc", "UK Ltd", "LLP", "Group Ltd")
_INDIVIDUAL_PAYMENTS = (
    ("child", "Foster Care Allowances"),
    ("adult", "Shared Lives Payments"),
    ("adult", "Direct Payments"),
    ("corporate", "Building Repairs"),
    ("corporate", "Interpreting Services"),
)


def spend_chunks(export: Export, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """The export's payment lines, ``chunk_rows`` at a time."""
    for start in range(0, export.rows, chunk_rows):
        yield spend_chunk(export, start, min(chunk_rows, export.rows - start))


def spend_chunk(export: Export, start: int, size: int) -> Chunk:
    """Payment lines ``start`` to ``start + size`` of the export."""
    rng = export.rng(11, start)
    kind = care.choose(rng, _KINDS, size)
    chunk = {name: np.full(size, "", dtype=object) for name in _TEXT}
    chunk["net_amount"] = np.zeros(size)
    _care_lines(export, rng, np.flatnonzero(kind == "care"), chunk)
    _individual_lines(export, rng, np.flatnonzero(kind == "individual"), chunk)
    _company_lines(export, rng, np.flatnonzero(kind == "company"), chunk)
    credit = rng.random(size) < 0.025
    chunk["net_amount"] = np.round(
        np.where(credit, -np.maximum(chunk["net_amount"] / 3, 505.0), chunk["net_amount"]), 2
    )
    code = export.profile.code
    chunk["body"][:] = code if export.profile.body_as_code else COUNCIL_NAMES[code]
    chunk["payment_date"] = _payment_dates(export, rng, size)
    chunk["transaction_number"] = np.strings.add(
        export.profile.transaction_prefix,
        (40_000_000 + 11 * np.arange(start, start + size, dtype=np.int64)).astype("U8"),
    )
    carers = carers_of(export.seed, export.index, export.rows)
    chunk["description"] = notes.spend_descriptions(
        rng,
        kind,
        chunk.pop("label"),
        _month_names(chunk["payment_date"]),
        carers[rng.integers(0, len(carers), size)],
    )
    return {
        name: values.astype(str) if values.dtype == object else values
        for name, values in chunk.items()
    }


_TEXT = ("body", "service_area", "expense_type", "supplier_name", "supplier_id", "label")


def _care_lines(export: Export, rng: np.random.Generator, rows: np.ndarray, chunk: Chunk) -> None:
    """Invoices from the region's providers, a month of care for a few people at a time."""
    mix = {k: v for k, v in care.CARE_MIX.items() if k in _CARE_EXPENSES}
    care_types = care.choose(rng, mix, len(rows))
    area = export.index % 3
    for care_type in np.unique(care_types):
        at = rows[care_types == care_type]
        offering, weights = provider_choice(export.seed, export.profile.code, str(care_type))
        picked = rng.choice(len(offering), size=len(at), p=weights)
        for number, provider in enumerate(offering):
            here = at[picked == number]
            chunk["supplier_name"][here] = provider.name_in(export.profile.code)
            ids = np.array([provider.org_id or "", provider.cqc_location_id or "", ""])
            chunk["supplier_id"][here] = ids[rng.choice(3, len(here), p=[0.6, 0.2, 0.2])]
        group = "child" if care_type in _CHILD_EXPENSES else "adult"
        chunk["service_area"][at] = _SERVICE_AREAS[group][area]
        chunk["expense_type"][at] = _CARE_EXPENSES[str(care_type)]
        chunk["label"][at] = _CARE_EXPENSES[str(care_type)]
        low, high = care.WEEKLY_PRICE.get(str(care_type), (400.0, 900.0))
        people = rng.geometric(0.35, len(at))
        weekly = rng.uniform(low, high, len(at))
        chunk["net_amount"][at] = np.maximum(weekly * 52 / 12 * people, 520.0)


_CHILD_EXPENSES = (
    "agency_foster",
    "childrens_home",
    "residential_school",
    "supported_accommodation",
)


def _individual_lines(
    export: Export, rng: np.random.Generator, rows: np.ndarray, chunk: Chunk
) -> None:
    """Carers, personal assistants and sole traders: private individuals."""
    carers = carers_of(export.seed, export.index, export.rows)
    others = individuals(rng, len(rows), name_pool(export.seed))
    payment = rng.integers(0, len(_INDIVIDUAL_PAYMENTS), len(rows))
    chunk["supplier_name"][rows] = np.where(
        payment < 2, carers[rng.integers(0, len(carers), len(rows))], others
    )
    area = export.index % 3
    for number, (group, expense) in enumerate(_INDIVIDUAL_PAYMENTS):
        at = rows[payment == number]
        chunk["service_area"][at] = (
            _SERVICE_AREAS[group][area] if group != "corporate" else "Corporate"
        )
        chunk["expense_type"][at] = expense
    chunk["label"][rows] = chunk["expense_type"][rows]
    chunk["net_amount"][rows] = np.maximum(rng.lognormal(np.log(1_300), 0.5, len(rows)), 505.0)


def _company_lines(
    export: Export, rng: np.random.Generator, rows: np.ndarray, chunk: Chunk
) -> None:
    """Everything else a council buys: energy, IT, building works, agency staff..."""
    names, ids, sectors = region_companies(export.seed, export.profile.code)
    picked = rng.integers(0, len(names), len(rows))
    chunk["supplier_name"][rows] = names[picked]
    chunk["supplier_id"][rows] = np.where(rng.random(len(rows)) < 0.7, ids[picked], "")
    for number, (_, area, expenses) in enumerate(_SECTORS):
        at = rows[sectors[picked] == number]
        chunk["service_area"][at] = area
        chunk["expense_type"][at] = np.array(expenses)[rng.integers(0, len(expenses), len(at))]
    councils = sectors[picked] == len(_SECTORS)
    chunk["service_area"][rows[councils]] = "Corporate"
    chunk["expense_type"][rows[councils]] = "Recharges from other authorities"
    chunk["label"][rows] = chunk["expense_type"][rows]
    amounts = rng.lognormal(np.log(3_500), 1.2, len(rows))
    chunk["net_amount"][rows] = np.maximum(amounts, 505.0)


@lru_cache(maxsize=16)
def region_companies(seed: int, authority: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Companies (and other councils) that sell to the region: names, ids, sector numbers."""
    rng = np.random.default_rng([seed, 12])
    pool = name_pool(seed)
    count = 150
    family = pool.family[rng.integers(0, len(pool.family), count)]
    sector = rng.integers(0, len(_SECTORS), count)
    words = np.array([words for words, _, _ in _SECTORS])[sector]
    suffix = np.array(_SUFFIXES)[rng.integers(0, len(_SUFFIXES), count)]
    names = np.strings.add(np.strings.add(np.strings.add(family, " "), words), " ")
    names = np.strings.add(names, suffix)
    ids = np.array([f"GB-COH-{n:08d}" for n in rng.integers(100_000, 14_000_000, count)])
    others = [name for code, name in COUNCIL_NAMES.items() if code != authority]
    return (
        np.concatenate([names, others]),
        np.concatenate([ids, np.full(len(others), "")]),
        np.concatenate([sector, np.full(len(others), len(_SECTORS))]),
    )


def _payment_dates(export: Export, rng: np.random.Generator, size: int) -> np.ndarray:
    """Working days in the period (weekend dates move back to the Friday)."""
    first = np.datetime64(export.period.start, "D")
    dates = first + rng.integers(0, export.period.days, size)
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    back = np.where(weekday == 5, 1, np.where(weekday == 6, 2, 0))
    return np.maximum(dates - back, first)


def _month_names(dates: np.ndarray) -> np.ndarray:
    months = dates.astype("datetime64[M]")
    unique, inverse = np.unique(months, return_inverse=True)
    names = np.array([m.item().strftime("%b %Y") for m in unique], dtype=str)
    return names[inverse] if len(unique) else np.array([], dtype=str)
