"""Supplier names and identifiers reduced to the keys the hub matches on.

Two names with the same *name key* are the same supplier without anyone's say-so, so
the key is conservative: it folds case, accents and punctuation, writes ``&`` as
``and``, and drops legal-form words (``Ltd``, ``Limited``, ``PLC``, ``CIC``, ``(UK)``…)
only where legal forms sit — at the end of the name — plus a leading ``The``. So
"Alphatrack Systems Ltd" and "ALPHATRACK SYSTEMS LIMITED" share a key, while "Royal
Mencap Society" and "Mencap" do not: that pair is left to fuzzy matching, which only
*proposes* it to the regional lead (:mod:`exchange.suppliers.resolve`).

Identifiers are tidied the same way (case, spaces); a bare Companies House number
("01234567", "SC123456") is written in its org-id form ``GB-COH-01234567`` so both
spellings meet.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Final

from schemas import REDACTION_MARKER

#: Words that end a legal name without naming anyone (stripped from the end, repeatedly).
LEGAL_FORMS: Final = frozenset(
    {
        "ltd", "limited", "plc", "llp", "lp", "llc", "inc", "incorporated", "cic", "cio",
        "co", "company", "corp", "group", "uk", "gb", "the", "and", "cyf", "cyfyngedig",
    }
)  # fmt: skip
#: Legal forms of more than one word, stripped from the end before the single words.
LEGAL_PHRASES: Final = (
    ("community", "interest", "company"),
    ("charitable", "incorporated", "organisation"),
    ("public", "limited", "company"),
    ("limited", "liability", "partnership"),
)
#: Words too common in care to tell two providers apart on their own.
GENERIC_WORDS: Final = frozenset(
    {
        "care", "carers", "caring", "home", "homes", "house", "lodge", "services", "service",
        "support", "supported", "living", "health", "healthcare", "nursing", "residential",
        "community", "social", "domiciliary", "homecare", "solutions", "trust", "society",
        "association", "partnership", "partners", "council", "county", "borough", "city",
        "children", "childrens", "adult", "adults", "family", "families", "foster",
        "fostering", "agency", "centre", "center", "school", "college", "hospital",
        "clinic", "independent", "specialist", "senior", "elderly", "day", "respite",
        "management", "systems", "holdings", "international", "national", "regional",
        "royal", "saint", "st", "new", "north", "south", "east", "west", "central",
        "education", "learning", "therapy", "therapies", "recovery", "wellbeing", "projects",
        "project", "enterprises", "ventures", "consultancy", "options", "choices", "homeshare",
        "of", "for", "in", "on", "at", "by", "with", "and", "the", "a",
    }
)  # fmt: skip
#: A token must be at least this long to make a name distinctive.
DISTINCTIVE_LENGTH: Final = 3

_DOTTED_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}")
_APOSTROPHE = re.compile(r"['\u2019\u2018`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_COMPANY_NUMBER = re.compile(r"(?:[A-Z]{2}\d{6}|\d{8})")


def is_stated(name: object) -> bool:
    """Whether ``name`` names a supplier (not empty, missing or redacted)."""
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return False
    if not isinstance(name, str):
        return False
    text = name.strip()
    return bool(text) and text != REDACTION_MARKER


def name_key(name: str) -> str:
    """The name's matching key: "The Alphatrack Systems (UK) Ltd." -> "alphatrack systems"."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _APOSTROPHE.sub("", text).replace("&", " and ").replace("+", " and ")
    tokens = _NOT_WORD.sub(" ", text).split()
    return " ".join(_strip_legal_forms(tokens))


def _strip_legal_forms(tokens: list[str]) -> list[str]:
    """Drop a leading "the" and legal-form words from the end, never emptying the name."""
    kept = list(tokens)
    while len(kept) > 1 and kept[0] == "the":
        kept.pop(0)
    changed = True
    while changed and len(kept) > 1:
        changed = False
        for phrase in LEGAL_PHRASES:
            if len(kept) > len(phrase) and tuple(kept[-len(phrase) :]) == phrase:
                del kept[-len(phrase) :]
                changed = True
        if len(kept) > 1 and kept[-1] in LEGAL_FORMS:
            kept.pop()
            changed = True
    return kept


def is_distinctive(key: str) -> bool:
    """Whether a name key has a word that could tell one provider from another.

    "care" or "home care services" is not; fuzzy matching skips such names (a name
    made only of common words would look like a part of half the region's providers).
    """
    return bool(distinctive_words(key))


def distinctive_words(key: str) -> frozenset[str]:
    """The words of a name key that are not common care words."""
    return frozenset(
        token
        for token in key.split()
        if len(token) >= DISTINCTIVE_LENGTH and token not in GENERIC_WORDS
    )


def identifier(value: object, scheme: str) -> str | None:
    """A tidied identifier of ``scheme`` (``cqc``, ``ofsted`` or ``org``), or ``None``."""
    if not is_stated(value):
        return None
    text = re.sub(r"\s+", "", str(value)).upper()
    if not text:
        return None
    if scheme == "org" and _COMPANY_NUMBER.fullmatch(text):
        return f"GB-COH-{text}"
    return text
