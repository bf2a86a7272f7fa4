"""The region's files on disk: manifest, edge cases, and the streaming writers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest

from anonymiser.synth import write_placements_export
from anonymiser.synth.cells import Column
from anonymiser.synth.errors import SynthError, UnknownAuthority, UnknownPeriod
from anonymiser.synth.period import Period
from anonymiser.synth.styles import Format
from anonymiser.synth.writers import CsvSink, XlsxSink
from schemas.geography import AUTHORITIES

if TYPE_CHECKING:
    from conftest import RegionFiles

CREATED = dt.datetime(2026, 7, 3, 7, 42)


def test_manifest_lists_every_export_with_what_it_holds(region: RegionFiles) -> None:
    """Two exports per authority, each with its file, format, rows, seed and period."""
    manifest = region.manifest
    assert len(manifest["exports"]) == 2 * len(AUTHORITIES)
    assert manifest["period"] == {"label": "2026-Q2", "start": "2026-04-01", "end": "2026-06-30"}
    assert manifest["shared_people"] > 0
    assert manifest["providers"] == 40
    for entry in manifest["exports"]:
        assert (region.root / entry["path"]).is_file()
        assert entry["path"].endswith("." + entry["format"])
        assert (entry["seed"], entry["period"], entry["rows"]) == (2026, "2026-Q2", 300)
        assert len(entry["headers"]) == len(entry["fields"])
    formats = {entry["format"] for entry in manifest["exports"]}
    assert formats == {"csv", "xlsx"}


def test_edge_cases_are_an_empty_file_and_headers_only_files(
    region: RegionFiles, grid_of: Any
) -> None:
    """The edge-cases folder holds empty files and files with a header row and nothing else."""
    cases = {case["path"]: case for case in region.manifest["edge_cases"]}
    assert (region.root / "edge-cases/empty.csv").read_bytes() == b""
    assert grid_of(region.root / "edge-cases/empty.xlsx") == []
    for path, case in cases.items():
        if case["kind"] == "headers_only":
            grid = grid_of(region.root / path)
            assert len(grid) == 1
            assert len(grid[0]) > 5


def _interrupted_write(sink: CsvSink | XlsxSink) -> None:
    with sink:
        sink.write_line(["header"])
        raise RuntimeError("interrupted")


def test_a_failed_write_leaves_no_file_behind(tmp_path: Path) -> None:
    """An error while writing removes the partial file: no half export is ever left."""
    sinks = (
        CsvSink(tmp_path / "x.csv"),
        XlsxSink(tmp_path / "x.xlsx", sheet="S", created=CREATED),
    )
    for sink in sinks:
        with pytest.raises(RuntimeError, match="interrupted"):
            _interrupted_write(sink)
    assert list(tmp_path.iterdir()) == []


def test_workbooks_keep_text_numbers_dates_and_gaps(tmp_path: Path) -> None:
    """The streamed workbook opens in openpyxl with its values, types and blank rows intact."""
    path = tmp_path / "sheet.xlsx"
    with XlsxSink(path, sheet="Payments & more", created=CREATED) as sink:
        sink.write_line(["Report <title>"])
        sink.write_line([])
        sink.write_columns(
            [
                Column("text", ["Smith & Sons ", "", "x"]),
                Column("number", [1234.5, "", 9991234567]),
                Column("date", [dt.datetime(2026, 4, 1), "", dt.datetime(1940, 2, 29)]),
            ]
        )
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.title == "Payments & more"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Report <title>"
    assert all(value is None for value in rows[1])
    assert rows[2] == ("Smith & Sons ", 1234.5, dt.datetime(2026, 4, 1))
    assert all(value is None for value in rows[3])
    assert rows[4] == ("x", 9991234567, dt.datetime(1940, 2, 29))


def test_a_clean_export_uses_schema_field_names(tmp_path: Path, grid_of: Any) -> None:
    """Without mess, the header is the schema's field names and there is no preamble."""
    report = write_placements_export(
        tmp_path / "p.xlsx", authority="Rutland", rows=12, fmt="xlsx", mess=False
    )
    grid = grid_of(report.path)
    assert grid[0][:3] == ["placement_ref", "local_person_id", "nhs_number"]
    assert len(grid) == 13
    assert report.header_row == 1


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2026-Q2", "2026-04-01", "2026-06-30"),
        ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026-27", "2026-04-01", "2027-03-31"),
    ],
)
def test_periods_are_quarters_months_or_financial_years(label: str, start: str, end: str) -> None:
    """Each period label gives its first and last day."""
    period = Period.parse(label)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize("label", ["2026-Q5", "2026-13", "2026-28", "Q2 2026", ""])
def test_a_period_that_is_not_one_is_refused(label: str) -> None:
    """A label that is not a quarter, month or financial year is refused with advice."""
    with pytest.raises(UnknownPeriod, match="2026-Q2"):
        Period.parse(label)


@pytest.mark.parametrize(("rows", "fmt"), [(0, "csv"), (1_048_000, "xlsx")])
def test_sizes_a_file_cannot_hold_are_refused(tmp_path: Path, rows: int, fmt: Format) -> None:
    """No empty export, and no workbook longer than Excel allows; nothing is written."""
    with pytest.raises(SynthError, match="row"):
        write_placements_export(tmp_path / f"x.{fmt}", authority="Derby", rows=rows, fmt=fmt)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_authority_is_refused(tmp_path: Path) -> None:
    """Only the region's authorities can be generated; the message lists them."""
    with pytest.raises(UnknownAuthority, match="Derby"):
        write_placements_export(tmp_path / "x.csv", authority="Narnia", rows=5)
