"""The scan's contract: hits point at the frame's own row labels and columns, in a fixed shape."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from anonymiser.scanning import HIT_COLUMNS, KINDS, ScanError, scan


def test_rows_are_the_frame_index_labels() -> None:
    """Hits carry the index label the reader set (the Excel row number), not a position."""
    frame = pd.DataFrame(
        {"provider_name": ["Acorn Care Ltd", "call 07700 900123", "Oak Lodge", "jo@example.org"]},
        index=[5, 9, 13, 2001],
    )
    hits = scan(frame, columns=["provider_name"])
    assert hits["row"].tolist() == [9, 2001]
    assert hits["column"].tolist() == ["provider_name", "provider_name"]


def test_row_labels_of_any_type_are_kept() -> None:
    """String labels come back as given."""
    frame = pd.DataFrame({"note": ["DOB 03/04/1951", "fine"]}, index=["A7", "A8"])
    assert scan(frame, columns=["note"])["row"].tolist() == ["A7"]


def test_shape_of_the_hits() -> None:
    """The hits frame has the agreed columns, also when nothing is found."""
    frame = pd.DataFrame({"note": ["nothing here"]})
    assert tuple(scan(frame, columns=["note"]).columns) == HIT_COLUMNS
    assert KINDS == (
        "nhs_number", "ni_number", "postcode", "email", "phone", "date_of_birth", "name",
    )  # fmt: skip


def test_hits_ordered_by_row_then_column() -> None:
    """Hits come in the frame's row order, and within a row in the order columns were given."""
    frame = pd.DataFrame(
        {"a": ["x", "jo@example.org", "DE22 3NE"], "b": ["DE22 3NE", "DE22 3NE", "y"]},
        index=[30, 10, 20],
    )
    hits = scan(frame, columns=["b", "a"])
    assert hits[["row", "column"]].values.tolist() == [[30, "b"], [10, "b"], [10, "a"], [20, "a"]]


def test_only_the_named_columns_are_scanned() -> None:
    """A column not asked for is not scanned (the reader's own name columns, say)."""
    frame = pd.DataFrame({"postcode": ["DE22 3NE"], "service_area": ["Adult Social Care"]})
    assert scan(frame, columns=["service_area"]).empty


def test_a_missing_column_is_an_error() -> None:
    """Asking to scan a column the return does not have raises ScanError naming it."""
    frame = pd.DataFrame({"body": ["Derby City Council"]})
    with pytest.raises(ScanError, match="notes"):
        scan(frame, columns=["body", "notes"])


def test_empty_missing_and_non_text_cells() -> None:
    """Empty frames, missing cells and numbers read as numbers are scanned without error."""
    assert scan(pd.DataFrame({"note": pd.Series([], dtype=object)}), columns=["note"]).empty
    frame = pd.DataFrame({"note": [None, np.nan, 9434765919, 12.5, "", pd.NA]})
    hits = scan(frame, columns=["note"])
    assert hits[["row", "kind"]].values.tolist() == [[2, "nhs_number"]]


def test_every_row_holding_a_repeated_value_is_reported(fake: Faker) -> None:
    """A value repeated down a column (scanned once) is reported on every row holding it."""
    providers = [fake.company() for _ in range(20)]
    column = [providers[i % 20] for i in range(5_000)]
    for row in (17, 2_345, 4_999):
        column[row] = "Care at home, contact 0115 496 0123"
    hits = scan(pd.DataFrame({"provider_name": column}), columns=["provider_name"])
    assert hits["row"].tolist() == [17, 2_345, 4_999]


def test_mostly_distinct_columns_are_scanned_cell_by_cell(fake: Faker) -> None:
    """A column of distinct values (transaction numbers) finds the same hits as a repeated one."""
    column = [f"INV-2024-{i:06d}" for i in range(20_000)]
    column[19_999] = "INV-2024-019999 NI AB123456C"
    hits = scan(pd.DataFrame({"transaction_number": column}), columns=["transaction_number"])
    assert hits[["row", "kind", "masked"]].values.tolist() == [[19_999, "ni_number", "AB••••••C"]]


def test_no_identifier_in_messages_or_masks(fake: Faker) -> None:
    """Neither the masked value nor the message holds the identifier found."""
    values = ["9434765919", "AB123456C", "jo.bloggs@example.org", "07700900123", "03/04/1951"]
    frame = pd.DataFrame({"note": [f"{fake.sentence()} {value}" for value in values]})
    hits = scan(frame, columns=["note"])
    assert len(hits) == len(values)
    for value, masked, message in zip(values, hits["masked"], hits["message"], strict=True):
        assert value not in masked
        assert value not in message


def test_cells_differing_after_a_nul_character_are_kept_apart() -> None:
    """Two cells equal up to a NUL character are scanned as the different cells they are."""
    frame = pd.DataFrame({"note": ["\x00 fine", "\x00 DE22 3NE"] * 3})
    assert scan(frame, columns=["note"])["row"].tolist() == [1, 3, 5]
