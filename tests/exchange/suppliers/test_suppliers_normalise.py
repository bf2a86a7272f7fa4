"""Name keys, identifiers and fuzzy candidates (pure functions, no database)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.suppliers.matching import similar_names, words_correspond
from exchange.suppliers.normalise import identifier, is_distinctive, is_stated, name_key
from schemas import REDACTION_MARKER


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Alphatrack Systems Ltd", "alphatrack systems"),
        ("ALPHATRACK SYSTEMS LIMITED.", "alphatrack systems"),
        ("The Alphatrack Systems (UK) Ltd", "alphatrack systems"),
        ("Alphatrack Systems Community Interest Company", "alphatrack systems"),
        ("Smith & Co", "smith"),
        ("Smith and Sons Ltd", "smith and sons"),
        ("St. John's Care Trust", "st johns care trust"),
        ("Café Ésprit L.T.D.", "cafe esprit"),
        ("Care UK Community Partnerships Ltd", "care uk community partnerships"),
        ("Mencap Trust (The)", "mencap trust"),
        ("Royal Mencap Society", "royal mencap society"),
        ("The Company", "company"),
        ("Ltd", "ltd"),
    ],
)
def test_name_keys(name: str, key: str) -> None:
    """Legal forms go only from the end (and a leading "The"); the name never empties."""
    assert name_key(name) == key


@given(st.text(alphabet="abcdefghij XYZ&.,'-", min_size=1, max_size=30))
@settings(max_examples=30)
def test_name_key_is_stable_and_ignores_case_and_legal_form(name: str) -> None:
    """Applying the key twice changes nothing; case and a trailing "Limited" do not matter."""
    key = name_key(name)
    assert name_key(key) == key
    assert name_key(name.upper()) == key
    if any(ch.isalpha() for ch in name):
        assert name_key(f"{name} Limited") == name_key(f"{name} ltd")


@pytest.mark.parametrize(
    ("value", "stated"),
    [("Acme", True), ("", False), ("  ", False), (None, False), (math.nan, False),
     (REDACTION_MARKER, False)],
)  # fmt: skip
def test_stated_names(value: object, stated: bool) -> None:
    """Empty, missing and redacted names are not suppliers."""
    assert is_stated(value) is stated


def test_identifiers_are_tidied() -> None:
    """Case and spaces go; a bare Companies House number gets its org-id prefix."""
    assert identifier(" 1-1234 5678 ", "cqc") == "1-12345678"
    assert identifier("01234567", "org") == "GB-COH-01234567"
    assert identifier("sc123456", "org") == "GB-COH-SC123456"
    assert identifier("GB-CHC-123456", "org") == "GB-CHC-123456"
    assert identifier("", "ofsted") is None


def test_generic_names_are_not_distinctive() -> None:
    """A name made of common care words cannot tell providers apart."""
    assert not is_distinctive("home care services")
    assert is_distinctive("mencap")


@pytest.mark.parametrize(
    ("new", "known", "proposed"),
    [
        ("mencap", "royal mencap society", True),
        ("alphatrak systems", "alphatrack systems", True),
        ("systems alphatrack", "alphatrack systems", True),
        ("care", "smith care", False),
        ("smith", "smith jones and brown", False),
        ("dawson woodward", "woodward mason", False),
        ("sunrise senior living", "sunset senior living", False),
    ],
)
def test_candidates(new: str, known: str, proposed: bool) -> None:
    """Subset names, misspellings and reordering are proposed; other words are not."""
    found = similar_names([new], [known], score=88)
    assert bool(found) is proposed
    if proposed:
        assert found[0].known == known
        assert found[0].score >= 88


def test_words_correspond_allows_common_word_differences() -> None:
    """Names may differ in common words and by misspelling, never by a word of their own."""
    assert words_correspond("ashdown nursing partnership", "ashdown nursing partnerships", score=88)
    assert not words_correspond("smith", "smith jones", score=88)


def test_a_name_is_never_its_own_candidate() -> None:
    """Known names may include the new ones; a name does not match itself."""
    assert similar_names(["mencap"], ["mencap"], score=50) == []
