"""``anonymiser check``: problems at the cells the officer sees, reports, and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from anonymiser.cli import main

PLANTED_CELLS = ["D6", "E9", "K11", "I14", "H13"]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["check", *map(str, args)], catch_exceptions=False)


def problems_of(result: Result) -> set[tuple[int, str, str, str]]:
    document = json.loads(result.stdout)
    return {(p["row"], p["column"], p["field"], p["severity"]) for p in document["problems"]}


@pytest.mark.parametrize("fixture", ["messy_csv", "messy_xlsx"])
def test_problems_are_at_the_cells_excel_shows(
    fixture: str, request: pytest.FixtureRequest, planted: set[tuple[int, str, str, str]]
) -> None:
    """Every planted problem, and nothing else, is reported at its Excel row and column letter."""
    export = request.getfixturevalue(fixture)
    result = run(export.path, "--type", "placements", "--rehearsal", "--json")
    assert result.exit_code == 1
    assert problems_of(result) == planted


def test_problem_rows_match_the_workbook_opened_in_openpyxl(messy_xlsx: Any) -> None:
    """Cross-check: the cell each problem names holds the value the problem is about."""
    result = run(messy_xlsx.path, "--type", "placements", "--rehearsal", "--json")
    sheet = openpyxl.load_workbook(messy_xlsx.path).active
    assert sheet is not None
    for problem in json.loads(result.stdout)["problems"]:
        assert sheet[f"{problem['column']}4"].value == problem["header"]
        cell = sheet[f"{problem['column']}{problem['row']}"].value
        if problem["field"] in ("unit_cost", "provider_name"):
            assert cell == problem["value"]


def test_identifiers_are_masked(messy_csv: Any) -> None:
    """An NHS number or a date of birth is never shown in full."""
    result = run(messy_csv.path, "--type", "placements", "--rehearsal", "--json")
    shown = {p["field"]: p["value"] for p in json.loads(result.stdout)["problems"]}
    assert "•" in shown["nhs_number"]
    assert shown["date_of_birth"] != "31/02/1950"
    assert messy_csv.rows[9][4] not in result.stdout


def test_text_report(messy_csv: Any) -> None:
    """The screen report names the file, each cell and header, errors apart from queries."""
    result = run(messy_csv.path, "--type", "placements", "--rehearsal")
    assert result.exit_code == 1
    out = result.stdout
    assert "placements.csv" in out
    assert out.index("Errors (must be fixed): 4") < out.index("Queries (may be explained): 1")
    for cell in PLANTED_CELLS:
        assert cell in out
    assert "D.O.B." in out
    assert "provider looks like" in out
    assert (
        "Summary: 10 rows read · 11 columns mapped · 1 column dropped · 4 errors · 1 query" in out
    )
    assert "Team" in out


def test_long_lists_are_cut_short_on_screen(messy_csv: Any) -> None:
    """With more problems than --show, the rest are counted and --report-out suggested."""
    result = run(messy_csv.path, "--type", "placements", "--rehearsal", "--show", "1")
    assert "... and 3 more errors not shown" in result.stdout
    assert "--report-out" in result.stdout


def test_json_document_shape_is_stable(messy_csv: Any) -> None:
    """The --json document has exactly the agreed keys and types."""
    result = run(messy_csv.path, "--type", "placements", "--rehearsal", "--json")
    document = json.loads(result.stdout)
    assert list(document) == [
        "file", "type", "version", "period", "sheet", "header_row", "rows", "mapping",
        "dropped_columns", "problems", "summary", "notes",
    ]  # fmt: skip
    assert document["type"] == "placements"
    assert document["version"] == 1
    assert (document["rows"], document["header_row"], document["sheet"]) == (10, 4, None)
    assert document["mapping"][0] == {
        "column": "A",
        "header": "Client ID",
        "field": "local_person_id",
        "source": "recognised header",
    }
    assert document["dropped_columns"] == [
        {"column": "C", "header": "Team", "reason": "not a placements field; will be dropped"}
    ]
    assert set(document["problems"][0]) == {
        "row", "column", "header", "field", "value", "code", "severity", "message", "hint",
    }  # fmt: skip
    assert document["summary"] == {
        "rows": 10,
        "columns_mapped": 11,
        "columns_dropped": 1,
        "errors": 4,
        "queries": 1,
    }


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_report_out_holds_every_problem(messy_csv: Any, tmp_path: Path, suffix: str) -> None:
    """The full list is written as CSV or XLSX, one row per problem, with the file named."""
    target = tmp_path / f"problems{suffix}"
    result = run(messy_csv.path, "--type", "placements", "--rehearsal", "--report-out", target)
    assert result.exit_code == 1
    if suffix == ".csv":
        table = pd.read_csv(target, dtype=str, encoding="utf-8-sig")
    else:
        table = pd.read_excel(target, dtype=str, engine="openpyxl")
    assert len(table) == 5
    assert set(table["File"]) == {"placements.csv"}
    assert set(table["Column"] + table["Row"]) == set(PLANTED_CELLS)
    assert not list(tmp_path.glob(".problems*"))


def test_clean_file_exits_zero(clean_csv: Any) -> None:
    """A file with no problems exits 0 and says so."""
    result = run(clean_csv.path, "--type", "placements", "--rehearsal")
    assert result.exit_code == 0, result.stdout
    assert "0 errors · 0 queries" in result.stdout
