"""Fixtures for the schema tests: the two schemas, a period, and Faker-built raw rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import pytest
from faker import Faker

from schemas import ReturnPeriod, ReturnSchema, get_schema
from schemas.fieldtypes import nhs_check_digit
from schemas.geography import OUTWARD_DISTRICTS

SEED = 20240331


@pytest.fixture
def faker() -> Faker:
    """A British-English Faker with a fixed seed."""
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    return fake


@pytest.fixture
def placements() -> ReturnSchema:
    """The placements v1 schema."""
    return get_schema("placements", 1)


@pytest.fixture
def supplier_spend() -> ReturnSchema:
    """The supplier_spend v1 schema."""
    return get_schema("supplier_spend", 1)


@pytest.fixture
def period() -> ReturnPeriod:
    """The 2024-25 financial year."""
    return ReturnPeriod.parse("2024-25")


def valid_nhs_number(fake: Faker) -> str:
    """A real-range NHS number with a correct check digit."""
    while True:
        stem = str(fake.random_int(400_000_000, 799_999_999))
        check = nhs_check_digit(stem)
        if check is not None:
            return stem + str(check)


def _placement(fake: Faker, index: int) -> dict[str, str | None]:
    child = index % 3 == 0
    born = fake.date_between(date(2008, 1, 1), date(2020, 1, 1)) if child else None
    born = born or fake.date_between(date(1930, 1, 1), date(2000, 1, 1))
    start = fake.date_between(date(2021, 1, 1), date(2024, 3, 1))
    outward = fake.random_element(sorted(OUTWARD_DISTRICTS))
    hourly = not child and index % 4 == 1
    return {
        "placement_ref": f"PL-{10_000 + index}",
        "local_person_id": f"P{fake.random_int(100_000, 999_999)}",
        "nhs_number": valid_nhs_number(fake),
        "given_name": fake.first_name(),
        "family_name": fake.last_name(),
        "address": fake.street_address(),
        "postcode": f"{outward} {fake.random_int(1, 9)}{fake.random_letter().upper()}"
        f"{fake.random_letter().upper()}",
        "date_of_birth": born.strftime("%d/%m/%Y"),
        "sex": fake.random_element(["Female", "Male", "F"]),
        "ethnicity": fake.random_element(["White", "Asian or Asian British", "WBRI"]),
        "notes": fake.sentence(),
        "client_type": "Child" if child else "Adult",
        "care_type": "agency_foster" if child else ("home_care" if hourly else "Residential"),
        "primary_support_reason": None if child else "Learning Disability Support",
        "provider_name": fake.company(),
        "provider_type": "Private sector",
        "cqc_location_id": None if child else f"1-{fake.random_int(100_000_000, 999_999_999)}",
        "ofsted_urn": f"SC{fake.random_int(100_000, 999_999)}" if child else None,
        "provider_org_id": f"GB-COH-{fake.random_int(1_000_000, 9_999_999):08d}",
        "procurement_route": fake.random_element(["Framework", "Spot purchase", "Block"]),
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1200)).isoformat() if index % 5 == 0 else None,
        "unit_cost": "£22.50" if hourly else f"£{fake.random_int(600, 3_000):,}.00",
        "cost_frequency": "Per hour" if hourly else "Weekly",
        "planned_units_per_week": "14" if hourly else None,
        "health_contribution": None,
        "education_contribution": "150" if child else None,
        "quality_rating": fake.random_element(["Good", "Outstanding", "Requires improvement"]),
    }


@pytest.fixture
def raw_placements(faker: Faker) -> Callable[[int], pd.DataFrame]:
    """Build ``n`` valid raw placements rows as text, indexed by Excel row number (from 2)."""

    def build(n: int) -> pd.DataFrame:
        rows = [_placement(faker, index) for index in range(n)]
        return pd.DataFrame(rows, index=pd.RangeIndex(2, n + 2), dtype=object)

    return build
