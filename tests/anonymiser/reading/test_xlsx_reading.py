"""Reading XLSX exports: the same messy sheet as the CSV tests, with Excel's own cell types."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from anonymiser.errors import UnusableInput
from anonymiser.reading import FileKind, read_return
from anonymiser.reading.xlsx_file import cell_text
from schemas import ReturnSchema


@pytest.mark.parametrize("entity", ["lol", "xxe"])
def test_entity_tricks_in_sheet_xml_are_refused_unexpanded(
    messy: Any, placements: ReturnSchema, tmp_path: Path, entity: str
) -> None:
    """A sheet declaring entities (billion laughs, an external file) is refused as damaged:
    nothing is expanded or read from the machine."""
    source = messy.xlsx(messy.layout(typed=True))
    secret = tmp_path / "secret.txt"
    secret.write_text("NOT-FOR-THE-RETURN")
    doctype = (
        '<?xml version="1.0"?><!DOCTYPE worksheet ['
        '<!ENTITY lol "lollollollollollollollollollol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        f'<!ENTITY xxe SYSTEM "file://{secret}">]>'
    ).encode()
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(hostile, "w") as out:
        for name in original.namelist():
            data = original.read(name)
            if name.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"^<\?xml[^>]*\?>", b"", data)
                reference = b"&lol2;" if entity == "lol" else b"&xxe;"
                data = doctype + data.replace(b"</sheetData>", b'<row r="999"><c r="A999" '
                                              b't="inlineStr"><is><t>' + reference +
                                              b"</t></is></c></row></sheetData>", 1)  # fmt: skip
            out.writestr(name, data)
    with pytest.raises(UnusableInput, match="damaged workbook") as caught:
        read_return(hostile, placements)
    assert "NOT-FOR-THE-RETURN" not in str(caught.value)
    assert "lollol" not in str(caught.value)


def test_workbook_rows_keep_excel_numbers(messy: Any, placements: ReturnSchema) -> None:
    """Rows are indexed as Excel numbers them: preamble and blank rows counted, blanks skipped."""
    layout = messy.layout(typed=True)
    path = messy.xlsx(layout)
    read = read_return(path, placements)
    assert read.kind is FileKind.XLSX
    assert read.header_row == 4
    assert list(read.frame.index) == layout.data_rows
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    column = messy.position("placement_ref") + 1
    for row in layout.data_rows:
        assert read.frame.at[row, "placement_ref"] == sheet.cell(row=row, column=column).value


def test_workbook_columns_keep_their_letters(messy: Any, placements: ReturnSchema) -> None:
    """Letters are the columns' positions in the sheet, whatever their order."""
    read = read_return(messy.xlsx(messy.layout(typed=True)), placements)
    letters = {match.field: match.letter for match in read.mapping.matches}
    assert letters["date_of_birth"] == "D"
    assert letters["unit_cost"] == "K"
    assert [(d.letter, d.header) for d in read.mapping.dropped] == [("C", "Team")]


def test_typed_cells_become_export_text(messy: Any, placements: ReturnSchema) -> None:
    """Dates read as Excel/pandas write them, whole numbers without a decimal point."""
    layout = messy.layout(typed=True)
    read = read_return(messy.xlsx(layout), placements)
    first = layout.data_rows[0]
    born = layout.cell(first, "date_of_birth")
    assert read.frame.at[first, "date_of_birth"] == f"{born.isoformat()} 00:00:00"
    assert read.frame.at[first, "nhs_number"] == str(layout.cell(first, "nhs_number"))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  kept  ", "  kept  "),
        (True, "TRUE"),
        (45382, "45382"),
        (1234567890.0, "1234567890"),
        (12.5, "12.5"),
        (dt.datetime(2024, 3, 31), "2024-03-31 00:00:00"),
        (dt.date(2024, 3, 31), "2024-03-31"),
        (dt.time(9, 30), "09:30:00"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    """Each kind of cell value has one text form."""
    assert cell_text(value) == text


def test_sheet_with_the_header_is_chosen(messy: Any, placements: ReturnSchema) -> None:
    """A cover sheet before the data does not hide it: the sheet with the header is read."""
    path = messy.xlsx(messy.layout(typed=True))
    workbook = openpyxl.load_workbook(path)
    cover = workbook.create_sheet("Cover", 0)
    cover["A1"] = "Read me first"
    workbook.save(path)
    read = read_return(path, placements)
    assert read.sheet == "Placements"
    assert any('read sheet "Placements"' in note for note in read.notes)


def test_wrong_dimension_tag_does_not_cut_rows(
    messy: Any, placements: ReturnSchema, tmp_path: Path
) -> None:
    """A workbook claiming a smaller size than it holds (as some exporters write) is read whole."""
    layout = messy.layout(typed=True)
    source = messy.xlsx(layout)
    target = tmp_path / "dimension.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb'<dimension ref="[A-Z0-9:]+" ?/>', b'<dimension ref="A1:B2"/>', data
                )
                assert count == 1
            new.writestr(item, data)
    read = read_return(target, placements)
    assert list(read.frame.index) == layout.data_rows


def test_csv_named_and_workbook_named_read_the_same(messy: Any, placements: ReturnSchema) -> None:
    """A workbook renamed .csv is read as a workbook, the bytes deciding."""
    path = messy.xlsx(messy.layout(typed=True), name="export.csv")
    read = read_return(path, placements)
    assert read.kind is FileKind.XLSX
    assert any("named .csv but is XLSX" in note for note in read.notes)
