"""Rules that hold for every input: valid identifiers are always found and never shown whole.

Each example is a batch of cells, each holding one identifier written in one of the
allowed ways inside random text; the scan must find every one, masked as stated.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pandas as pd
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymiser.scanning import scan
from schemas.fieldtypes import nhs_check_digit

#: Text around an identifier: anything a cell can hold (no lone surrogates, which no file has).
AROUND = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
#: What separates the identifier from the text around it.
GAP = st.sampled_from([" ", "\n", ": ", " (", "#", "\t", ", "])
NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
POSTCODE_INWARD = "ABDEFGHJLNPQRSTUWXYZ"


class Planted(NamedTuple):
    """A cell's text, the masked rendering the scan must give, and what it must never show."""

    text: str
    masked: str
    secret: str


def assert_all_found(cells: list[Planted], kind: str) -> None:
    """Every planted identifier is found with its mask; no mask shows a secret."""
    hits = scan(pd.DataFrame({"notes": [cell.text for cell in cells]}), columns=["notes"])
    hits = hits[hits["kind"] == kind]
    for row, cell in enumerate(cells):
        masks = hits.loc[hits["row"] == row, "masked"].tolist()
        assert cell.masked in masks, cell.text
    for mask in hits["masked"]:
        assert all(cell.secret not in mask for cell in cells)


@st.composite
def in_text(draw: st.DrawFn, written: str) -> str:
    """``written`` inside random text."""
    return draw(AROUND) + draw(GAP) + written + draw(GAP) + draw(AROUND)


@st.composite
def nhs_numbers(draw: st.DrawFn) -> Planted:
    """A valid NHS number (the 999 test range included), grouped 3-3-4 or not."""
    stem = draw(
        st.integers(0, 999_999_999).filter(lambda s: nhs_check_digit(f"{s:09d}") is not None)
    )
    number = f"{stem:09d}{nhs_check_digit(f'{stem:09d}')}"
    sep = draw(st.sampled_from(["", " ", "-", "\u00a0", "\u2013"]))
    written = sep.join([number[:3], number[3:6], number[6:]])
    return Planted(draw(in_text(written)), number[:3] + "•••••" + number[-2:], number)


@given(st.lists(nhs_numbers(), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_any_valid_nhs_number_is_found(cells: list[Planted]) -> None:
    """However it is written and whatever surrounds it, a valid NHS number is found, masked."""
    assert_all_found(cells, "nhs_number")


@st.composite
def ni_numbers(draw: st.DrawFn) -> Planted:
    """An allocatable NI number, spaced in pairs or not."""
    prefix = draw(st.sampled_from(NI_FIRST)) + draw(st.sampled_from(NI_SECOND))
    prefix = "AB" if prefix in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"} else prefix
    digits = f"{draw(st.integers(0, 999_999)):06d}"
    suffix = draw(st.sampled_from("ABCD"))
    spaced = f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    written = draw(st.sampled_from([spaced, prefix + digits + suffix]))
    return Planted(draw(in_text(written)), prefix + "••••••" + suffix, digits)


@given(st.lists(ni_numbers(), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_any_ni_number_is_found(cells: list[Planted]) -> None:
    """Every allocatable NI number, spaced or not, is found and its digits never shown."""
    assert_all_found(cells, "ni_number")


@st.composite
def postcodes(draw: st.DrawFn) -> Planted:
    """A full postcode in any spacing and case (ordinal-looking inward codes in capitals)."""
    fake = Faker("en_GB")
    fake.seed_instance(draw(st.integers(0, 100_000)))
    outward = fake.postcode().split()[0]
    inward = fake.numerify("#") + fake.lexify("??", letters=POSTCODE_INWARD)
    written = outward + draw(st.sampled_from(["", " ", "  "])) + inward
    if draw(st.booleans()) and inward[1:] not in {"ST", "ND", "RD", "TH"}:
        written = written.lower()
    return Planted(draw(in_text(written)), outward + " •••", outward + " " + inward)


@given(st.lists(postcodes(), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_any_full_postcode_is_found(cells: list[Planted]) -> None:
    """A full postcode is found, showing only its outward code."""
    assert_all_found(cells, "postcode")


@st.composite
def phone_numbers(draw: st.DrawFn) -> Planted:
    """Faker's UK phone numbers in every shape it writes them, but not 08/09 businesses."""
    fake = Faker("en_GB")
    fake.seed_instance(draw(st.integers(0, 100_000)))
    number = fake.phone_number()
    national = "0" + "".join(filter(str.isdigit, number)).removeprefix("44").lstrip("0")
    # Faker's 028/029 shapes have 10 digits, which no UK number has.
    if national.startswith(("08", "09")) or len(national) != 11:
        number, national = "07700 900123", "07700900123"
    return Planted(draw(in_text(number)), national[:2] + "•••••••" + national[-2:], national)


@given(st.lists(phone_numbers(), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_any_uk_personal_phone_number_is_found(cells: list[Planted]) -> None:
    """A UK landline or mobile number is found, showing two digits at each end."""
    assert_all_found(cells, "phone")


@st.composite
def dates(draw: st.DrawFn) -> Planted:
    """A date in any accepted shape."""
    date = draw(st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)))
    shapes = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
    written = date.strftime(draw(st.sampled_from(shapes)))
    masked = "".join("•" if char.isalnum() else char for char in written)
    return Planted(draw(in_text(written)), masked, str(date.year))


@given(st.lists(dates(), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_any_date_is_found_and_fully_masked(cells: list[Planted]) -> None:
    """A date is found, and its masked form shows only its shape (no digit, no month)."""
    assert_all_found(cells, "date_of_birth")


class Person(NamedTuple):
    """A person in the file's name columns, and a cell that mentions them."""

    given: str
    family: str
    text: str
    masked: str


@st.composite
def people_in_text(draw: st.DrawFn) -> Person:
    """A Faker person named in a note, forwards, backwards or possessive."""
    fake = Faker("en_GB")
    fake.seed_instance(draw(st.integers(0, 100_000)))
    given, family = fake.first_name(), fake.last_name()
    forwards = (f"{given} {family}", f"{given[0]}••• {family[0]}•••")
    backwards = (f"{family.upper()}, {given}", f"{family[0]}••• {given[0]}•••")
    possessive = (f"{given} {family}'s", forwards[1])
    written, masked = draw(st.sampled_from([forwards, backwards, possessive]))
    before = draw(AROUND) + draw(st.sampled_from([" ", "\n", " (", "\t", ' "']))
    after = draw(st.sampled_from([" ", ", ", ". ", ") ", "\n"])) + draw(AROUND)
    return Person(given, family, before + written + after, masked)


@given(st.lists(people_in_text(), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_any_full_name_from_the_name_columns_is_found(people: list[Person]) -> None:
    """A person from the file's name columns named in a note is found, shown by initials only."""
    names = pd.DataFrame(
        {"given_name": [p.given for p in people], "family_name": [p.family for p in people]}
    )
    frame = pd.DataFrame({"notes": [p.text for p in people]})
    hits = scan(frame, columns=["notes"], names=names)
    for row, person in enumerate(people):
        masks = hits.loc[(hits["row"] == row) & (hits["kind"] == "name"), "masked"].tolist()
        assert person.masked in masks, person.text
    for mask in hits["masked"]:
        assert all(p.family not in mask and p.given not in mask for p in people)
