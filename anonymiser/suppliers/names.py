"""The word lists the classifier reads names against: people's names, English words, places.

All come from what is installed (Faker's providers) or written in this package
(:mod:`anonymiser.suppliers.places`): nothing is fetched, the anonymiser runs
offline. Every list is lower case without accents, as the classifier compares.

Gathering the names of every Faker locale takes about 0.3 s (86 modules imported, some
100,000 names made plain), so the result is kept in the user's cache folder
(``$XDG_CACHE_HOME`` or ``~/.cache``, then ``regional-exchange-anonymiser``) under a name
holding Faker's version and a hash of this module: a new Faker or a change here makes a
new file. A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import pkgutil
import re
import unicodedata
from pathlib import Path
from typing import Final

from anonymiser.suppliers.places import place_phrases

#: The folder under the user's cache folder where gathered names are kept.
CACHE_FOLDER = "regional-exchange-anonymiser"
_LATIN_NAME = re.compile(r"[a-z][a-z' -]*")
#: Letters that dropping accents leaves alone ("Michał", "Yılmaz", "Jørgensen"), as the
#: nearest plain letters: without this a Polish carer's name matched no person's pattern.
PLAIN_LETTERS: Final = str.maketrans(
    {"ł": "l", "Ł": "L", "ı": "i", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D"}
    | {"ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th", "Þ": "Th", "ħ": "h"}
    # Ghanaian names write the open e and o ("Akyerɛ", "Akyeamfuɔ"), some with the Greek
    # epsilon, whose capital ("AKYERΕ") is Greek too: read them as e and o.
    | {"ɛ": "e", "Ɛ": "E", "ε": "e", "Ε": "E", "ɔ": "o", "Ɔ": "O"}
)


@functools.cache
def first_names() -> frozenset[str]:
    """First names from Faker's en_GB person provider: names common in England."""
    from faker.providers.person.en_GB import Provider

    names = (*Provider.first_names_male, *Provider.first_names_female)
    return frozenset(name.casefold() for name in names)


@functools.cache
def english_first_names() -> frozenset[str]:
    """First names common in England or the United States (Faker's en_GB and en_US)."""
    from faker.providers.person.en_US import Provider

    names = (*Provider.first_names_male, *Provider.first_names_female)
    return first_names() | frozenset(name.casefold() for name in names)


@functools.cache
def people_names() -> frozenset[str]:
    """Given names and surnames in any of Faker's locales written in Latin letters (~40,000).

    Far wider than :func:`first_names`: it stands guard over the rules that call a
    name an organisation, which never fire on a word that may be part of a person's
    name ("Carmel", "Regis", "Stavrou"), whichever country it comes from.
    """
    return _faker_names(("first_name", "last_name"))


@functools.cache
def given_names() -> frozenset[str]:
    """Given names in any of Faker's locales written in Latin letters ("Che", "Tejas", "Sune").

    Reads a name as a person's when its other word is a common English word ("Che
    Field"); the given names that are common words themselves ("May", "Hope") are
    no sign on their own, and the classifier leaves them out.
    """
    return _faker_names(("first_name",))


@functools.cache
def _faker_names(prefixes: tuple[str, ...]) -> frozenset[str]:
    """The names of every Faker person provider's lists whose attribute starts with a prefix."""
    if len(prefixes) > 1:
        return frozenset().union(*(_faker_names((prefix,)) for prefix in prefixes))
    path = _cache_file(prefixes[0])
    try:
        cached = frozenset(path.read_text(encoding="utf-8").split("\n")) - {""}
        if cached:
            return cached
    except (OSError, UnicodeDecodeError):
        pass
    found = _gather_faker_names(prefixes)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text("\n".join(sorted(found)), encoding="utf-8")
        os.replace(partial, path)  # whole or not at all, whoever else is writing it
    except OSError:
        pass
    return found


def _cache_file(prefix: str) -> Path:
    """Where the names of lists starting ``prefix`` are kept for this Faker and this code."""
    from faker import VERSION

    try:
        root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:  # no home folder: a path that cannot be read or made
        root = os.devnull
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return Path(root) / CACHE_FOLDER / f"faker-{VERSION}-{prefix}-{code}.txt"


def _gather_faker_names(prefixes: tuple[str, ...]) -> frozenset[str]:
    import faker.providers.person as person

    found: set[str] = set()
    for locale in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{locale.name}").Provider
        for attribute in dir(provider):
            if attribute.startswith(prefixes):
                found.update(_latin(getattr(provider, attribute)))
    return frozenset(found)


def _latin(names: object) -> set[str]:
    """The names of a provider's list (or weighted dict), plain, that are in Latin letters."""
    if not isinstance(names, (list, tuple, dict, set, frozenset)):
        return set()
    plain = {plain_name(name) for name in names if isinstance(name, str)}
    return {name for name in plain if _LATIN_NAME.fullmatch(name)}


def plain_name(name: str) -> str:
    """Lower case, accents dropped: "Véronique" -> "veronique", "Michał" -> "michal"."""
    text = unicodedata.normalize("NFKD", name.casefold().translate(PLAIN_LETTERS))
    return "".join(char for char in text if not unicodedata.combining(char))


@functools.cache
def common_words() -> frozenset[str]:
    """Common English words from Faker's en_US lorem provider, lower case."""
    from faker.providers.lorem.en_US import Provider

    return frozenset(word.casefold() for word in Provider.word_list)


@functools.cache
def place_words() -> frozenset[str]:
    """Place phrases that cannot be a person's name or a common word.

    "Lambeth" and "Tower Hamlets" stay; "Kent", "Preston" and "Sutton" go, since
    "Emma Kent" is a person, and so does "Milton Keynes", every word of which is a name.
    """
    names, words = people_names(), common_words()
    return frozenset(
        phrase
        for phrase in place_phrases()
        if not all(word in names or word in words for word in phrase.split())
    )
