"""Tell a supplier who is a private individual from an organisation, by the name alone.

Councils pay carers, foster carers and sole traders under their own names
("Mr J K S Patel", "Veronique Kaboha"). Those names are personal data and are
redacted before a return leaves the authority. The rules, first match wins:

1. the authority's own lists (names it has confirmed either way);
2. blank: not an individual;
3. a legal form (Ltd, Limited, PLC, LLP, CIC, ...): an organisation;
4. a number ("229 Mitcham Lane"): an organisation;
5. a title (Mr, Mrs, Ms, Miss, Dr, Rev, ...): an individual, even with trade
   words after it ("Mrs A Jones Childminding" is still a person);
6. an organisation word (Trust, Society, Council, Church, School, Care, Homes,
   Services, House, Mencap, Executive, ...): an organisation; so is a long one
   misspelt by a letter ("Blake Morgan Solictors"), and a possessive ("Brown's");
7. initials and a surname ("F E Bright"), or initials run together or after the
   surname ("JK Patel", "Patel J.K.") beside someone's name: an individual;
8. two or three capitalised names, the first a known first name (Faker's en_GB
   first names: "Natalie Price", "Darren Hall", where a surname-like organisation
   word does not count), or the last one, surname first ("Price James"): an individual;
9. two or three capitalised names that carry a sign of an organisation, when
   none of their other words is anyone's name in any of Faker's locales: a
   place ("Croydon Playlink", "Mount Carmel"), an acronym ("Pinnacle PSG") or a
   common word in the plural ("Rainbow Smiles"): an organisation;
10. two or three capitalised names none of which is a common English word
   (Faker's word list: "Veronique Kaboha", but not "Age Concern"): an individual;
11. two or three capitalised names, one of the outer ones a given name in any of
   Faker's locales that is no common word ("Che Field", "Tejas More"), or each of
   them someone's name ("Per Hedstrom", but not "Baby Room"): an individual.

A name in capitals ("JOHN SMITH"), or a surname in capitals beside a given name
("Andrea GARVEY"), is read title-cased; particles ("van der", "da") and a
generation ("II", "Jr") are allowed around the names (:mod:`.shapes`).

Anything else is taken to be an organisation. The rules lean towards calling
a name personal: redacting a company's name loses a little of the regional
picture, while sharing a person's name is a breach. Text after "t/a" or
"trading as" is ignored, so "P E Modile T/A Laglin House" is a person.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from anonymiser.errors import UnusableInput
from anonymiser.suppliers.names import (
    common_words,
    english_first_names,
    first_names,
    people_names,
    place_words,
    plain_name,
)
from anonymiser.suppliers.shapes import (
    INITIALS,
    PERSON,
    RUN_INITIALS,
    distinct_given_names,
    name_words,
    prepared,
)

_LEGAL_FORMS = (
    "ltd", "limited", "plc", "llp", "lp", "cic", "c i c", "cio", "inc", "incorporated", "llc",
    "co", "company", "corporation", "corp",
)  # fmt: skip
_TITLES = "mr mrs ms miss mx dr rev revd reverend prof professor sir dame"
_ORGANISATION_WORDS = """
    the st trust trustees society council association church chapel parish parochial mosque
    temple synagogue diocese school schools academy college university nursery nurseries
    preschool pre playgroup creche kindergarten montessori services service care carers
    caring homes home healthcare health nursing hospital clinic medical hospice centre center
    centres group partnership partners foundation charity charitable agency fostering
    fostercare adoption adoptions housing homeless residential supported support lodge house
    hall court manor mews cottage village place gardens estate estates properties property
    lettings management consultancy consulting consultants associates solicitors sols law
    legal chambers accountants architects architecture surveyors engineers engineering
    construction builders building contractors maintenance cleaning catering security
    transport travel cars cabs taxis coaches couriers logistics motors garage hire rail
    solutions systems software computing computers technology technologies digital media
    productions films print printing publishing press news design research training
    education educational learning recruitment personnel staffing employment international
    national uk gb british royal london europe global worldwide enterprises enterprise
    holdings industries trading supplies supply products equipment direct club league union
    federation institute institution alliance forum network networks project projects
    programme initiative initiatives action community communities voluntary volunteers
    citizens residents tenants tmo fund bank bureau office department authority borough
    county city district government nhs ministry police army salvation mission ymca ywca
    theatre library museum gallery arts sports leisure fitness hotel hotels guesthouse
    guesthouses guest inn restaurant cafe shop stores store market salon hair beauty energy
    gas electric electricity water utilities power oil fuels waste recycling environmental
    landscapes landscaping gardening haven sons brothers family families children childrens
    youth women womens aid advice rescue friends disability commission accessories trailers
    teachers mobility heights resthome crossroads works applications connections recovery
    executive executives mencap
"""
#: Organisation words that are also common surnames: "Darren Hall" is a person.
#: "House" is left out: "Anna House" and "Scott House" are more often care homes than people.
_SURNAME_LIKE = frozenset(
    {"hall", "church", "chapel", "court", "law", "bank", "press", "chambers", "power"}
)
#: Words that begin place names and are nobody's name: "Mount Carmel", "Port Regis".
_PLACE_PREFIXES = frozenset({"mount", "port", "fort"})
#: Acronyms in a name ("Pinnacle PSG", "ARVAL PHH"): short words without a vowel.
_ACRONYM = re.compile(r"[b-df-hj-np-tv-xz]{2,4}")
#: Three capitals with a letter twice ("ISS", "SSE"): an acronym more often than initials.
_REPEATED_CAPITAL = re.compile(r"\b(?=[A-Z]{3}\b)[A-Z]*([A-Z])[A-Z]*\1")


def _words(words: str | tuple[str, ...]) -> str:
    """A regex matching any of the words (or phrases, when given as a tuple) as whole words."""
    phrases = words.split() if isinstance(words, str) else words
    return r"\b(" + "|".join(phrases) + r")\b"


@dataclass(frozen=True)
class SupplierLists:
    """Names the authority has confirmed: always individuals, or always organisations."""

    individuals: frozenset[str] = field(default_factory=frozenset)
    organisations: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls, individuals: Iterable[str] = (), organisations: Iterable[str] = ()
    ) -> SupplierLists:
        """Lists from names as written; they are compared ignoring case and spacing."""
        return cls(frozenset(map(_key, individuals)), frozenset(map(_key, organisations)))


def load_supplier_lists(path: Path) -> SupplierLists:
    """Read ``individuals = [...]`` and ``organisations = [...]`` from a TOML file."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        raise UnusableInput(
            f"supplier list {path.name} cannot be read: write it as TOML with "
            'individuals = ["..."] and organisations = ["..."].'
        ) from None
    lists = {key: document.get(key, []) for key in ("individuals", "organisations")}
    if not all(isinstance(names, list) for names in lists.values()):
        raise UnusableInput(f"supplier list {path.name}: individuals and organisations are lists.")
    return SupplierLists.of(map(str, lists["individuals"]), map(str, lists["organisations"]))


def classify(names: pd.Series, *, lists: SupplierLists | None = None) -> pd.DataFrame:
    """For each name: ``is_individual`` (bool) and the ``reason``, on the same index."""
    text = names.astype(object).where(names.notna(), "").astype(str)
    codes, uniques = pd.factorize(text)
    verdicts = _classify_unique(pd.Series(uniques, dtype=object), lists or SupplierLists())
    return pd.DataFrame(
        {
            "is_individual": verdicts["is_individual"].to_numpy()[codes],
            "reason": verdicts["reason"].to_numpy()[codes],
        },
        index=names.index,
    )


def _classify_unique(names: pd.Series, lists: SupplierLists) -> pd.DataFrame:
    """Apply the rules, in order, to distinct names."""
    key = names.map(_key)
    shown = prepared(names)
    words = _plain_words(shown)
    legal = words.str.extract(_words(_LEGAL_FORMS), expand=False)
    title = words.str.extract("^" + _words(_TITLES), expand=False)
    organisation = words.str.extract(_words(_ORGANISATION_WORDS), expand=False)
    misspelt = words.map(_misspelt_organisation_word)
    bare = shown.str.replace(r"\(.*?\)", " ", regex=True).str.replace(r"\s*-\s*", "-", regex=True)
    shape = _NameShape(bare.str.strip())
    # "Darren Hall", "Hall Brian", "Shelby Hall", "K B Hall", "KB Hall": an organisation
    # word that is a common surname, beside an English given name (on either side) in a
    # name of two words, or beside initials.
    beside_initials = shape.bare.str.fullmatch(INITIALS) | shape.run_initials
    surname_only = organisation.isin(_SURNAME_LIKE) & (
        (shape.english_given & ~words.str.contains(" .* ")) | beside_initials
    )
    rules: list[tuple[object, bool, str | pd.Series]] = [
        (key.isin(lists.individuals), True, "on the authority's list of individuals"),
        (key.isin(lists.organisations), False, "on the authority's list of organisations"),
        (shown.eq(""), False, "blank"),
        (legal.notna(), False, "legal form: " + legal.fillna("")),
        (shown.str.contains(r"\d"), False, "contains a number"),
        (title.notna(), True, "title: " + title.fillna("")),
        (
            organisation.notna() & ~surname_only,
            False,
            "organisation word: " + organisation.fillna(""),
        ),
        # "Blake Morgan Solictors": finance systems keep typing errors in supplier names.
        (misspelt.ne(""), False, "organisation word, misspelt: " + misspelt),
        # "George Brown's": a person's name never ends in 's; a shop's or a cafe's does.
        (shown.str.contains(r"(?i)[a-z]'s\b"), False, "a possessive ('s): a business's name"),
        (shape.bare.str.fullmatch(INITIALS), True, "initials and a surname"),
        # "JK Patel", "Patel J.K.": initials run together, or after the surname.
        (shape.run_initials, True, "initials run together and a surname"),
        (shape.known_first, True, "a first name and a surname"),
        # "Price James", "Ball Charlie": finance systems often put the surname first.
        (shape.known_last, True, "a surname and a first name"),
        # A place or an acronym beside words that are nobody's name ("Playcare Lambeth").
        (shape.sign.ne(""), False, shape.sign),
        (shape.plain, True, "two or three capitalised names"),
        # "Che Field", "Tejas More": a given name from any country beside a common word.
        (shape.given_any, True, "a given name (any country) and a surname"),
        # "Per Hedstrom", "May Nilsson": every word someone's name, a common word or not.
        (shape.all_names, True, "every word a given name or surname"),
    ]
    return _verdicts(rules, len(names))


class _NameShape:
    """What the rules read from a name's shape and its words, for each distinct name."""

    def __init__(self, bare: pd.Series) -> None:
        self.bare = bare
        fits = bare.str.fullmatch(PERSON)
        parts = bare.map(name_words)
        given = distinct_given_names()
        first = parts.str[0].fillna("")
        last = parts.str[-1].fillna("")
        self.known_first = fits & first.isin(first_names())
        self.known_last = fits & last.isin(first_names()) & ~self.known_first
        self.plain = fits & ~parts.map(lambda words: any(w in common_words() for w in words))
        self.given_any = fits & (first.isin(given) | last.isin(given))
        english = english_first_names()
        self.english_given = fits & (first.isin(english) | last.isin(english))
        self.all_names = fits & parts.map(_all_names)
        self.sign = _organisation_signs(bare, fits & ~self.known_first & ~self.known_last)
        # Undotted run-together initials ("JK Patel") could be an acronym ("BT Openreach"):
        # they count beside a word that is someone's name (or an "O'" or "Mc" surname), and
        # not as three capitals with a letter twice ("ISS": three initials seldom repeat
        # one, acronyms often do); dotted ones ("J.K.") always.
        run = bare.str.fullmatch(RUN_INITIALS)
        dotted = bare.str.contains(r"[A-Z]\.", regex=True)
        named = parts.map(lambda words: any(word in people_names() for word in words))
        named |= bare.str.contains(r"\b(?:O'|Mc|Mac)[A-Z]", regex=True)
        repeated = bare.map(lambda name: bool(_REPEATED_CAPITAL.search(name)))
        self.run_initials = run & (dotted | (named & ~repeated))


def _all_names(words: list[str]) -> bool:
    """Every word someone's name, and one at least not a common word ("Per Hedstrom",
    but not "Baby Room", though Baby and Room are both someone's name somewhere)."""
    names, common = people_names(), common_words()
    return all(word in names for word in words) and any(word not in common for word in words)


def _verdicts(rules: list[tuple[object, bool, str | pd.Series]], size: int) -> pd.DataFrame:
    """The first rule that holds for each name decides its verdict and reason."""
    conditions = [np.asarray(rule[0], dtype=bool) for rule in rules]
    verdict = np.select(conditions, [rule[1] for rule in rules], default=False)
    reason = np.select(conditions, [_as_array(rule[2], size) for rule in rules], default="")
    reason = np.where(reason == "", "no sign of a person's name", reason)
    return pd.DataFrame({"is_individual": verdict.astype(bool), "reason": reason})


def _plain_words(names: pd.Series) -> pd.Series:
    """Lower-case words only, for matching word lists: "St. Mary's Care" -> "st marys care"."""
    text = names.str.casefold().str.replace("'", "", regex=False)
    return text.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()


def _has_common_word(names: pd.Series) -> pd.Series:
    """Whether any word of a name is a common English word ("Age Concern", "Seven Ways")."""
    tokens = names.str.casefold().str.split(r"[\s-]+", regex=True, expand=True)
    if tokens.empty:
        return pd.Series(False, index=names.index)
    return tokens.isin(common_words()).any(axis=1)


def _organisation_signs(bare: pd.Series, unsure: pd.Series) -> pd.Series:
    """Signs of an organisation, read only for names that would be "two or three
    capitalised names" (no known first name): the rest keep their verdict."""
    sign = pd.Series("", index=bare.index, dtype=object)
    sign[unsure] = bare[unsure].map(_organisation_sign)
    return sign


def _misspelt_organisation_word(words: str) -> str:
    """A long organisation word written a letter wrong ("solictors for solicitors"), or ""."""
    table = _misspellings()
    for word in words.split():
        if word in table:
            return f"{word} for {table[word]}"
    return ""


@functools.cache
def _misspellings() -> dict[str, str]:
    """Every spelling one letter away (dropped, added, changed or swapped) from an
    organisation word of nine letters or more, unless it is a word or a name itself.

    Long words only, and their first letter kept: a short word is a letter away from
    too many surnames ("care" and "Carr", "brothers" and "Crothers").
    """
    long_words = [word for word in _ORGANISATION_WORDS.split() if len(word) >= 9]
    taken = set(_ORGANISATION_WORDS.split()) | common_words() | people_names()
    table: dict[str, str] = {}
    for word in long_words:
        for spelling in _one_letter_away(word) - taken:
            table.setdefault(spelling, word)
    return table


def _one_letter_away(word: str) -> set[str]:
    """Typing errors after the first letter: one letter dropped, added, changed, or two swapped."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(1, len(word) + 1)]
    dropped = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + c + b[1:] for a, b in splits if b for c in letters}
    added = {a + c + b for a, b in splits for c in letters}
    return dropped | swapped | changed | added


def _organisation_sign(name: str) -> str:
    """Why a name that reads like a person's is an organisation's after all, or "".

    A sign counts only when no other word of the name is a given name or surname in
    any locale Faker knows: "Playcare Lambeth" is a place's playgroup, while "Lambeth
    Kelly" (Kelly Lambeth, surname first) stays a person's. The risk left: a person
    whose given name no list knows, with a surname that is a place word ("Tesfaye
    Hackney"); places that are common surnames are not place words for that reason.
    """
    words = re.sub(r"[^a-z0-9]+", " ", plain_name(name).replace("'", "")).split()
    names = people_names()

    def others_are_not_names(start: int, stop: int) -> bool:
        return not any(word in names for word in words[:start] + words[stop:])

    if (
        len(words) > 1
        and words[0] in _PLACE_PREFIXES
        and words[0] not in names
        and words[1] not in english_first_names()
    ):
        # "Mount Carmel", "Port Regis": a place, though "Carmel" and "Regis" are rare given
        # names; "Mount Stuart" may be Stuart Mount written surname first, and stays a person.
        return f"place name: {words[0]} {words[1]}"
    for start in range(len(words)):
        for stop in range(start + 1, len(words) + 1):
            phrase = " ".join(words[start:stop])
            if phrase in place_words() and others_are_not_names(start, stop):
                return f"place name: {phrase}"
    for at, word in enumerate(words):
        # "Rainbow Smiles": a common word in the plural is a trade's name, not a surname
        # ("Fields" and "Brooks" are surnames, so the plural must be nobody's name).
        plural = word.endswith("s") and word[:-1] in common_words() and word not in names
        if plural and others_are_not_names(at, at + 1):
            return f"a common word in the plural: {word}"
    for at, word in enumerate(words[1:], start=1):
        if _ACRONYM.fullmatch(word) and word not in names and others_are_not_names(at, at + 1):
            return f"acronym: {word.upper()}"
    return ""


def _as_array(reason: str | pd.Series, size: int) -> np.ndarray:
    if isinstance(reason, str):
        return np.full(size, reason, dtype=object)
    return reason.to_numpy(dtype=object)


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()
