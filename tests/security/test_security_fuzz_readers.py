"""Fuzzing the authority-side readers: ``anonymiser.reading.read_return`` on hostile files.

Random bytes, and valid CSV and XLSX exports mutated (bytes flipped, inserted, deleted,
truncated; a workbook's zip members damaged) must either read or be refused with the
anonymiser's own error (:class:`anonymiser.errors.AnonymiserError`, a clear message),
never any other exception type.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import openpyxl
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymiser.errors import AnonymiserError
from anonymiser.reading import ReadLimits, read_return
from schemas import get_schema
from tests.security.conftest import SecurityRecord

SCHEMA = get_schema("placements", 1)
HEADER = ["Client ID", "Placement reference", "D.O.B.", "NHS No.", "Service type",
          "Adult or child", "Care provider", "Contract type", "Placement start", "Rate",
          "Frequency"]  # fmt: skip
LIMITS = ReadLimits(max_file_bytes=1024 * 1024, max_unpacked_bytes=8 * 1024 * 1024)
FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip


def _rows() -> list[list[str]]:
    fake = Faker("en_GB")
    fake.seed_instance(11)
    return [[f"C{n:05d}", f"P{n:05d}", fake.date_of_birth().strftime("%d/%m/%Y"),
             "943 476 5919", "Residential care", "adult", f"{fake.last_name()} Care Ltd",
             "spot", "01/04/2026", f"£{fake.pyint(500, 2500):,}.00", "weekly"]
            for n in range(25)]  # fmt: skip


def _csv() -> bytes:
    lines = ["Placements export", "", ",".join(HEADER)]
    lines += [",".join(f'"{cell}"' for cell in row) for row in _rows()]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Placements export"])
    sheet.append(HEADER)
    for row in _rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VALID = {"csv": _csv(), "xlsx": _xlsx()}


def outcome(data: bytes, suffix: str) -> str:
    """``read`` or the name of the anonymiser's own error; anything else propagates."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{suffix}"
        path.write_bytes(data)
        refusal: AnonymiserError | None = None
        try:
            read_return(path, SCHEMA, limits=LIMITS)
        except AnonymiserError as error:
            refusal = error
    if refusal is None:
        return "read"
    assert str(refusal).strip(), "a refusal needs a message"
    return type(refusal).__name__


CHUNKS = [b"\x00" * 8, b'"', b"\r", b"\n\n\n", b"=cmd|' /C calc'!A0", b"\xff\xfe",
          b"\xef\xbb\xbf", b"PK\x03\x04", b"<x>"]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> bytes:
    data = bytearray(VALID[kind])
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "overwrite"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "truncate" and draw(st.integers(0, 3)) == 0:
            del data[at:]
        else:
            chunk = draw(st.sampled_from(CHUNKS))
            data[at : at + len(chunk)] = chunk
    return bytes(data)


def test_the_valid_exports_read() -> None:
    """The fuzzing starts from exports that read (CSV and XLSX)."""
    assert outcome(VALID["csv"], "csv") == "read"
    assert outcome(VALID["xlsx"], "xlsx") == "read"


def test_random_bytes_are_refused_clearly(security: SecurityRecord) -> None:
    """Random bytes under a .csv or .xlsx name: read or refused with a message."""
    seen: set[str] = set()

    @FUZZ
    @given(st.binary(min_size=0, max_size=4096), st.sampled_from(["csv", "xlsx"]))
    def run(data: bytes, suffix: str) -> None:
        security.cases()
        seen.add(outcome(data, suffix))

    run()
    security.note(f"random bytes: outcomes {sorted(seen)}")


def test_mutated_csv_exports_read_or_are_refused_clearly(security: SecurityRecord) -> None:
    """A damaged CSV export: read, or refused with the anonymiser's own error."""
    seen: set[str] = set()

    @FUZZ
    @given(mutated("csv"))
    def run(data: bytes) -> None:
        security.cases()
        seen.add(outcome(data, "csv"))

    run()
    security.note(f"mutated CSV: outcomes {sorted(seen)}")


def test_mutated_xlsx_exports_read_or_are_refused_clearly(security: SecurityRecord) -> None:
    """A damaged workbook (zip members, XML): read, or refused with the anonymiser's error."""
    seen: set[str] = set()

    @FUZZ
    @given(mutated("xlsx"))
    def run(data: bytes) -> None:
        security.cases()
        seen.add(outcome(data, "xlsx"))

    run()
    security.note(f"mutated XLSX: outcomes {sorted(seen)}")
    assert seen - {"read"}, "the mutations should reach refusals"
