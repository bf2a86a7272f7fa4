"""People in the synthetic region look real and are consistent: NHS numbers, ages, homes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from anonymiser.synth.identifiers import is_valid_nhs_number, nhs_check_digits, nhs_numbers
from schemas.codes import CHILD_CARE_TYPES
from schemas.geography import AUTHORITIES, outward_codes_of

PERIOD_END = date(2026, 6, 30)
Records = dict[str, list[dict[str, str]]]


def _reference_check_digit(body: str) -> int:
    total = sum(int(digit) * weight for digit, weight in zip(body, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else check


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@given(st.integers(min_value=0, max_value=999_999_999))
def test_check_digits_match_the_nhs_mod_11_rule(body: int) -> None:
    """The vectorised check digit agrees with the textbook mod-11 calculation for every body."""
    computed = int(nhs_check_digits(np.array([body], dtype=np.int64))[0])
    assert computed == _reference_check_digit(f"{body:09d}")


def test_generated_nhs_numbers_are_valid_and_in_the_test_range() -> None:
    """Every generated NHS number starts 999 and carries a correct check digit."""
    numbers = nhs_numbers(2026, 0, np.arange(50_000))
    assert all(n.startswith("999") and is_valid_nhs_number(str(n)) for n in numbers)
    assert len(set(numbers.tolist())) == len(numbers)


def test_nhs_numbers_in_exports_are_valid(clean_placements: Records) -> None:
    """NHS numbers in every authority's placements are valid test-range numbers (or blank)."""
    numbers = [r["nhs_number"] for rows in clean_placements.values() for r in rows]
    present = [n for n in numbers if n]
    assert len(present) > 0.9 * len(numbers)
    assert all(n.startswith("999") and is_valid_nhs_number(n) for n in present)


def test_dates_of_birth_fit_the_client_type(clean_placements: Records) -> None:
    """Children are 0-17 at the period end, adults 18-100, and care homes skew old."""
    residential_ages = []
    for rows in clean_placements.values():
        for row in rows:
            age = _age(date.fromisoformat(row["date_of_birth"]), PERIOD_END)
            child = row["care_type"] in CHILD_CARE_TYPES
            assert row["client_type"] == ("child" if child else "adult")
            assert (0 <= age <= 17) if child else (18 <= age <= 100)
            if row["care_type"] in ("residential", "nursing"):
                residential_ages.append(age)
    assert np.median(residential_ages) >= 75


def test_placements_start_after_birth_and_end_after_start(clean_placements: Records) -> None:
    """No placement starts before the person was born or ends before it starts."""
    for rows in clean_placements.values():
        for row in rows:
            start = date.fromisoformat(row["start_date"])
            assert start > date.fromisoformat(row["date_of_birth"])
            assert start <= PERIOD_END
            if row["end_date"]:
                assert date.fromisoformat(row["end_date"]) >= start


def test_postcodes_lie_inside_the_authority(clean_placements: Records) -> None:
    """Every postcode's outward code belongs to the authority, with an inward code 9AA."""
    for code, rows in clean_placements.items():
        inside = set(outward_codes_of(code))
        for row in rows:
            outward, inward = row["postcode"].split(" ")
            assert outward in inside
            assert inward[0].isdigit()
            assert inward[1:].isalpha()
            assert len(inward) == 3


def test_some_people_are_placed_by_two_authorities(clean_placements: Records) -> None:
    """The same NHS number and date of birth appear in two authorities' placements."""
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for code, rows in clean_placements.items():
        for row in rows:
            if row["nhs_number"]:
                seen[row["nhs_number"]].add((code, row["date_of_birth"]))
    shared = {nhs: places for nhs, places in seen.items() if len({c for c, _ in places}) > 1}
    assert len(shared) >= len(AUTHORITIES)
    for places in shared.values():
        assert len({born for _, born in places}) == 1


def test_local_person_ids_follow_each_authoritys_style(clean_placements: Records) -> None:
    """Local ids differ in style between authorities and one person keeps one id."""
    prefixes = {
        code: {r["local_person_id"].rstrip("0123456789") for r in rows}
        for code, rows in clean_placements.items()
    }
    assert prefixes["E06000015"] == {"D"}
    assert prefixes["E06000017"] == {"RCC"}
    for rows in clean_placements.values():
        people: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            if row["nhs_number"]:
                people[row["nhs_number"]].add(row["local_person_id"])
        assert all(len(ids) == 1 for ids in people.values())


def test_some_notes_carry_identifiers(clean_placements: Records) -> None:
    """A few free-text notes name an NHS number or a telephone number, as real notes do."""
    notes = [r["notes"] for rows in clean_placements.values() for r in rows]
    assert any("NHS no 999" in note for note in notes)
    assert any("07700 900" in note for note in notes)
    assert sum(1 for note in notes if note) > len(notes) / 2
