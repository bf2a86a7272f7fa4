"""Shared placements frames (what leaves an authority), built with Faker from a fixed seed.

The columns are the shared field names of placements v1: the schema's quasi-identifiers,
the weekly cost and a pseudonym column that no remediation may touch. As in real returns,
each provider offers one care type from one home district, where most of its placements
are, and children's care goes with children's age bands. ``providers`` and ``months`` set
how rare combinations are; ``missing`` blanks that share of quasi-identifier cells (as
``None``) to exercise missing values as values of their own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from faker import Faker

from schemas import codes, get_schema
from schemas.generalise import AGE_BANDS
from schemas.geography import DISTRICTS

SCHEMA = get_schema("placements", 1)
QUASI = SCHEMA.quasi_identifiers
K = SCHEMA.k_threshold
SEXES = OrderedDict(female=0.5, male=0.46, other=0.02, not_known=0.02)
ETHNICITIES = OrderedDict(
    white=0.8, mixed=0.03, asian=0.08, black=0.04, other=0.02, not_stated=0.03
)
CHILD_BANDS = [band for band in AGE_BANDS if band in ("0-4", "5-9", "10-15", "16-17")]
ADULT_BANDS = [band for band in AGE_BANDS if band not in CHILD_BANDS]

BuildFrame = Callable[..., pd.DataFrame]


def build(
    rows: int, *, seed: int, providers: int = 12, months: int = 24, missing: float = 0.0
) -> pd.DataFrame:
    """A shared placements frame of ``rows`` rows."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    offers = [
        (
            fake.unique.company(),
            fake.random_element(list(codes.CARE_TYPES)),
            fake.random_element(list(DISTRICTS)),
        )
        for _ in range(providers)
    ]
    start_months = sorted(
        {fake.date_between("-8y", "today").strftime("%Y-%m") for _ in range(months)}
    )
    records = [_record(fake, offers, start_months, missing) for _ in range(rows)]
    return pd.DataFrame.from_records(
        records, columns=["placement_ref_pseudonym", *QUASI, "weekly_cost"]
    )


def _record(
    fake: Faker, offers: list[tuple[str, str, str]], start_months: list[str], missing: float
) -> dict[str, Any]:
    provider, care_type, home = fake.random_element(offers)
    bands = CHILD_BANDS if care_type in codes.CHILD_CARE_TYPES else ADULT_BANDS
    record = {
        "placement_ref_pseudonym": "v1:" + fake.sha256(),
        "age_band": fake.random_element(bands),
        "sex": fake.random_element(SEXES),
        "ethnicity": fake.random_element(ETHNICITIES),
        "district": home if fake.pybool(80) else fake.random_element(list(DISTRICTS)),
        "care_type": care_type,
        "provider_name": provider,
        "start_month": fake.random_element(start_months),
        "weekly_cost": round(fake.pyfloat(min_value=80, max_value=7_000), 2),
    }
    for name in QUASI:
        if fake.pyfloat(min_value=0, max_value=1) < missing:
            record[name] = None
    return record


@pytest.fixture
def build_frame() -> BuildFrame:
    """The frame builder, for tests that need several frames."""
    return build
