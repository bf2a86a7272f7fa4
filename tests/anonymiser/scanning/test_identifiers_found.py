"""Identifiers written as people write them are found in realistic sentences, and masked."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

ScanTexts = Callable[..., pd.DataFrame]

FOUND = [
    ("Client NHS no 943 476 5919 moved", "nhs_number", "943•••••19"),
    ("NHS: 9434765919", "nhs_number", "943•••••19"),
    ("NHS 943\u00a0476\u00a05919", "nhs_number", "943•••••19"),
    ("NHS 943\u2013476\u20135919 (en dashes)", "nhs_number", "943•••••19"),
    ("nhs 943-476-5919 (checked)", "nhs_number", "943•••••19"),
    ("test patient 999 000 0018 in comment", "nhs_number", "999•••••18"),
    ("Excel mangled it to 9434765919.0", "nhs_number", "943•••••19"),
    ("NI number AB 12 34 56 C on file", "ni_number", "AB••••••C"),
    ("ni: ce123456d", "ni_number", "CE••••••D"),
    ("NI AB\u00a012\u00a034\u00a056\u00a0C", "ni_number", "AB••••••C"),
    ("Moved to DE22 3NE last week", "postcode", "DE22 •••"),
    ("Moved to DE22\u00a03NE", "postcode", "DE22 •••"),
    ("new address ng75aa", "postcode", "NG7 •••"),
    ("lives at sw1a  1aa now", "postcode", "SW1A •••"),
    ("Postcode NG7 2ND (the university)", "postcode", "NG7 •••"),
    ("email jo.bloggs@example.org", "email", "j•••@•••.org"),
    ("contact: <Mary.O'Neil+care@mail.example.co.uk>", "email", "M•••@•••.uk"),
    ("call 07700 900123", "phone", "07•••••••23"),
    ("call 07700\u00a0900123", "phone", "07•••••••23"),
    ("mobile 07700900123.", "phone", "07•••••••23"),
    ("tel (0115) 496 0123 after 5", "phone", "01•••••••23"),
    ("ring +44 (0)115 496 0123", "phone", "01•••••••23"),
    ("ring +447700 900123 or", "phone", "07•••••••23"),
    ("0044 20 7946 0123 is the daughter", "phone", "02•••••••23"),
    ("landline 01332-123456", "phone", "01•••••••56"),
    ("DOB 03/04/1951", "date_of_birth", "••/••/••••"),
    ("born 3\u00a0April\u00a01951 (no-break spaces)", "date_of_birth", "•\u00a0•••••\u00a0••••"),
    ("born 3-4-1951 in Derby", "date_of_birth", "•-•-••••"),
    ("born 3.4.1951", "date_of_birth", "•.•.••••"),
    ("dob 1951-04-03", "date_of_birth", "••••-••-••"),
    ("born 3 April 1951", "date_of_birth", "• ••••• ••••"),
    ("born on 3rd Apr, 1951", "date_of_birth", "••• •••, ••••"),
    ("reviewed 31-Mar-2024", "date_of_birth", "••-•••-••••"),
]


@pytest.mark.parametrize(("text", "kind", "masked"), FOUND)
def test_identifier_found_and_masked(
    scan_texts: ScanTexts, text: str, kind: str, masked: str
) -> None:
    """Each identifier is found once, with its kind and a masked rendering."""
    hits = scan_texts([text])
    assert hits[["row", "column", "kind", "masked"]].values.tolist() == [[2, "notes", kind, masked]]


def test_every_identifier_in_one_cell(scan_texts: ScanTexts) -> None:
    """A note holding several identifiers reports each, in the order they are written."""
    note = "Jo (NHS 943 476 5919, DOB 03/04/1951) at DE22 3NE, call 07700 900123 or jo@example.org"
    hits = scan_texts([note])
    kinds = ["nhs_number", "date_of_birth", "postcode", "phone", "email"]
    assert hits["kind"].tolist() == kinds


def test_message_says_what_and_what_to_do(scan_texts: ScanTexts) -> None:
    """The message names the kind and the column and says to remove it, without the value."""
    hits = scan_texts(["Client NHS no 943 476 5919 moved"])
    message = str(hits.loc[0, "message"])
    assert "NHS number" in message
    assert "'notes'" in message
    assert "remove it" in message
    assert "5919" not in message


@pytest.mark.parametrize(
    "text",
    ["9434765918", "943 476 5918", "ref 0770090012345", "born 31/02/1951", "dob 1951-13-03"],
)
def test_near_misses_are_not_identifiers(scan_texts: ScanTexts, text: str) -> None:
    """A wrong check digit, an over-long number or an impossible date is not a hit."""
    assert scan_texts([text]).empty


def test_phone_digits_that_pass_the_nhs_check_are_one_phone_hit(scan_texts: ScanTexts) -> None:
    """The ten digits after +44 (0) that happen to pass the NHS check are still just a phone."""
    hits = scan_texts(["call +44(0)131 4960989", "+44 (0)1314960989, NHS 943 476 5919"])
    assert hits[["row", "kind"]].values.tolist() == [[2, "phone"], [3, "phone"], [3, "nhs_number"]]
