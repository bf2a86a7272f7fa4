"""Equivalence classes: the groups of records that share every quasi-identifier value.

Each quasi-identifier column is coded once as small integers, so that every measure and
every remediation step is a handful of numpy operations rather than a pass over strings:

* code 0 is a *missing* value (``None``, NaN or a blank string). Missing is a value of its
  own: a record with a blank district groups only with other records whose district is
  blank. A blank cell in a published return reads the same whoever left it blank, and
  counting it as a wildcard would overstate group sizes; treating it as a value of its own
  is the conservative reading, and the one a cross-check with pycanon reproduces when the
  blanks are filled with one marker value;
* a record's class is the combination of its codes, numbered from 0 by
  :func:`classes_of`; sizes and cost-band diversity are then counts over class numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

MISSING = 0
#: Above this many key combinations the combined key is renumbered before it can overflow.
_KEY_LIMIT = 2**62


@dataclass
class FieldCoding:
    """One quasi-identifier column as integer codes; ``labels[code]`` is the value."""

    codes: np.ndarray
    labels: np.ndarray

    @property
    def cardinality(self) -> int:
        """How many codes there are, the missing code included."""
        return len(self.labels)

    def values(self) -> np.ndarray:
        """The column's values (``None`` where missing), as an object array."""
        return self.labels[self.codes]

    def distinct(self) -> int:
        """How many different non-missing values the column holds."""
        counts = np.bincount(self.codes, minlength=self.cardinality)
        return int(np.count_nonzero(counts[1:]))

    def missing(self) -> int:
        """How many records have no value."""
        return int(np.count_nonzero(self.codes == MISSING))

    def relabelling(self, lift: Callable[[object], object]) -> tuple[np.ndarray, np.ndarray]:
        """Each code's new code, and the new labels, with every value replaced by
        ``lift(value)`` (missing stays missing; values lifted to the same merge)."""
        lifted = np.array([lift(label) for label in self.labels[1:]], dtype=object)
        first, uniques = pd.factorize(lifted)
        mapping = np.concatenate(([MISSING], np.asarray(first, dtype=np.int64) + 1))
        return mapping, _labels(np.asarray(uniques, dtype=object))


def code_column(column: pd.Series) -> FieldCoding:
    """Code a column; missing values (None, NaN, blank strings) all get code 0."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = np.asarray(uniques, dtype=object)
    blank = np.fromiter((_is_blank(value) for value in values), dtype=bool, count=len(values))
    renumber = np.zeros(len(values) + 1, dtype=np.int64)
    renumber[1:][~blank] = np.arange(1, np.count_nonzero(~blank) + 1)
    return FieldCoding(renumber[np.asarray(codes, dtype=np.int64) + 1], _labels(values[~blank]))


def _labels(values: np.ndarray) -> np.ndarray:
    """Labels for codes: ``None`` for the missing code 0, then the values."""
    labels = np.empty(len(values) + 1, dtype=object)
    labels[1:] = values
    return labels


def _is_blank(value: object) -> bool:
    return isinstance(value, str) and not value.strip()


def classes_of(columns: Sequence[np.ndarray], cardinalities: Sequence[int], n: int) -> Classes:
    """The equivalence classes of ``n`` records over some coded columns."""
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for codes, cardinality in zip(columns, cardinalities, strict=True):
        if span * cardinality >= _KEY_LIMIT:
            key, span = _renumber(key)
        key = key * cardinality + codes
        span *= cardinality
    ids, count = _renumber(key)
    return Classes(ids, np.bincount(ids, minlength=count))


def _renumber(key: np.ndarray) -> tuple[np.ndarray, int]:
    ids, uniques = pd.factorize(key)
    return np.asarray(ids, dtype=np.int64), len(uniques)


@dataclass(frozen=True)
class Classes:
    """Each record's class number (``ids``) and each class's size (``sizes``)."""

    ids: np.ndarray
    sizes: np.ndarray

    @property
    def count(self) -> int:
        """How many classes there are."""
        return len(self.sizes)

    def record_sizes(self) -> np.ndarray:
        """The size of each record's class."""
        return self.sizes[self.ids]

    def representatives(self) -> np.ndarray:
        """One record (row position) of each class."""
        rows = np.empty(self.count, dtype=np.int64)
        rows[self.ids] = np.arange(len(self.ids))
        return rows

    def diversity(self, sensitive: np.ndarray, band_count: int) -> np.ndarray:
        """How many different sensitive codes each class holds."""
        pairs = pd.unique(self.ids * band_count + sensitive)
        return np.bincount(pairs // band_count, minlength=self.count)

    def band_masks(self, sensitive: np.ndarray, band_count: int) -> np.ndarray:
        """Each class's sensitive codes as a bit mask (bit ``b`` set if code ``b`` occurs)."""
        pairs = pd.unique(self.ids * band_count + sensitive)
        bits = np.left_shift(1, pairs % band_count).astype(np.float64)
        return np.bincount(pairs // band_count, weights=bits, minlength=self.count).astype(np.int64)
