"""People's names from the file's own name columns, found again in the columns that are kept.

The return's ``given_name`` and ``family_name`` columns are dropped, but the same
names can slip into kept text ("Respite for Mary Okonjo"). :class:`NameIndex` holds
what to look for, built once per file:

* every *full name* as a pair of words, in either order: each word of the given
  name with the first and last word of the family name ("mary okonjo", and
  "okonjo mary" for "OKONJO, Mary") — a pair is always a hit;
* every family name after a title ("Mrs Green") — always a hit;
* *distinctive* family names on their own: at least three letters and not an
  ordinary English word, so "Okonjo" alone is a hit but "Green", "Young" and
  "Hall" alone are not.

Text is compared word by word, case-insensitively, with punctuation around a word
ignored ("Okonjo," is "okonjo"; possessives "Okonjo's" are looked up too); words are
split at white space only, so "Smith/Jones" is one word. Initials with a family name
("M Okonjo") are not taken unless the family name is distinctive. The search is
vectorised with Arrow: the kept column is split into words once, words are looked up
in hash sets, and only the few words next to a known family name are joined into pairs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymiser.scanning.detectors import empty_value_hits
from anonymiser.scanning.identifiers import HIDDEN

_PUNCTUATION = ".,;:!?()[]{}<>\"'`/\\|*&#~_=+-"
_TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "master")

#: Surnames that are also ordinary English words, or words common in the names of care
#: homes and suppliers ("Birch Lodge", "Abbey Court"): not hits on their own, pairs still are.
_WORD_SURNAMES = """
    abbey able acre acres ash baker bank banks barber barn bay beach beech bell birch bird
    bishop black bond booth bowman bridge bridges brook brooks brown bull bush butcher butler
    carpenter carter castle cedar chamberlain chance chapel church cliff clay coates cook cooke
    cooper copse cottage court cove cox crane cross dale day dean dell dove drake duke earl
    east elm english farmer fern field fields fisher fletcher ford forest fox freeman frost
    gardener gardens gate gay glen golding good grace grange grant gray green grey grove hall
    hand hardy harper hart haven hawk hay hazel heath heather hedge hill hills holland holly
    holt hood hope house hunt hunter ivy jolly joy judge keen king knight lake lamb lane law
    lea lee little lodge long lord love low lucky major manor maple march marsh marshal
    marshall mason may mead meadow meadows mellow merry mill miller mills moon moor moore moss
    mount nash new north oak oaks orchard page palmer park parker parsons payne pearl pike pine
    place pond pool poole porter potter power pratt price prince read reed rich ridge rivers
    robin rock rose rowan rush sage salt sharp shaw shepherd shore short silver small smart
    snow south spencer spring stone storm street strong summer summers swallow swan sweet swift
    taylor temple thatcher thorn tower tucker turner vale valley view wall walker ward warren
    waters watt weaver webb well wells west white wild willow wise wolf wood woods wren wright
    yard young foster nurse carer angel angels bright star sunny homes care caring family
    friend friends
"""


@functools.cache
def _ordinary_words() -> frozenset[str]:
    """Ordinary English words: Faker's word list and the surnames above."""
    from faker.providers.lorem.en_US import Provider

    words = {word.casefold() for word in Provider.word_list}
    return frozenset(words | set(_WORD_SURNAMES.split()) | set(_TITLES))


def words_of(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Each value's words, lower case and without surrounding punctuation, and their owners."""
    lowered = pc.utf8_lower(values)
    if pc.any(pc.match_substring(lowered, "\u2019")).as_py():
        lowered = pc.replace_substring(lowered, "\u2019", "'")
    # Trimmed first: pyarrow 26's utf8_split_whitespace sometimes leaves trailing white
    # space on a value's last word, which then matches nothing.
    lists = pc.utf8_split_whitespace(pc.utf8_trim_whitespace(lowered))
    owners = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    words = pc.utf8_trim(pc.list_flatten(lists), _PUNCTUATION)
    return words.cast(pa.large_string()), owners


def _name_words(names: pa.Array | pa.ChunkedArray) -> pd.DataFrame:
    """A name column's words, normalised as :func:`words_of` does, with the row each came from."""
    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    words, owners = words_of(names.cast(pa.large_string()))
    frame = pd.DataFrame({"owner": owners, "word": words.to_numpy(zero_copy_only=False)})
    return frame[frame["word"].str.len() > 0]


@dataclass(frozen=True)
class NameIndex:
    """The names of a file's people, ready to be looked for in its kept text columns."""

    pairs: pa.Array  # "given family" and "family given", lower case
    family: pa.Array  # every word of every family name
    distinctive: pa.Array  # family-name words that are hits on their own

    @classmethod
    def of(cls, names: pd.DataFrame) -> NameIndex:
        """From a frame with ``given_name`` and ``family_name`` columns (either may be absent)."""
        given, family = _name_words_of_people(
            _column(names, "given_name"), _column(names, "family_name")
        )
        family_words = family["word"][family["word"].str.len() >= 2].drop_duplicates()
        distinctive = family_words[
            (family_words.str.len() >= 3) & ~family_words.isin(_ordinary_words())
        ]
        return cls(
            pairs=_with_possessives(_pairs(given, family)),
            family=_with_possessives(family_words),
            distinctive=_with_possessives(distinctive),
        )

    def find(self, values: pa.Array) -> pd.DataFrame:
        """Hits among distinct values: which value, which word, and the name's initials."""
        words, owners = words_of(values)
        if not len(words) or not len(self.family):
            return empty_value_hits()
        is_family = pc.is_in(words, value_set=self.family).to_numpy(zero_copy_only=False)
        near = np.flatnonzero(is_family)
        firsts = np.unique(np.concatenate([near - 1, near]))
        firsts = firsts[(firsts >= 0) & (firsts + 1 < len(words))]
        firsts = firsts[owners[firsts] == owners[firsts + 1]]
        paired = firsts[self._is_pair(words, firsts)]
        alone = np.flatnonzero(
            pc.is_in(words, value_set=self.distinctive).to_numpy(zero_copy_only=False)
        )
        alone = np.setdiff1d(alone, np.concatenate([paired, paired + 1]))
        return _hits(words, owners, paired, alone)

    def _is_pair(self, words: pa.Array, firsts: np.ndarray) -> np.ndarray:
        """Whether the words at ``firsts`` and the next ones are a full name or title and name."""
        first = words.take(pa.array(firsts, type=pa.int64()))
        second = words.take(pa.array(firsts + 1, type=pa.int64()))
        joined = pc.binary_join_element_wise(first, second, pa.scalar(" ", pa.large_string()))
        titled = pc.and_(
            pc.is_in(first, value_set=pa.array(_TITLES, type=pa.large_string())),
            pc.is_in(second, value_set=self.family),
        )
        pair = pc.or_(pc.is_in(joined, value_set=self.pairs), titled)
        return np.asarray(pair.to_numpy(zero_copy_only=False), dtype=bool)


def _name_words_of_people(given: pa.Array, family: pa.Array) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The words of each distinct (given, family) pair: the pairs are joined by a separator
    no name holds, made unique in Arrow and split again (much quicker than grouping by two
    text columns); a file whose names hold the separator is grouped instead."""
    if not (
        pc.any(pc.match_substring(given, _SEPARATOR)).as_py()
        or pc.any(pc.match_substring(family, _SEPARATOR)).as_py()
    ):
        joined = pc.binary_join_element_wise(given, family, pa.scalar(_SEPARATOR, given.type))
        people = pc.split_pattern(pc.unique(joined), _SEPARATOR, max_splits=1)
        return _name_words(pc.list_element(people, 0)), _name_words(pc.list_element(people, 1))
    table = pa.table({"given": given, "family": family}).group_by(["given", "family"]).aggregate([])
    return _name_words(table["given"]), _name_words(table["family"])


#: Joins a given name to a family name while pairs are made unique (ASCII unit separator).
_SEPARATOR = "\x1f"


def _column(names: pd.DataFrame, column: str) -> pa.Array:
    """A name column as Arrow text, blank where missing (Arrow text is taken as it is)."""
    if column not in names.columns:
        return pa.array([""] * len(names), type=pa.large_string())
    values = names[column]
    if isinstance(values.dtype, pd.ArrowDtype):
        text = pa.array(values.array)
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        return pc.fill_null(text.cast(pa.large_string()), "")
    text = values.where(values.notna(), "").astype(str)
    return pa.array(text.to_numpy(dtype=object), type=pa.large_string())


def _with_possessives(words: pd.Series) -> pa.Array:
    """The words and their possessives ("okonjo", "okonjo's"), to look words up as written."""
    return pa.array(pd.concat([words, words + "'s"]).tolist(), type=pa.large_string())


def _pairs(given: pd.DataFrame, family: pd.DataFrame) -> pd.Series:
    """Both orders of each given-name word with the first and last family-name word."""
    ends = family.groupby("owner")["word"].agg(["first", "last"]).reset_index()
    ends = ends.melt(id_vars="owner", value_name="end")[["owner", "end"]]
    joined = given[given["word"].str.len() >= 2].merge(ends, on="owner")
    pairs = pd.concat([joined["word"] + " " + joined["end"], joined["end"] + " " + joined["word"]])
    return pairs.drop_duplicates()


def _initial(word: str) -> str:
    return word[:1].upper() + HIDDEN * 3


def _hits(
    words: pa.Array, owners: np.ndarray, paired: np.ndarray, alone: np.ndarray
) -> pd.DataFrame:
    """Value hits for name pairs (both initials) and lone family names (one initial)."""

    def at(positions: np.ndarray) -> list[str]:
        return words.take(pa.array(positions, type=pa.int64())).to_pylist()

    masked = [
        f"{_initial(a)} {_initial(b)}" for a, b in zip(at(paired), at(paired + 1), strict=True)
    ]
    masked += [_initial(word) for word in at(alone)]
    positions = np.concatenate([paired, alone]).astype(np.int64)
    value = owners[positions]
    offset = positions - np.searchsorted(owners, value)  # the word's place in its value
    return pd.DataFrame(
        {"value": value, "offset": offset, "end": offset + 1, "kind": "name", "masked": masked}
    )
