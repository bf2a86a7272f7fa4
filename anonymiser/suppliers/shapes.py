"""How a person's name is written in a supplier file: the shapes the classifier recognises.

Finance systems write people's names in many ways: "Andrea Garvey", "GARVEY
ANDREA", "Andrea GARVEY", "J K Patel", "JK Patel", "Patel J.K.", "Falko van
der Dussen", "Erich Koch II". :func:`prepared` evens out the spelling and the
capitals; the patterns here say which of the results have a person's shape, and
:func:`name_words` gives the words of a name to look up in the name lists.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from anonymiser.suppliers.names import (
    PLAIN_LETTERS,
    common_words,
    first_names,
    given_names,
    plain_name,
)

#: One name: "Smith", "McDonald", "O'Neil", "Ofori-Afriye", "ObaniJesu" (a capital inside,
#: as Yoruba names are often written), "Klaus-D." (a hyphenated given name cut short).
NAME = r"(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[-'][A-Z]?[a-z]+)*(?:-[A-Z]\.)?"
#: Lower-case particles of Dutch, German, Portuguese, Italian and Arabic surnames ("van der",
#: "da", "dos", "bin"); in capitals too, since a shouting name is title-cased ("Van Der").
PARTICLES = (
    "van von der den de del della dei di da das dos do du la le ter ten 't bin binti ibn al el"
)
_PARTICLE = "(?i:" + "|".join(re.escape(word) for word in PARTICLES.split()) + r")\s+"
#: Generations after a name: "Erich Koch II", "John Smith Jr".
SUFFIXES = "jr jnr sr snr ii iii iv"
_SUFFIX = r"\s+(?i:" + "|".join(SUFFIXES.split()) + r")\.?"
#: Initials, spaced or with stops, and a surname: "F E Bright", "J. K. Patel", "D. Le Goff".
INITIALS = rf"(?:[A-Z](?:\.\s*|\s+)){{1,3}}(?:{_PARTICLE})*{NAME}"
#: Initials run together before a surname ("JK Patel", "JKS Patel", "J.K. Patel") or any
#: initials after it ("Patel JK", "Patel J K", "Patel J.K.").
RUN_INITIALS = (
    rf"(?:[A-Z]{{2,3}}\s+|(?:[A-Z]\.\s?){{2,3}})(?:{_PARTICLE})*{NAME}"
    rf"|(?:{_PARTICLE})*{NAME}\s+(?:[A-Z]{{1,3}}|(?:[A-Z]\.\s?){{1,3}}|[A-Z](?:\s[A-Z]){{1,2}})"
)
#: Two or three names, with a middle initial, particles and a generation allowed.
PERSON = (
    rf"(?:{_PARTICLE})*{NAME}(?:\s+(?:[A-Z]\.?\s+)?(?:{_PARTICLE})*{NAME}){{1,2}}(?:{_SUFFIX})?"
)
#: A word in capitals that is no run of initials: four letters or more, or three with a vowel.
_LOUD_WORD = re.compile(r"\b(?:[A-Z]{4,}|(?=[A-Z]*[AEIOUY])[A-Z]{3})\b")
_TRADING_AS = r"(?i)\s+(?:t/as?|trading\s+as)\s+"
_NOT_A_NAME_WORD = frozenset(PARTICLES.split()) | frozenset(SUFFIXES.split())


def prepared(names: pd.Series) -> pd.Series:
    """Names with accents and spacing evened out, a trading name cut off, capitals calmed."""
    text = names.str.translate(PLAIN_LETTERS).str.normalize("NFKD")
    text = text.str.replace(r"[\u0300-\u036f]", "", regex=True)
    text = text.str.replace("’", "'").str.replace(r"\s+", " ", regex=True).str.strip()
    text = text.str.split(_TRADING_AS, n=1, regex=True).str[0].fillna("")
    shouting = text.str.isupper() & text.str.contains(r"[A-Z]{2}[a-zA-Z]* [A-Z]", regex=True)
    text = text.where(~shouting, text.str.title())
    # "Andrea GARVEY", "SMITH John": a surname in capitals beside a given name in mixed
    # case. Beside anything else capitals stay: an acronym ("ISS Eaton", "KPMG Advisory");
    # so do two capitals, and three without a vowel, read as initials ("KB Hall", "JKS").
    loud = text.str.contains(r"\b[A-Z]{3,}\b", regex=True)
    return text.where(~loud, text[loud].map(_calmed))


def _calmed(name: str) -> str:
    """Words in capitals ("LEE", "GARVEY") title-cased, when another word is a given name."""
    given = distinct_given_names()
    quiet = re.findall(r"\b[A-Z][a-z]+\b", name)
    if not any(plain_name(word) in given for word in quiet):
        return name
    return _LOUD_WORD.sub(lambda match: match.group(0).title(), name)


@functools.cache
def distinct_given_names() -> frozenset[str]:
    """Given names that mark a person: any country's, unless a common word; England's all."""
    return (given_names() - common_words()) | first_names()


def name_words(name: str) -> list[str]:
    """The words of a name that may be a given name or a surname, plain and lower case:
    "Falko van der Dussen" -> ["falko", "dussen"]; initials and "Jr" are left out."""
    words = re.split(r"[\s-]+", plain_name(name).replace("'", ""))
    words = [re.sub("[^a-z]", "", word) for word in words]
    return [word for word in words if len(word) > 1 and word not in _NOT_A_NAME_WORD]
