"""The real Lambeth supplier totals go through ``anonymiser check`` with only a period given."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from anonymiser.cli import main

REPO = Path(__file__).resolve().parents[3]
LAMBETH = REPO.parent / "shared" / "data" / "real" / "lambeth-2011-01-supplier-totals.csv"
NAMED_PEOPLE = {"Mr J K S Patel": 179, "Ms Andrea Garvey": 331, "Veronique Kaboha": 454}


def row_of(name: str) -> int:
    """The Excel row of a supplier in the real file, read independently with the csv module."""
    with LAMBETH.open(encoding="utf-8", newline="") as stream:
        for number, row in enumerate(csv.reader(stream), start=1):
            if row[0] == name:
                return number
    raise LookupError(name)


def test_real_file_names_private_individuals_as_queries() -> None:
    """Only --period is given; the report queries the rows whose supplier is a private person."""
    result = CliRunner().invoke(
        main, ["check", str(LAMBETH), "--type", "supplier_spend", "--period", "2011-01", "--json"]
    )
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["summary"]["errors"] == 0
    assert document["rows"] == 1072
    assert [m["field"] for m in document["mapping"]] == ["supplier_name", "net_amount"]
    queries = {p["value"]: p for p in document["problems"] if p["severity"] == "query"}
    for name, row in NAMED_PEOPLE.items():
        assert row_of(name) == row
        assert queries[name]["row"] == row
        assert queries[name]["column"] == "A"
        assert queries[name]["message"] == (
            "supplier looks like a private individual; their name will be redacted before "
            "the return leaves"
        )
    assert "St Mary's Care Ltd" not in queries
    assert "229 Mitcham Lane Ltd" not in queries


def test_installed_console_script() -> None:
    """The installed ``anonymiser`` script checks the real file in its own process."""
    script = Path(sys.executable).with_name("anonymiser")
    done = subprocess.run(
        [str(script), "check", str(LAMBETH), "--type", "supplier_spend", "--period", "2011-01"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Queries (may be explained):" in done.stdout
    assert "A179" in done.stdout
    assert "Summary: 1,072 rows read" in done.stdout
