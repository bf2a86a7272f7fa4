"""The report's renderers: cell references, values shown as plain text, safe spreadsheet lists."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from anonymiser.checking.report import cell_reference
from anonymiser.cli import main

SPEND_HEADER = "Supplier name,Net amount,Description\n"


def check(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *map(str, args)], catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.mark.parametrize(
    ("row", "letter", "where"),
    [(12, "D", "D12"), (None, "D", "column D"), (7, None, "row 7"), (None, None, "whole file")],
)
def test_cell_reference(row: int | None, letter: str | None, where: str) -> None:
    """A problem is placed as Excel names a cell, or as much of it as is known."""
    assert cell_reference(row, letter) == where


def test_values_are_never_read_as_markup(tmp_path: Path) -> None:
    """A value that looks like rich markup is printed as it is."""
    path = tmp_path / "spend.csv"
    path.write_text(SPEND_HEADER + "Oak Ltd,[bold]12[/bold],\n", encoding="utf-8")
    status, out = check(path, "--type", "supplier_spend", "--period", "2024-06")
    assert status == 1
    assert "[bold]12[/bold]" in out


def test_formula_like_values_are_inert_in_problem_lists(tmp_path: Path) -> None:
    """A value starting "=" is written with an apostrophe, so Excel shows it, not runs it."""
    path = tmp_path / "spend.csv"
    path.write_text(SPEND_HEADER + 'Oak Ltd,"=1+2",\nElm Ltd,-5.00,\n', encoding="utf-8")
    xlsx, text = tmp_path / "problems.xlsx", tmp_path / "problems.csv"
    check(path, "--type", "supplier_spend", "--period", "2024-06", "--report-out", xlsx)
    check(path, "--type", "supplier_spend", "--period", "2024-06", "--report-out", text)
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    values = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == ["'=1+2"]
    with text.open(encoding="utf-8-sig", newline="") as stream:
        assert [row["Value"] for row in csv.DictReader(stream)] == ["'=1+2"]


def test_mapping_file_on_the_command_line(tmp_path: Path) -> None:
    """--map reads a column the schema does not recognise, and the mapping says so."""
    path = tmp_path / "spend.csv"
    path.write_text("Payee,Paid (GBP)\nOak Ltd,12.50\n", encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\n"Paid (GBP)" = "net_amount"\n', encoding="utf-8")
    status, out = check(path, "--type", "supplier_spend", "--period", "2024-06", "--map", mapping)
    document = json.loads(
        check(path, "--type", "supplier_spend", "--period", "2024-06", "--map", mapping, "--json")[
            1
        ]
    )
    assert status == 0
    assert document["mapping"][1] == {
        "column": "B",
        "header": "Paid (GBP)",
        "field": "net_amount",
        "source": "mapping file",
    }
    assert "Paid (GBP)" in out


def test_problem_list_xlsx_is_a_filterable_table(tmp_path: Path) -> None:
    """The XLSX list has one header row, frozen, and the problem columns an officer filters."""
    path = tmp_path / "spend.csv"
    path.write_text(SPEND_HEADER + "Mr A Smith,£1x,\n", encoding="utf-8")
    target = tmp_path / "problems.xlsx"
    check(path, "--type", "supplier_spend", "--period", "2024-06", "--report-out", target)
    table = pd.read_excel(target, engine="openpyxl", dtype=str)
    assert list(table.columns) == [
        "File", "Row", "Column", "Header", "Field", "Value", "Severity", "Code", "Problem",
        "What to do",
    ]  # fmt: skip
    assert table[["Row", "Column", "Severity"]].to_numpy().tolist() == [
        ["2", "A", "query"],
        ["2", "B", "error"],
    ]
    assert openpyxl.load_workbook(target).active.freeze_panes == "A2"  # type: ignore[union-attr]
