"""Reading messy CSV exports: preamble, renamed and reordered headers, blank rows, encodings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from anonymiser.reading import FileKind, read_return
from schemas import ReturnSchema


def test_header_row_is_found_below_the_preamble(messy: Any, placements: ReturnSchema) -> None:
    """The header is the row naming the most fields, here row 4 under a title and a blank row."""
    read = read_return(messy.csv(messy.layout()), placements)
    assert read.header_row == 4
    assert read.kind is FileKind.CSV


def test_rows_are_indexed_by_excel_row_number(messy: Any, placements: ReturnSchema) -> None:
    """Each data row keeps the number Excel shows; blank rows are skipped but still counted."""
    layout = messy.layout()
    read = read_return(messy.csv(layout), placements)
    assert list(read.frame.index) == layout.data_rows
    assert not set(messy.blank_rows) & set(read.frame.index)
    for row in layout.data_rows:
        assert read.frame.at[row, "placement_ref"] == layout.cell(row, "placement_ref")
        assert read.frame.at[row, "unit_cost"] == layout.cell(row, "unit_cost")


def test_renamed_columns_map_to_fields_with_their_letters(
    messy: Any, placements: ReturnSchema
) -> None:
    """Each authority header maps to its field, and keeps its own position's letter."""
    read = read_return(messy.csv(messy.layout()), placements)
    found = {match.field: (match.header, match.letter) for match in read.mapping.matches}
    for header, field in messy.columns:
        if field is not None:
            assert found[field] == (header, messy.letter(field))


def test_unknown_column_is_reported_as_dropped(messy: Any, placements: ReturnSchema) -> None:
    """A column the schema does not know is listed as dropped and its values are not read."""
    read = read_return(messy.csv(messy.layout()), placements)
    dropped = [(column.letter, column.header) for column in read.mapping.dropped]
    assert dropped == [("C", "Team")]
    assert "will be dropped" in read.mapping.dropped[0].reason
    assert "Team" not in read.frame.columns


def test_values_come_back_as_text(messy: Any, placements: ReturnSchema) -> None:
    """Every cell is a string exactly as written, pound signs and separators included."""
    layout = messy.layout()
    read = read_return(messy.csv(layout), placements)
    assert all(isinstance(value, str) for value in read.frame.to_numpy().ravel())
    first = layout.data_rows[0]
    assert str(read.frame.at[first, "unit_cost"]).startswith("£")


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_delimiter_is_sniffed(messy: Any, placements: ReturnSchema, delimiter: str) -> None:
    """Semicolon, tab and pipe separated exports read the same as comma separated ones."""
    layout = messy.layout()
    read = read_return(messy.csv(layout, delimiter=delimiter), placements)
    assert list(read.frame.index) == layout.data_rows
    assert len(read.mapping.matches) == 11


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_encodings_are_detected(messy: Any, placements: ReturnSchema, encoding: str) -> None:
    """UTF-8 with a BOM, Windows cp1252 (£ is one byte) and UTF-16 all read the pound sign."""
    layout = messy.layout()
    read = read_return(messy.csv(layout, encoding=encoding), placements)
    first = layout.data_rows[0]
    assert read.frame.at[first, "unit_cost"] == layout.cell(first, "unit_cost")
    assert read.header_row == 4


def test_cp1252_after_a_utf8_looking_opening_is_still_read(
    write_file: Any, placements: ReturnSchema
) -> None:
    """A file whose first megabyte is plain ASCII but which later holds a cp1252 £ is read."""
    header = "Placement ID,Person ID,DOB,Client type,Care type,Provider,Procurement route,"
    header += "Start date,Unit cost,Cost frequency\r\n"
    row = "PL1,C1,01/02/1950,adult,nursing,Oak Care Ltd,spot,2024-01-01,{cost},weekly\r\n"
    filler = row.format(cost="700") * 20_000
    content = (header + filler + row.format(cost="£700")).encode("cp1252")
    read = read_return(write_file("late.csv", content), placements)
    assert read.frame["unit_cost"].iloc[-1] == "£700"
    assert len(read.frame) == 20_001


def test_quoted_line_breaks_stay_in_one_row(write_file: Any, placements: ReturnSchema) -> None:
    """A quoted value with a line break is one Excel row, so later rows keep their numbers."""
    content = (
        b"Placement ID,Person ID,DOB,Client type,Care type,Provider,Procurement route,"
        b"Start date,Unit cost,Cost frequency,Notes\n"
        b'PL1,C1,01/02/1950,adult,nursing,Oak Care Ltd,spot,2024-01-01,700,weekly,"two\nlines"\n'
        b"PL2,C2,01/02/1950,adult,nursing,Oak Care Ltd,spot,2024-01-01,700,weekly,\n"
    )
    read = read_return(write_file("notes.csv", content), placements)
    assert list(read.frame.index) == [2, 3]
    assert read.frame.at[2, "notes"] == "two\nlines"


def test_ragged_rows_are_padded_and_overflow_noted(
    write_file: Any, placements: ReturnSchema
) -> None:
    """Short rows read as blanks at the end; a row with cells beyond the header is noted."""
    content = (
        b"Placement ID,Person ID,DOB,Client type,Care type,Provider,Procurement route,"
        b"Start date,Unit cost,Cost frequency\n"
        b"PL1,C1,01/02/1950,adult,nursing,Oak Care Ltd,spot,2024-01-01,700\n"
        b"PL2,C2,01/02/1950,adult,nursing,Oak, Care Ltd,spot,2024-01-01,700,weekly\n"
    )
    read = read_return(write_file("ragged.csv", content), placements)
    assert read.frame.at[2, "cost_frequency"] == ""
    assert read.overflow_rows == (3,)


def test_exact_and_fast_paths_agree(messy: Any, placements: ReturnSchema, tmp_path: Path) -> None:
    """A file sent down the exact path by one ragged row reads every other row as the fast path."""
    layout = messy.layout()
    fast = read_return(messy.csv(layout, name="fast.csv"), placements).frame
    last = max(layout.rows)
    layout.rows[last + 1] = ["stray"]
    slow = read_return(messy.csv(layout, name="slow.csv"), placements).frame
    assert slow.drop(index=last + 1).equals(fast)


def test_file_named_xlsx_holding_csv_is_read_as_csv(messy: Any, placements: ReturnSchema) -> None:
    """The bytes decide: a CSV named .xlsx is read as CSV, with a note saying so."""
    read = read_return(messy.csv(messy.layout(), name="export.xlsx"), placements)
    assert read.kind is FileKind.CSV
    assert any("named .xlsx but is CSV" in note for note in read.notes)


def test_old_mac_line_endings(write_file: Any, supplier_spend: ReturnSchema) -> None:
    """Lines ended by a bare carriage return are rows too, numbered as Excel numbers them."""
    content = b"Title\r\rSupplier name,Net amount\rOak Ltd,12.50\r\rElm Ltd,3.00\r"
    read = read_return(write_file("mac.csv", content), supplier_spend)
    assert read.header_row == 3
    assert list(read.frame.index) == [4, 6]
    assert list(read.frame["supplier_name"]) == ["Oak Ltd", "Elm Ltd"]
