"""Fixtures for the synthetic region: one small region per session, and a reader for its files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from anonymiser.synth import generate_region, write_placements_export, write_spend_export
from schemas.geography import AUTHORITIES

SEED = 2026
PERIOD = "2026-Q2"
ROWS = 300
Records = dict[str, list[dict[str, str]]]


class RegionFiles:
    """A generated region, read back: its manifest entries and each file's rows."""

    def __init__(self, root: Path, manifest: dict[str, Any]) -> None:
        self.root = root
        self.manifest = manifest

    def entry(self, authority: str, return_type: str) -> dict[str, Any]:
        """The manifest's entry for one authority's export."""
        for entry in self.manifest["exports"]:
            if entry["authority_name"] == authority and entry["return_type"] == return_type:
                return dict(entry)
        raise LookupError(f"no {return_type} export for {authority}")

    def grid(self, entry: dict[str, Any]) -> list[list[Any]]:
        """Every row of an export, preamble and blank rows included ([] for a blank row)."""
        return read_grid(self.root / entry["path"], entry["encoding"])


def read_grid(path: Path, encoding: str = "utf-8") -> list[list[Any]]:
    """Every row of a CSV or XLSX file as lists of cell values ([] for a blank row)."""
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path).worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        return [list(row) if any(v is not None for v in row) else [] for row in rows]
    with path.open(encoding=encoding, newline="") as handle:
        return [row if any(row) else [] for row in csv.reader(handle)]


def read_records(path: Path) -> list[dict[str, str]]:
    """A clean CSV export as one dict per row."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def region(tmp_path_factory: pytest.TempPathFactory) -> RegionFiles:
    """A whole region in each authority's own style."""
    root = tmp_path_factory.mktemp("region")
    manifest = generate_region(root, rows=ROWS, seed=SEED, period=PERIOD)
    return RegionFiles(root, manifest)


@pytest.fixture(scope="session")
def clean_placements(tmp_path_factory: pytest.TempPathFactory) -> Records:
    """Every authority's placements without mess (schema headers, ISO dates, codes), as rows."""
    root = tmp_path_factory.mktemp("clean")
    rows = {}
    for code in AUTHORITIES:
        path = root / f"{code}.csv"
        write_placements_export(
            path, authority=code, rows=ROWS, seed=SEED, period=PERIOD, mess=False
        )
        rows[code] = read_records(path)
    return rows


@pytest.fixture(scope="session")
def clean_spend(tmp_path_factory: pytest.TempPathFactory) -> Records:
    """Every authority's supplier spend without mess, as rows."""
    root = tmp_path_factory.mktemp("clean-spend")
    rows = {}
    for code in AUTHORITIES:
        path = root / f"{code}.csv"
        write_spend_export(path, authority=code, rows=ROWS, seed=SEED, period=PERIOD, mess=False)
        rows[code] = read_records(path)
    return rows


@pytest.fixture
def grid_of() -> Any:
    """A reader turning any CSV or XLSX file into rows of values."""
    return read_grid
