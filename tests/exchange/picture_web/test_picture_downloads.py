"""Downloads of published tables: formula neutralisation, marks, and the certificate."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

import pytest
from openpyxl import load_workbook

from exchange.disclosure.tables import PRIMARY, SAMPLE, SECONDARY, Column, PublishedTable
from exchange.picture import downloads

CERTIFICATE = {"id": "ab" * 32, "period": "2026-Q2", "rules": {"count_threshold": 7}}
RISKY = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def _text(certificate: Mapping[str, Any]) -> str:
    return f"Disclosure certificate {certificate['id']}\n- rule: counts 1 to 7 withheld\n"


def supplier_table() -> PublishedTable:
    rows: list[dict[str, Any]] = [
        {"supplier": name, "placements": 10 + i, "spend": -1250.5, "median": 900.0}
        for i, name in enumerate(RISKY)
    ]
    rows.append({"supplier": "Safe Care Ltd", "placements": 3, "spend": 0, "median": None})
    return PublishedTable(
        name="supplier_picture",
        title="Suppliers",
        columns=(
            Column("supplier", "Supplier", "text"),
            Column("placements", "Placements", "count"),
            Column("spend", "Spend (£)", "money"),
            Column("median", "Median weekly cost (£)", "money"),
        ),
        rows=rows,
        withheld={(6, "placements"): PRIMARY, (6, "median"): SAMPLE},
        key=("supplier",),
    )


def all_withheld() -> PublishedTable:
    return PublishedTable(
        name="placements_by_route",
        title="Placements by route",
        columns=(Column("route", "Route", "dimension"), Column("count", "Count", "count")),
        rows=[{"route": "spot", "count": 3}, {"route": "block", "count": 4}],
        withheld={(0, "count"): PRIMARY, (1, "count"): SECONDARY},
        key=("route",),
    )


def render(table: PublishedTable, fmt: str) -> downloads.Download:
    return downloads.render(table, CERTIFICATE, period="2026-Q2", fmt=fmt, certificate_text=_text)


def test_csv_neutralises_formula_text_and_keeps_negative_numbers() -> None:
    """Risky text gets an apostrophe; -1250.5 stays a bare number; withheld cells show marks."""
    body = render(supplier_table(), "csv").body.decode("utf-8")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["supplier", "placements", "spend", "median"]
    assert [row[0] for row in rows[1:7]] == ["'" + text for text in RISKY]
    assert all(row[2] == "-1250.5" for row in rows[1:7])
    assert rows[7] == ["Safe Care Ltd", "[c]", "0", "[x]"]


def test_csv_carries_the_certificate_in_headers() -> None:
    """The CSV names its certificate and links to where it can be fetched."""
    download = render(supplier_table(), "csv")
    assert download.mimetype == "text/csv"
    assert download.filename == "supplier_picture-2026-Q2.csv"
    assert download.headers["Disclosure-Certificate"] == CERTIFICATE["id"]
    assert f"/api/v1/picture/certificates/{CERTIFICATE['id']}" in download.headers["Link"]


def test_xlsx_writes_risky_text_as_quoted_strings_and_numbers_as_numbers() -> None:
    """No cell is a formula; risky text has quotePrefix; negative spend is numeric."""
    book = load_workbook(io.BytesIO(render(supplier_table(), "xlsx").body))
    assert book.sheetnames == ["table", "Disclosure certificate"]
    sheet = book["table"]
    assert [c.value for c in sheet[1]] == [
        "Supplier",
        "Placements",
        "Spend (£)",
        "Median weekly cost (£)",
    ]
    for row_index, text in enumerate(RISKY, start=2):
        cell = sheet.cell(row=row_index, column=1)
        assert cell.value == text.replace("\r", "\n")  # XML reads a CR back as LF
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
        spend = sheet.cell(row=row_index, column=3)
        assert spend.data_type == "n"
        assert spend.value == -1250.5
    assert [c.value for c in sheet[8]] == ["Safe Care Ltd", "[c]", 0, "[x]"]
    assert sheet.cell(row=8, column=1).quotePrefix is False
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_has_the_certificate_sheet_neutralised() -> None:
    """The certificate sheet holds its text; a line starting with '-' is not a formula."""
    book = load_workbook(io.BytesIO(render(supplier_table(), "xlsx").body))
    lines = [row[0].value for row in book["Disclosure certificate"].iter_rows()]
    assert lines[0] == f"Disclosure certificate {CERTIFICATE['id']}"
    rule = book["Disclosure certificate"].cell(row=2, column=1)
    assert rule.value == "- rule: counts 1 to 7 withheld"
    assert rule.data_type == "s"
    assert rule.quotePrefix is True


def test_json_embeds_table_and_certificate() -> None:
    """JSON has the table document (withheld cells null, listed with reasons) and certificate."""
    document = json.loads(render(supplier_table(), "json").body)
    assert document["certificate"] == CERTIFICATE
    assert document["period"] == "2026-Q2"
    table = PublishedTable.from_document(document["table"])
    assert table.withheld == {(6, "placements"): PRIMARY, (6, "median"): SAMPLE}
    assert document["table"]["rows"][6]["placements"] is None
    assert document["table"]["rows"][0]["spend"] == -1250.5


def test_a_table_with_every_cell_withheld_still_downloads_with_marks() -> None:
    """All counts suppressed: each format still gives the rows, marks and certificate."""
    table = all_withheld()
    rows = list(csv.reader(io.StringIO(render(table, "csv").body.decode())))
    assert rows == [["route", "count"], ["spot", "[c]"], ["block", "[c]"]]
    book = load_workbook(io.BytesIO(render(table, "xlsx").body))
    assert [c.value for c in book["table"]["B"]] == ["Count", "[c]", "[c]"]
    document = json.loads(render(table, "json").body)
    assert [w["mark"] for w in document["table"]["withheld"]] == ["[c]", "[c]"]
    assert document["certificate"]["id"] == CERTIFICATE["id"]


def test_zip_bundles_csv_with_the_certificate() -> None:
    """format=zip holds the CSV, certificate.json and certificate.txt."""
    download = render(supplier_table(), "zip")
    with zipfile.ZipFile(io.BytesIO(download.body)) as bundle:
        assert sorted(bundle.namelist()) == [
            "certificate.json",
            "certificate.txt",
            "supplier_picture-2026-Q2.csv",
        ]
        assert json.loads(bundle.read("certificate.json")) == CERTIFICATE
        assert bundle.read("certificate.txt").decode().startswith("Disclosure certificate")
        assert bundle.read("supplier_picture-2026-Q2.csv") == downloads.to_csv(supplier_table())


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1", "'=1"), ("-", "'-"), ("a=b", "a=b"), (-3, -3), (2.5, 2.5), ("", "")],
)
def test_neutralise_touches_only_risky_text(value: Any, expected: Any) -> None:
    """Only text starting with a formula character changes; numbers never do."""
    assert downloads.neutralise(value) == expected


def test_unknown_format_is_refused() -> None:
    """render() refuses a format it does not know rather than guessing."""
    with pytest.raises(ValueError, match="unknown format"):
        render(supplier_table(), "pdf")
