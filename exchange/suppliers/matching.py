"""Fuzzy matching of name keys: which new names might be suppliers the region already knows.

Pure (no database). Two scores from rapidfuzz, both on name keys
(:mod:`exchange.suppliers.normalise`):

- ``token_sort_ratio`` for every pair, through :func:`rapidfuzz.process.cdist` (fast:
  a thousand new names against ten thousand known in a fraction of a second). It
  catches misspellings and reordered words ("Alphatrak Systems", "Systems Alphatrack").
- ``token_set_ratio`` only for pairs that share a *distinctive* word (found through an
  index of words), because it scores a name contained in another at 100: "Mencap"
  against "Royal Mencap Society" — what we want — but also "Care" against "Smith
  Care", or "Smith" against "Smith, Jones and Brown". Scoring only the pairs that
  share a word keeps it fast (token_set_ratio over every pair is forty times slower).

Either way a pair is proposed only when its names' distinctive words correspond
(:func:`words_correspond`): they may differ in common words ("royal", "society",
"care", "services"…) and by misspelling, not by a word of their own. A name with no
distinctive word at all is never proposed. Everything this module finds is a
suggestion the regional lead confirms or rejects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from exchange.suppliers.normalise import GENERIC_WORDS, distinctive_words, is_distinctive

#: New names scored against the known ones per block (bounds cdist's memory).
BLOCK = 1000
#: A word in more names than this is treated as common, not looked up in the index.
COMMON_WORD_NAMES = 500


@dataclass(frozen=True)
class Match:
    """``new`` (a name key) scored ``score`` against the known name key ``known``."""

    new: str
    known: str
    score: int


def similar_names(new: Sequence[str], known: Sequence[str], *, score: int) -> list[Match]:
    """Pairs (new name, known name) scoring at least ``score``, a name never with itself.

    ``known`` may include the ``new`` names (to find matches within one batch); each
    unordered pair then appears in both directions.
    """
    new_keys = [key for key in dict.fromkeys(new) if is_distinctive(key)]
    known_keys = [key for key in dict.fromkeys(known) if is_distinctive(key)]
    if not new_keys or not known_keys:
        return []
    best: dict[tuple[str, str], int] = {}
    for pair, value in _sorted_token_matches(new_keys, known_keys, score):
        best[pair] = max(best.get(pair, 0), value)
    for pair, value in _shared_word_matches(new_keys, known_keys, score):
        best[pair] = max(best.get(pair, 0), value)
    return [
        Match(a, b, value)
        for (a, b), value in sorted(best.items())
        if a != b and words_correspond(a, b, score=score)
    ]


def words_correspond(first: str, second: str, *, score: int) -> bool:
    """Whether every distinctive word of each name is (nearly) a word of the other.

    Nearly: ``fuzz.ratio`` at least ``score``, so "alphatrak" meets "alphatrack" but
    "dawson" does not meet "mason". Names may differ freely in common words: "mencap"
    and "royal mencap society" correspond, "smith" and "smith jones brown" do not.
    """
    ours, theirs = frozenset(first.split()), frozenset(second.split())
    return _covered(distinctive_words(first), theirs, score) and _covered(
        distinctive_words(second), ours, score
    )


def _covered(words: frozenset[str], by: frozenset[str], score: int) -> bool:
    return all(
        word in by or any(fuzz.ratio(word, other) >= score for other in by) for word in words
    )


def _sorted_token_matches(
    new: list[str], known: list[str], score: int
) -> Iterator[tuple[tuple[str, str], int]]:
    for start in range(0, len(new), BLOCK):
        block = new[start : start + BLOCK]
        scores = process.cdist(
            block, known, scorer=fuzz.token_sort_ratio, score_cutoff=score, dtype=np.uint8,
            workers=-1,
        )  # fmt: skip
        for row, column in zip(*np.nonzero(scores), strict=True):
            yield (block[row], known[column]), int(scores[row, column])


def _shared_word_matches(
    new: list[str], known: list[str], score: int
) -> Iterator[tuple[tuple[str, str], int]]:
    index: dict[str, list[str]] = defaultdict(list)
    for key in known:
        for word in set(key.split()):
            if _indexable(word):
                index[word].append(key)
    for key in new:
        others: set[str] = set()
        for word in set(key.split()):
            names = index.get(word, ())
            if _indexable(word) and len(names) <= COMMON_WORD_NAMES:
                others.update(names)
        others.discard(key)
        if not others:
            continue
        choices = sorted(others)
        for other, value, _ in process.extract(
            key, choices, scorer=fuzz.token_set_ratio, score_cutoff=score, limit=None
        ):
            yield (key, other), round(value)


def _indexable(word: str) -> bool:
    return len(word) >= 3 and word not in GENERIC_WORDS
