"""Unusable input: one clear message naming the file, exit status 2, and no output file."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from faker import Faker

from anonymiser.cli import main

SPEND_HEADER = b"Supplier Name,Sum of Invoice Nett Amount\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _random(size: int) -> bytes:
    fake = Faker()
    fake.seed_instance(3)
    return fake.binary(size)


def _sparse(path: Path) -> None:
    with path.open("wb") as stream:
        stream.truncate(2 * 2**30)


BAD_FILES: dict[str, tuple[str, Callable[[Path, Any], object], str]] = {
    "empty": ("empty.csv", lambda p, e: p.write_bytes(b""), "is empty (0 bytes)"),
    "headers only": (
        "headers.csv",
        lambda p, e: p.write_bytes(b"\r\n".join(e.path.read_bytes().split(b"\r\n")[:4])),
        "has column headers (row 4) but no rows of data",
    ),
    "pdf named csv": ("scan.csv", lambda p, e: p.write_bytes(b"%PDF-1.4\n1 0 obj"), "a PDF"),
    "png named csv": ("logo.csv", lambda p, e: p.write_bytes(b"\x89PNG\r\n\x1a\n"), "a PNG"),
    "random binary": ("data.csv", lambda p, e: p.write_bytes(_random(8192)), "binary data"),
    "password-protected": (
        "locked.xlsx",
        lambda p, e: p.write_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "EncryptionInfo".encode("utf-16-le")
        ),
        "password-protected workbook",
    ),
    "corrupt workbook": (
        "cut.xlsx",
        lambda p, e: p.write_bytes(e.xlsx_bytes[: len(e.xlsx_bytes) // 3]),
        "damaged workbook",
    ),
    "zip bomb": (
        "bomb.xlsx",
        lambda p, e: p.write_bytes(
            _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(30 * 2**20)})
        ),
        "zip bomb",
    ),
    "2 GB file": ("huge.csv", lambda p, e: _sparse(p), "is 2.0 GB, over the 1.0 GB limit"),
    "missing required column": (
        "no-dob.csv",
        lambda p, e: p.write_bytes(e.path.read_bytes().replace(b"D.O.B.", b"Birthday")),
        'missing the required column date_of_birth (accepted headers: "date_of_birth", "DOB"',
    ),
    "wrong return type": (
        "spend.csv",
        lambda p, e: p.write_bytes(SPEND_HEADER + b"Mr A Smith,100.00\n"),
        "looks like a supplier_spend return, not placements",
    ),
}


class Source:
    """The good export the bad files are made from."""

    def __init__(self, csv_export: Any, xlsx_export: Any) -> None:
        self.path = csv_export.path
        self.xlsx_bytes = xlsx_export.path.read_bytes()


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["check", *map(str, args)], catch_exceptions=False)


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_unusable_file(case: str, tmp_path: Path, messy_csv: Any, messy_xlsx: Any) -> None:
    """Each kind of unusable file exits 2 with one message naming it, and writes no report."""
    name, make, expected = BAD_FILES[case]
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / name
    make(path, Source(messy_csv, messy_xlsx))
    report = tmp_path / "out" / "problems.csv"
    report.parent.mkdir()
    result = run(path, "--type", "placements", "--report-out", report)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {name}")
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert list(report.parent.iterdir()) == []


def test_unusable_file_with_json_gives_an_error_document(tmp_path: Path) -> None:
    """With --json, an unusable file also prints the error document on standard output."""
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = run(path, "--type", "supplier_spend", "--json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["file"] == str(path)
    assert document["type"] == "supplier_spend"
    assert document["version"] == 1
    assert document["error"]["exit_code"] == 2
    assert "is empty" in document["error"]["message"]


def test_bad_mapping_file_exits_2(messy_csv: Any, tmp_path: Path) -> None:
    """A mapping file naming an unknown field is unusable input."""
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\n"Rate" = "price"\n', encoding="utf-8")
    result = run(messy_csv.path, "--type", "placements", "--map", mapping)
    assert result.exit_code == 2
    assert "does not have: price" in result.stderr


def test_size_cap_from_the_environment(messy_csv: Any) -> None:
    """ANONYMISER_MAX_FILE_SIZE lowers the cap without an option."""
    result = CliRunner(env={"ANONYMISER_MAX_FILE_SIZE": "1KB"}).invoke(
        main, ["check", str(messy_csv.path), "--type", "placements"]
    )
    assert result.exit_code == 2
    assert "over the 1.0 KB limit" in result.stderr


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--period", "2026-13", "Write it like 2026-Q2"),
        ("--version", "9", "has no version 9"),
        ("--report-out", "problems.txt", "written as .csv or .xlsx"),
        ("--report-out", "no/such/folder/problems.csv", "does not exist"),
        ("--max-file-size", "lots", "write it like 1GB"),
    ],
)
def test_bad_options_exit_2(messy_csv: Any, option: str, value: str, expected: str) -> None:
    """Options that cannot be used are usage errors: exit 2, saying what to write."""
    result = run(messy_csv.path, "--type", "placements", option, value)
    assert result.exit_code == 2
    assert expected in result.stderr
