"""Finding the header under a preamble, and refusing files that do not fit the return type."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from anonymiser.errors import UnusableInput
from anonymiser.reading import read_return
from anonymiser.reading.header import find_header_row
from anonymiser.reading.limits import parse_size
from schemas import ReturnSchema, get_schema

HEADER = ["Placement ID", "Person ID", "DOB", "Client type", "Care type", "Provider"]
HEADER += ["Procurement route", "Start date", "Unit cost", "Cost frequency"]
ROW = ["PL1", "C1", "01/02/1950", "adult", "nursing", "Oak Care Ltd", "spot", "2024-01-01"]
ROW += ["£700.00", "weekly"]
LAMBETH = Path(__file__).resolve().parents[4] / "shared" / "data" / "real"
LAMBETH_FILE = LAMBETH / "lambeth-2011-01-supplier-totals.csv"

preamble_cell = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30
)
preamble_row = st.lists(preamble_cell, max_size=3)


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(preamble=st.lists(preamble_row, max_size=12), blanks=st.lists(st.booleans(), max_size=5))
def test_rows_keep_excel_numbers_under_any_preamble(
    tmp_path: Path, placements: ReturnSchema, preamble: list[list[str]], blanks: list[bool]
) -> None:
    """Whatever the preamble (free text, no column names), data rows keep Excel's numbers."""
    # a preamble row that names fields is a header candidate, not a preamble
    assume(not any(find_header_row([row], placements) for row in preamble))
    body: list[list[str]] = []
    for index, blank in enumerate([False, *blanks]):
        body.append([] if blank else [f"PL{index}", *ROW[1:]])
    path = tmp_path / "property.csv"
    path.write_bytes(csv_bytes([*preamble, HEADER, *body]))
    read = read_return(path, placements)
    header_row = len(preamble) + 1
    expected = [header_row + 1 + i for i, row in enumerate(body) if row]
    assert read.header_row == header_row
    assert list(read.frame.index) == expected
    assert list(read.frame["placement_ref"]) == [row[0] for row in body if row]


def test_no_header_row(write_file: Any, placements: ReturnSchema) -> None:
    """A file with no recognisable column names says so and suggests --map."""
    content = b"alpha,beta,gamma\n1,2,3\n"
    with pytest.raises(UnusableInput, match="has no row of placements column names") as caught:
        read_return(write_file("mystery.csv", content), placements)
    assert "--map" in str(caught.value)


def test_missing_required_column_names_it_and_accepted_headers(
    write_file: Any, placements: ReturnSchema
) -> None:
    """A missing required column is named with the headers accepted for it and --map suggested."""
    header = [name for name in HEADER if name != "DOB"]
    row = [cell for name, cell in zip(HEADER, ROW, strict=True) if name != "DOB"]
    with pytest.raises(UnusableInput) as caught:
        read_return(write_file("no-dob.csv", csv_bytes([header, row])), placements)
    message = str(caught.value)
    assert "missing the required column date_of_birth" in message
    assert '"DOB"' in message
    assert "--map MAPPING.toml" in message


def test_spend_file_checked_as_placements_is_named_wrong_type(placements: ReturnSchema) -> None:
    """The real Lambeth spend file checked as placements is recognised as supplier spend."""
    spend = get_schema("supplier_spend", 1)
    with pytest.raises(UnusableInput) as caught:
        read_return(LAMBETH_FILE, placements, alternatives=[spend])
    message = str(caught.value)
    assert "looks like a supplier_spend return, not placements" in message
    assert "--type supplier_spend" in message


def test_placements_file_checked_as_spend_is_named_wrong_type(
    messy: Any, supplier_spend: ReturnSchema, placements: ReturnSchema
) -> None:
    """A placements export checked as supplier spend is recognised as placements."""
    with pytest.raises(UnusableInput, match="looks like a placements return"):
        read_return(messy.csv(messy.layout()), supplier_spend, alternatives=[placements])


@pytest.mark.parametrize(
    ("text", "size"),
    [("1GB", 2**30), ("500 MB", 500 * 2**20), ("1.5g", int(1.5 * 2**30)), ("1048576", 2**20)],
)
def test_parse_size(text: str, size: int) -> None:
    """Sizes read with or without a unit, in binary multiples."""
    assert parse_size(text) == size


def test_parse_size_refuses_nonsense() -> None:
    """A size that is not a number and unit is refused with an example."""
    with pytest.raises(ValueError, match="write it like 1GB"):
        parse_size("big")
