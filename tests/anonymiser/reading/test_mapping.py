"""Mapping the authority's own column names to fields: automatically, or with a mapping file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from anonymiser.errors import UnusableInput
from anonymiser.reading import read_return
from anonymiser.reading.mapping import MAPPED, RECOGNISED, load_mapping_file, map_columns
from schemas import ReturnSchema

SPEND = (
    "Body,Service area,Supplier name,Payment date,Net amount,Amount\n"
    "Derby City Council,Adults,Oak Care Ltd,31/03/2024,£1,2024-03-31\n"
)


def write_mapping(folder: Path, text: str) -> Path:
    path = folder / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_mapping_file_names_unrecognised_headers(
    messy: Any, placements: ReturnSchema, tmp_path: Path
) -> None:
    """A header the schema does not know is read as the field the mapping file names."""
    layout = messy.layout()
    layout.rows[messy.header_row][messy.position("unit_cost")] = "Weekly Fee (GBP)"
    path = messy.csv(layout)
    with pytest.raises(UnusableInput, match="unit_cost"):
        read_return(path, placements)
    mapping = write_mapping(tmp_path, '[columns]\n"weekly fee  (GBP)" = "unit_cost"\n')
    read = read_return(path, placements, mapping_file=mapping)
    match = next(m for m in read.mapping.matches if m.field == "unit_cost")
    assert (match.letter, match.header, match.source) == ("K", "Weekly Fee (GBP)", MAPPED)


def test_mapping_file_takes_precedence_over_recognised_names(
    messy: Any, placements: ReturnSchema, tmp_path: Path
) -> None:
    """When the mapping file reads a field from one column, a column recognised as it is dropped."""
    mapping = write_mapping(tmp_path, '[columns]\n"Team" = "placement_ref"\n')
    read = read_return(messy.csv(messy.layout()), placements, mapping_file=mapping)
    fields = {m.letter: (m.field, m.source) for m in read.mapping.matches}
    assert fields["C"] == ("placement_ref", MAPPED)
    assert fields["A"] == ("local_person_id", RECOGNISED)
    dropped = {d.letter: d.reason for d in read.mapping.dropped}
    assert 'the mapping file reads placement_ref from "Team"' in dropped["B"]


def test_unknown_field_in_mapping_file(tmp_path: Path, placements: ReturnSchema) -> None:
    """A mapping to a field the schema does not have is refused, listing the real fields."""
    mapping = write_mapping(tmp_path, '[columns]\n"Fee" = "weekly_fee"\n')
    with pytest.raises(UnusableInput, match=r"does not have: weekly_fee\. The fields are: "):
        load_mapping_file(mapping, placements)


def test_two_headers_for_one_field(tmp_path: Path, placements: ReturnSchema) -> None:
    """A mapping file naming two headers for one field is refused."""
    mapping = write_mapping(tmp_path, '[columns]\n"Fee" = "unit_cost"\n"Price" = "unit_cost"\n')
    with pytest.raises(UnusableInput, match='maps both "Fee" and "Price" to unit_cost'):
        load_mapping_file(mapping, placements)


@pytest.mark.parametrize("text", ["[columns\n", "columns = 3\n", "[other]\na = 'b'\n"])
def test_malformed_mapping_file(tmp_path: Path, placements: ReturnSchema, text: str) -> None:
    """A mapping file that is not TOML, or has no [columns] table, is refused."""
    with pytest.raises(UnusableInput, match=r"mapping file mapping\.toml"):
        load_mapping_file(write_mapping(tmp_path, text), placements)


def test_missing_mapping_file(tmp_path: Path, placements: ReturnSchema) -> None:
    """A mapping file that does not exist is named."""
    with pytest.raises(UnusableInput, match="does not exist"):
        load_mapping_file(tmp_path / "nope.toml", placements)


def test_unused_mapping_entries_are_noted(
    messy: Any, placements: ReturnSchema, tmp_path: Path
) -> None:
    """An entry that matches no column is a note, so one mapping file can serve several exports."""
    mapping = write_mapping(tmp_path, '[columns]\n"Old Ref" = "notes"\n')
    read = read_return(messy.csv(messy.layout()), placements, mapping_file=mapping)
    assert 'mapping file entry "Old Ref" matches no column' in read.notes


def test_second_column_for_a_field_is_dropped(supplier_spend: ReturnSchema) -> None:
    """Two headers naming one field: the first is read, the second dropped saying why."""
    mapping = map_columns(SPEND.splitlines()[0].split(","), supplier_spend, None)
    assert [(m.letter, m.field, m.source) for m in mapping.matches][-1] == (
        "E",
        "net_amount",
        RECOGNISED,
    )
    assert mapping.dropped[0].letter == "F"
    assert "already read from column E" in mapping.dropped[0].reason


def test_blank_header_column_with_values_is_dropped(
    write_file: Any, supplier_spend: ReturnSchema
) -> None:
    """A column with values but no header is reported; an empty one without a header is not."""
    content = b"Supplier name,,Net amount,\nOak Care Ltd,note,12.50,\nElm Ltd,,3.00,\n"
    read = read_return(write_file("spend.csv", content), supplier_spend)
    assert [(d.letter, d.reason) for d in read.mapping.dropped] == [("B", "no header")]


def test_header_of_system_codes_is_found_through_the_mapping_file(
    write_file: Any, supplier_spend: ReturnSchema, tmp_path: Path
) -> None:
    """A header of names only the mapping file knows is still found below the preamble."""
    content = b"Finance extract\n\nVNDR_NM,NET_VAL,PAY_DT\nOak Care Ltd,12.50,01/04/2026\n"
    mapping = write_mapping(
        tmp_path, '[columns]\n"VNDR_NM" = "supplier_name"\n"NET_VAL" = "net_amount"\n'
    )
    read = read_return(write_file("codes.csv", content), supplier_spend, mapping_file=mapping)
    assert read.header_row == 3
    assert list(read.frame.columns) == ["supplier_name", "net_amount"]
    assert [d.header for d in read.mapping.dropped] == ["PAY_DT"]
