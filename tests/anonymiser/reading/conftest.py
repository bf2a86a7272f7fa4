"""Messy placements exports built with Faker (fixed seed), as CSV and XLSX, with known layout.

The sheet has a three-row preamble, the header in row 4 with the authority's
own (renamed, reordered) column names and one column the schema does not know,
data from row 5 with blank rows at 8 and 12, ``£`` amounts with thousands
separators, and UK dates. ``Layout`` records which Excel row and column holds
what, so tests can check reported cells exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import openpyxl
import pytest
from faker import Faker

from schemas import ReturnSchema, get_schema
from schemas.fieldtypes.health import with_check_digits

#: Columns A.. in file order: (the authority's header, schema field or None if unknown).
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Client ID", "local_person_id"),
    ("Placement reference", "placement_ref"),
    ("Team", None),
    ("D.O.B.", "date_of_birth"),
    ("NHS No.", "nhs_number"),
    ("Service type", "care_type"),
    ("Adult or child", "client_type"),
    ("Care provider", "provider_name"),
    ("Contract type", "procurement_route"),
    ("Placement start", "start_date"),
    ("Rate", "unit_cost"),
    ("Frequency", "cost_frequency"),
)
PREAMBLE = (("Placements export - Derby City Council",), ("Run on 01/04/2025 09:12",), ())
HEADER_ROW = 4
BLANK_ROWS = (8, 12)
DATA_ROWS = 10


@dataclass
class Layout:
    """Every row of the sheet, by Excel row number (1-based), and what tests expect of it."""

    rows: dict[int, list[object]] = field(default_factory=dict)

    @property
    def data_rows(self) -> list[int]:
        """Excel numbers of the rows holding data."""
        return [n for n in sorted(self.rows) if n > HEADER_ROW and any(self.rows[n])]

    def cell(self, row: int, field_name: str) -> object:
        """The value written at ``row`` in the column of ``field_name``."""
        return self.rows[row][position_of(field_name)]


def position_of(field_name: str | None) -> int:
    """The 0-based position of a field's column in the file."""
    return [name for _, name in COLUMNS].index(field_name)


def letter_of(field_name: str | None) -> str:
    """The Excel column letter of a field's column."""
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[position_of(field_name)]


def build_layout(seed: int = 2024, *, typed: bool = False) -> Layout:
    """A messy but valid sheet; ``typed`` gives XLSX-style cells (dates, numbers)."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    layout = Layout()
    for number, cells in enumerate(PREAMBLE, start=1):
        layout.rows[number] = list(cells)
    layout.rows[HEADER_ROW] = [header for header, _ in COLUMNS]
    row = HEADER_ROW
    nhs = with_check_digits(999_000_000 + rng.integers(0, 999_999, DATA_ROWS * 3))
    nhs = nhs[nhs >= 0]
    for index in range(DATA_ROWS):
        row += 1
        while row in BLANK_ROWS:
            layout.rows[row] = ["" for _ in COLUMNS] if index % 2 else []
            row += 1
        layout.rows[row] = _data_row(fake, int(nhs[index]), typed)
    return layout


def _data_row(fake: Faker, nhs: int, typed: bool) -> list[object]:
    born = fake.date_between(dt.date(1940, 1, 1), dt.date(1990, 12, 31))
    started = fake.date_between(dt.date(2022, 1, 1), dt.date(2024, 12, 31))
    cost = round(fake.pyfloat(min_value=600, max_value=1800, right_digits=2), 2)
    return [
        fake.bothify("C######"),
        fake.bothify("PL-#####"),
        fake.random_element(["North", "South", "Hospital discharge"]),
        born if typed else born.strftime("%d/%m/%Y"),
        nhs if typed else str(nhs),
        fake.random_element(["Residential care", "Nursing", "supported_living"]),
        "Adult",
        f"{fake.last_name()} Care Homes Ltd",
        fake.random_element(["Framework", "Spot", "Block"]),
        started if typed else started.isoformat(),
        cost if typed else f"£{cost:,.2f}",
        "Weekly",
    ]


def write_csv(layout: Layout, path: Path, *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """The layout as a CSV file; blank rows are written as empty lines or bare delimiters."""
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        for number in range(1, max(layout.rows) + 1):
            writer.writerow([str(cell) for cell in layout.rows.get(number, [])])
    return path


def write_xlsx(layout: Layout, path: Path, *, sheet: str = "Placements") -> Path:
    """The layout as a workbook, typed cells kept as Excel types."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for number, cells in layout.rows.items():
        for position, value in enumerate(cells, start=1):
            if value != "":
                worksheet.cell(row=number, column=position, value=cast(Any, value))
    workbook.save(path)
    return path


@pytest.fixture
def placements() -> ReturnSchema:
    """The agreed placements schema, version 1."""
    return get_schema("placements", 1)


@pytest.fixture
def supplier_spend() -> ReturnSchema:
    """The agreed supplier spend schema, version 1."""
    return get_schema("supplier_spend", 1)


class MessyExports:
    """The builders above, bound to a test's folder, for tests to call through a fixture."""

    header_row = HEADER_ROW
    blank_rows = BLANK_ROWS
    columns = COLUMNS

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def layout(self, seed: int = 2024, *, typed: bool = False) -> Layout:
        return build_layout(seed, typed=typed)

    def csv(self, layout: Layout, name: str = "placements.csv", **options: str) -> Path:
        return write_csv(layout, self.folder / name, **options)

    def xlsx(self, layout: Layout, name: str = "placements.xlsx", **options: str) -> Path:
        return write_xlsx(layout, self.folder / name, **options)

    letter = staticmethod(letter_of)
    position = staticmethod(position_of)


@pytest.fixture
def messy(tmp_path: Path) -> MessyExports:
    """Builders of messy placements exports in this test's folder."""
    return MessyExports(tmp_path)


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, bytes], Path]:
    """Write raw bytes to a file in the test's folder and give its path."""

    def write(name: str, content: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return write
