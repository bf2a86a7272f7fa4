"""Files that cannot be used are refused before parsing, with a message saying what to do."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from faker import Faker

from anonymiser.errors import UnusableInput
from anonymiser.reading import ReadLimits, read_return
from schemas import ReturnSchema

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def random_bytes(size: int, seed: int = 7) -> bytes:
    """Random binary content, the same on every run."""
    fake = Faker()
    fake.seed_instance(seed)
    return fake.binary(size)


def refusal(path: Path, schema: ReturnSchema, **options: Any) -> str:
    """The message a file is refused with."""
    with pytest.raises(UnusableInput) as caught:
        read_return(path, schema, **options)
    assert caught.value.exit_code == 2
    return str(caught.value)


def test_empty_file(write_file: Any, placements: ReturnSchema) -> None:
    """A 0-byte file is named as empty."""
    assert "is empty (0 bytes)" in refusal(write_file("empty.csv", b""), placements)


def test_blank_lines_only(write_file: Any, placements: ReturnSchema) -> None:
    """A file of blank lines is refused as having no data."""
    assert "no data" in refusal(write_file("blank.csv", b"\r\n\r\n  \r\n"), placements)


def test_empty_workbook(tmp_path: Path, placements: ReturnSchema) -> None:
    """A workbook with no values in it is refused as having no data."""
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    assert "empty.xlsx has no data" in refusal(path, placements)


def test_headers_only(write_file: Any, placements: ReturnSchema) -> None:
    """A header row with nothing below it is refused, naming the header row."""
    content = b"Placement ID,Person ID,DOB,Client type,Care type,Provider,Procurement route,"
    content += b"Start date,Unit cost,Cost frequency\r\n,,,,,,,,,\r\n"
    message = refusal(write_file("headers.csv", content), placements)
    assert "headers.csv has column headers (row 1) but no rows of data" in message


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("scan.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        ("logo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        ("photo.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        ("random.csv", random_bytes(4096), "binary data"),
    ],
)
def test_not_a_spreadsheet(
    write_file: Any, placements: ReturnSchema, name: str, content: bytes, what: str
) -> None:
    """Whatever the extension, a file that is not CSV or XLSX says what it is."""
    message = refusal(write_file(name, content), placements)
    assert what in message
    assert "not a CSV or XLSX file" in message
    assert name in message


def test_password_protected_workbook(write_file: Any, placements: ReturnSchema) -> None:
    """An encrypted workbook (OLE2 holding EncryptionInfo) asks for the password to be removed."""
    content = OLE2 + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(2000)
    message = refusal(write_file("protected.xlsx", content), placements)
    assert "password-protected" in message


def test_old_xls_workbook(write_file: Any, placements: ReturnSchema) -> None:
    """An Excel 97-2003 file renamed .xlsx is asked to be saved as .xlsx."""
    content = OLE2 + bytes(504) + "Workbook".encode("utf-16-le") + bytes(2000)
    assert "Excel 97-2003" in refusal(write_file("old.xlsx", content), placements)


def test_corrupt_workbook(messy: Any, placements: ReturnSchema, tmp_path: Path) -> None:
    """A workbook cut short (a truncated zip) is refused as damaged."""
    good = messy.xlsx(messy.layout())
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "damaged workbook" in refusal(cut, placements)


def test_zip_that_is_not_a_workbook(write_file: Any, placements: ReturnSchema) -> None:
    """A Word document (a zip too) is named as such."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "a Word document" in refusal(write_file("letter.xlsx", buffer.getvalue()), placements)


def test_zip_bomb(write_file: Any, placements: ReturnSchema) -> None:
    """A workbook part that unpacks to hundreds of times its size is refused before unzipping."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (20 * 2**20))
    assert "zip bomb" in refusal(write_file("bomb.xlsx", buffer.getvalue()), placements)


def test_workbook_too_big_unpacked(messy: Any, placements: ReturnSchema) -> None:
    """A workbook whose parts unpack past the limit is refused, saying how to raise it."""
    path = messy.xlsx(messy.layout())
    message = refusal(path, placements, limits=ReadLimits(max_unpacked_bytes=1000))
    assert "over the 1000 bytes limit" in message
    assert "--max-unpacked-size" in message


def test_two_gigabyte_file_is_refused_quickly(tmp_path: Path, placements: ReturnSchema) -> None:
    """A 2 GB file is refused from its size alone, without reading it."""
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.truncate(2 * 2**30)  # sparse: takes no disk space
    started = time.monotonic()
    message = refusal(path, placements)
    assert time.monotonic() - started < 1
    assert "huge.csv is 2.0 GB, over the 1.0 GB limit" in message


def test_size_limit_is_configurable(messy: Any, placements: ReturnSchema) -> None:
    """A smaller cap refuses a small file."""
    path = messy.csv(messy.layout())
    assert "over the" in refusal(path, placements, limits=ReadLimits(max_file_bytes=100))


def test_missing_file(tmp_path: Path, placements: ReturnSchema) -> None:
    """A path that does not exist is named."""
    assert "does not exist" in refusal(tmp_path / "nowhere.csv", placements)


def test_folder_is_not_a_file(tmp_path: Path, placements: ReturnSchema) -> None:
    """A folder given as the file is refused."""
    assert "is not a file" in refusal(tmp_path, placements)
