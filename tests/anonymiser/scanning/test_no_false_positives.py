"""Ordinary text of a return is not mistaken for an identifier."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from faker import Faker

from anonymiser.scanning import scan

ScanTexts = Callable[..., pd.DataFrame]
LAMBETH = (
    Path(__file__).resolve().parents[4] / "shared" / "data" / "real"
    / "lambeth-2011-01-supplier-totals.csv"
)  # fmt: skip

ORDINARY = [
    "229 Mitcham Lane Ltd",
    "Royal Mencap Society",
    "St Mary's Care Ltd",
    "A A GuestHouses",
    "Unit B2 3rd Floor, Riverside House",
    "£1,234.56",
    "12345678.90",
    "-1234567890.12",
    "(12.50)",
    "1-123456789",
    "1-1234567890",
    "1-12345678901",
    "SC123456",
    "1234567",
    "GB-COH-01234567",
    "GB-COH-SC123456",
    "GB-CHC-1234567",
    "E06000015",
    "INV-2024-000123",
    "PO/2024/000123/01",
    "DE22",
    "Derby DE1 area",
    "2026-06",
    "2026-Q2",
    "2024-25",
    "Week 12 of 52, 37.5 hours at £18.20",
    "Tea @ 3pm with staff",
    "Adult Social Care - Learning Disabilities",
    "Payments to Private Contractors",
    "Residential care 01-02 2024",
    "tel 0800 123 4567 (freephone)",
    "Ratio 1:2:3, version 10.2.4",
    "Care packages 2 @ 7 hours",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_not_an_identifier(scan_texts: ScanTexts, text: str) -> None:
    """Supplier names, amounts, organisation ids, references and months are not hits."""
    assert scan_texts([text]).empty


def test_faker_company_text_has_no_identifiers(scan_texts: ScanTexts, fake: Faker) -> None:
    """Generated company names, catch phrases and amounts give no hits without a names list."""
    texts = [fake.company() for _ in range(300)] + [fake.catch_phrase() for _ in range(300)]
    texts += [
        f"£{fake.pyfloat(min_value=0, max_value=10**7, right_digits=2):,.2f}" for _ in range(300)
    ]
    assert scan_texts(texts).empty


def test_real_supplier_file_has_no_stray_numbers() -> None:
    """A council's published supplier totals hold no NHS, NI, phone, postcode, email or date."""
    with LAMBETH.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    frame = pd.DataFrame(rows[1:], columns=["supplier", "amount"])
    assert scan(frame, columns=["supplier", "amount"]).empty


def test_dates_in_an_exempt_column_are_not_hits() -> None:
    """A column the caller says holds dates is not scanned for dates, but still for the rest."""
    frame = pd.DataFrame({"paid": ["31/03/2024", "31/03/2024 call 07700 900123"]})
    hits = scan(frame, columns=["paid"], exempt_dates=["paid"])
    assert hits["kind"].tolist() == ["phone"]
