"""Fixtures for the stray-identifier scan: Faker with a fixed seed and a one-column scan."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import pytest
from faker import Faker

from anonymiser.scanning import scan

ScanTexts = Callable[..., pd.DataFrame]


@pytest.fixture
def fake() -> Faker:
    """British Faker, seeded so every run sees the same people."""
    faker = Faker("en_GB")
    faker.seed_instance(20240401)
    return faker


@pytest.fixture
def scan_texts() -> ScanTexts:
    """Scan texts as one ``notes`` column (rows labelled from 2, as Excel shows them)."""

    def run(texts: Sequence[object], names: pd.DataFrame | None = None) -> pd.DataFrame:
        frame = pd.DataFrame({"notes": list(texts)}, index=range(2, len(texts) + 2))
        return scan(frame, columns=["notes"], names=names)

    return run
