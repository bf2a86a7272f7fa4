"""Each authority's export carries the mess its manifest entry declares."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import TYPE_CHECKING

import pytest

from anonymiser.synth.identifiers import is_valid_nhs_number
from schemas.geography import AUTHORITIES

if TYPE_CHECKING:
    from conftest import RegionFiles


def _column(region: RegionFiles, authority: str, return_type: str, field: str) -> list[object]:
    entry = region.entry(authority, return_type)
    grid = region.grid(entry)
    index = entry["fields"].index(field)
    return [row[index] for row in grid[entry["header_row"] :] if row and row[0] != "Total"]


@pytest.mark.parametrize("name", list(AUTHORITIES.values()))
def test_header_row_and_preamble_are_where_the_manifest_says(
    region: RegionFiles, name: str
) -> None:
    """Preamble rows sit above the header, and the header row holds the declared headers."""
    for return_type in ("placements", "supplier_spend"):
        entry = region.entry(name, return_type)
        grid = region.grid(entry)
        header = [cell for cell in grid[entry["header_row"] - 1] if cell is not None]
        assert header == entry["headers"]
        assert entry["mess"]["preamble_rows"] == entry["header_row"] - 1
        if entry["header_row"] > 1:
            assert isinstance(grid[0][0], str)
            assert grid[0][0].strip()
            assert grid[entry["header_row"] - 2] == []  # a blank line before the header


def test_some_exports_have_a_preamble_and_some_do_not(region: RegionFiles) -> None:
    """Preambles vary: report titles and run dates above some headers, none above others."""
    rows = [e["header_row"] for e in region.manifest["exports"]]
    assert 1 in rows
    assert max(rows) >= 5
    derby = region.grid(region.entry("Derby", "placements"))
    assert derby[0] == ["Derby City Council - Placements report"]
    assert derby[1] == ["Run date: 03/07/2026 07:42"]


def test_data_rows_match_the_manifest(region: RegionFiles) -> None:
    """Data rows, blank rows and footers add up to the rows in each file."""
    for entry in region.manifest["exports"]:
        grid = region.grid(entry)
        body = grid[entry["header_row"] :]
        blanks = sum(1 for row in body if not row)
        footer = 1 if entry["mess"]["footer_total"] else 0
        assert len(body) - blanks - footer == entry["rows"]
        assert blanks == entry["mess"]["blank_rows"]


def test_no_two_authorities_export_alike(region: RegionFiles) -> None:
    """Header sets differ between authorities, and some columns are reordered or extra."""
    headers = {
        tuple(e["headers"]) for e in region.manifest["exports"] if e["return_type"] == "placements"
    }
    assert len(headers) == len(AUTHORITIES)
    extras = [e for e in region.manifest["exports"] if None in e["fields"]]
    assert extras
    assert all(e["mess"]["extra_columns"] for e in extras)
    assert any(e["mess"]["column_order"] == "shuffled" for e in region.manifest["exports"])


def test_lincolnshire_ships_a_mapping_file_for_its_headers(region: RegionFiles) -> None:
    """The unusual headers come with a [columns] mapping covering every schema column."""
    for return_type in ("placements", "supplier_spend"):
        entry = region.entry("Lincolnshire", return_type)
        mapping = tomllib.loads((region.root / entry["mapping"]).read_text(encoding="utf-8"))
        expected = {h: f for h, f in zip(entry["headers"], entry["fields"], strict=True) if f}
        assert mapping["columns"] == expected
    assert all(
        e["mapping"] is None
        for e in region.manifest["exports"]
        if e["authority_name"] != "Lincolnshire"
    )


def test_excel_damaged_nhs_numbers_still_hold_valid_numbers(region: RegionFiles) -> None:
    """Derby's NHS numbers end in .0 and Rutland's have spaces, yet each is a valid number."""
    derby = [str(v) for v in _column(region, "Derby", "placements", "nhs_number") if v]
    assert all(v.endswith(".0") for v in derby)
    rutland = [str(v) for v in _column(region, "Rutland", "placements", "nhs_number") if v]
    assert any(" " in v for v in rutland)
    for value in derby[5:] + rutland:
        assert is_valid_nhs_number(value.removesuffix(".0").replace(" ", ""))


def test_local_ids_are_damaged_as_excel_and_people_damage_them(region: RegionFiles) -> None:
    """Leicester's ids lost their leading zeros as numbers; Rutland's are sometimes lower case."""
    leicester = _column(region, "Leicester", "placements", "local_person_id")
    assert all(isinstance(v, int) for v in leicester)
    assert any(len(str(v)) < 8 for v in leicester)
    rutland = [str(v) for v in _column(region, "Rutland", "placements", "local_person_id")]
    assert any(v.startswith("rcc") for v in rutland)
    assert any(v.startswith("RCC") for v in rutland)


def test_amounts_and_dates_come_in_each_systems_format(region: RegionFiles) -> None:
    """£ with thousands separators, bracketed credits, UK and month-name dates, Excel dates."""
    derby_costs = [str(v) for v in _column(region, "Derby", "placements", "unit_cost") if v]
    assert all(v.startswith("£") for v in derby_costs)
    assert any("," in v for v in derby_costs)
    leicester_spend = [str(v) for v in _column(region, "Leicester", "supplier_spend", "net_amount")]
    assert any(re.fullmatch(r"\([\d,]+\.\d\d\)", v) for v in leicester_spend)
    uk = _column(region, "Derby", "placements", "start_date")
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", str(v)) for v in uk)
    mon = _column(region, "Rutland", "supplier_spend", "payment_date")
    assert all(re.fullmatch(r"\d\d-[A-Z][a-z]{2}-\d{4}", str(v)) for v in mon if v)
    excel = _column(region, "Leicester", "placements", "date_of_birth")
    assert all(isinstance(v, dt.datetime) for v in excel)


def test_codes_appear_as_codes_labels_or_system_labels(region: RegionFiles) -> None:
    """Rutland writes codes, Leicester the agreed labels, Derby its own system labels."""
    assert "residential" in _column(region, "Rutland", "placements", "care_type")
    assert "Long term residential care" in _column(region, "Leicester", "placements", "care_type")
    assert "Four weekly" in _column(region, "Derby", "placements", "cost_frequency")


def test_cp1252_and_bom_exports_decode_with_their_declared_encoding(region: RegionFiles) -> None:
    """Derbyshire writes Windows-1252 (£ is one byte), Leicestershire a UTF-8 byte order mark."""
    spend = region.entry("Derbyshire", "supplier_spend")
    raw = (region.root / spend["path"]).read_bytes()
    assert spend["encoding"] == "cp1252"
    assert b"\xa3" in raw
    placements = region.entry("Leicestershire", "placements")
    assert (region.root / placements["path"]).read_bytes().startswith(b"\xef\xbb\xbf")


def test_planted_errors_are_on_the_rows_the_manifest_gives(region: RegionFiles) -> None:
    """Each planted error is at its spreadsheet row: a bad check digit, a blank provider..."""
    entry = region.entry("West Northamptonshire", "placements")
    grid = region.grid(entry)
    planted = {error["field"]: error["row"] for error in entry["planted_errors"]}
    nhs = str(grid[planted["nhs_number"] - 1][entry["fields"].index("nhs_number")])
    assert not is_valid_nhs_number(nhs.strip())
    assert grid[planted["provider_name"] - 1][entry["fields"].index("provider_name")] is None
    spend = region.entry("Rutland", "supplier_spend")
    assert [e["problem"] for e in spend["planted_errors"]] == [
        "missing_required",
        "missing_required",
        "outside_period",
    ]


def test_private_individuals_are_among_suppliers(region: RegionFiles) -> None:
    """Every authority's spend pays some people by name ("Mr J Smith")."""
    for name in AUTHORITIES.values():
        suppliers = _column(region, name, "supplier_spend", "supplier_name")
        assert any(re.match(r"(Mr|Mrs|Ms|Miss) ", str(s)) for s in suppliers), name
