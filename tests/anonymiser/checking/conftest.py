"""Messy placements exports with planted problems at known cells, built with Faker (fixed seed).

Rows 1-3 are a preamble, row 4 the header (the authority's own names, reordered,
with an unknown "Team" column at C), data below with blank rows 8 and 12. Five
problems are planted; :data:`PLANTED` says at which cell each is expected.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import openpyxl
import pytest
from faker import Faker

from schemas.fieldtypes.health import with_check_digits

HEADERS = (
    "Client ID", "Placement reference", "Team", "D.O.B.", "NHS No.", "Service type",
    "Adult or child", "Care provider", "Contract type", "Placement start", "Rate", "Frequency",
)  # fmt: skip
PREAMBLE = (("Placements export - Derby City Council",), ("Run on 01/04/2025 09:12",), ())
BLANK_ROWS = (8, 12)
DATA_ROWS = (5, 6, 7, 9, 10, 11, 13, 14, 15, 16)

#: (Excel row, column letter, field, severity) of each planted problem.
PLANTED = {
    (6, "D", "date_of_birth", "error"),
    (9, "E", "nhs_number", "error"),
    (11, "K", "unit_cost", "error"),
    (13, "H", "provider_name", "query"),
    (14, "I", "procurement_route", "error"),
}


@dataclass(frozen=True)
class Export:
    """A written export and the rows of cells it holds, by Excel row number."""

    path: Path
    rows: dict[int, list[object]]


def _rows(seed: int, typed: bool, *, planted: bool = True) -> dict[int, list[object]]:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    nhs = with_check_digits(999_000_000 + np.random.default_rng(seed).integers(0, 999_999, 40))
    numbers = [int(n) for n in nhs if n >= 0]
    rows: dict[int, list[object]] = {n: list(cells) for n, cells in enumerate(PREAMBLE, 1)}
    rows[4] = list(HEADERS)
    for row in BLANK_ROWS:
        rows[row] = []
    for index, row in enumerate(DATA_ROWS):
        rows[row] = _valid_row(fake, numbers[index], typed)
    if planted:
        _plant(rows, numbers[20])
    return rows


def _plant(rows: dict[int, list[object]], nhs: int) -> None:
    """Put the problems of :data:`PLANTED` into their cells."""
    rows[6][3] = "31/02/1950"
    rows[9][4] = str(nhs + 1 if nhs % 10 < 9 else nhs - 1)
    rows[11][10] = "£12,3x"
    rows[13][7] = "Mr J K S Patel"
    rows[14][8] = ""


def _valid_row(fake: Faker, nhs: int, typed: bool) -> list[object]:
    born = fake.date_between(dt.date(1940, 1, 1), dt.date(1990, 12, 31))
    started = fake.date_between(dt.date(2022, 1, 1), dt.date(2024, 12, 31))
    cost = round(fake.pyfloat(min_value=1000, max_value=1800, right_digits=2), 2)
    return [
        fake.bothify("C######"),
        fake.bothify("PL#####"),
        fake.random_element(["North", "South"]),
        born if typed else born.strftime("%d/%m/%Y"),
        nhs if typed else str(nhs),
        fake.random_element(["Residential care", "Nursing"]),
        "Adult",
        f"{fake.last_name()} Care Homes Ltd",
        fake.random_element(["Framework", "Spot", "Block"]),
        started if typed else started.isoformat(),
        cost if typed else f"£{cost:,.2f}",
        "Weekly",
    ]


def write_csv(path: Path, rows: dict[int, list[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        for number in range(1, max(rows) + 1):
            writer.writerow([str(cell) for cell in rows.get(number, [])])
    return path


def write_xlsx(path: Path, rows: dict[int, list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for number, cells in rows.items():
        for column, value in enumerate(cells, start=1):
            if value != "":
                sheet.cell(row=number, column=column, value=cast(Any, value))
    workbook.save(path)
    return path


@pytest.fixture
def messy_csv(tmp_path: Path) -> Export:
    """The messy export as a UTF-8 CSV (with Excel's byte-order mark)."""
    rows = _rows(2025, typed=False)
    return Export(write_csv(tmp_path / "placements.csv", rows), rows)


@pytest.fixture
def messy_xlsx(tmp_path: Path) -> Export:
    """The messy export as a workbook with Excel's own cell types."""
    rows = _rows(2025, typed=True)
    return Export(write_xlsx(tmp_path / "placements.xlsx", rows), rows)


@pytest.fixture
def clean_csv(tmp_path: Path) -> Export:
    """The same messy layout with no problems planted."""
    rows = _rows(2025, typed=False, planted=False)
    return Export(write_csv(tmp_path / "clean.csv", rows), rows)


@pytest.fixture
def planted() -> set[tuple[int, str, str, str]]:
    """(row, letter, field, severity) of every planted problem."""
    return set(PLANTED)
