"""`anonymiser synth` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from anonymiser.cli import main


def test_synth_writes_the_region_and_says_where(tmp_path: Path) -> None:
    """The command writes the exports and the manifest and prints a line per file."""
    out = tmp_path / "region"
    result = CliRunner().invoke(
        main, ["synth", "--out", str(out), "--rows", "15", "--authorities", "derby,E10000019"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "region.json").read_text(encoding="utf-8"))
    assert [e["authority"] for e in manifest["exports"]] == ["E06000015"] * 2 + ["E10000019"] * 2
    for entry in manifest["exports"]:
        assert str(out / entry["path"]) in result.output
    assert "mapping:" in result.output
    assert f"manifest: {out / 'region.json'}" in result.output


def test_synth_format_option_writes_every_export_as_asked(tmp_path: Path) -> None:
    """--format xlsx makes even CSV-minded authorities write workbooks."""
    out = tmp_path / "region"
    result = CliRunner().invoke(
        main,
        [
            "synth",
            "--out",
            str(out),
            "--rows",
            "10",
            "--format",
            "xlsx",
            "--authorities",
            "Rutland",
            "--seed",
            "5",
            "--period",
            "2026-27",
        ],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "region.json").read_text(encoding="utf-8"))
    assert {e["format"] for e in manifest["exports"]} == {"xlsx"}
    assert manifest["seed"] == 5
    assert manifest["period"]["label"] == "2026-27"


def test_synth_refuses_a_bad_period_with_a_usage_error(tmp_path: Path) -> None:
    """A period that is not one exits 2 with advice and writes nothing."""
    result = CliRunner().invoke(main, ["synth", "--out", str(tmp_path / "r"), "--period", "Q9"])
    assert result.exit_code == 2
    assert "2026-Q2" in result.output
    assert not (tmp_path / "r").exists()


def test_synth_refuses_rows_out_of_range(tmp_path: Path) -> None:
    """Rows run from 1 to 1,000,000."""
    result = CliRunner().invoke(main, ["synth", "--out", str(tmp_path), "--rows", "1000001"])
    assert result.exit_code == 2
    assert "1000000" in result.output


def test_synth_help_documents_every_option() -> None:
    """Every option has help text."""
    result = CliRunner().invoke(main, ["synth", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--rows", "--seed", "--period", "--format", "--authorities"):
        assert option in result.output
