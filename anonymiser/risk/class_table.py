"""A frame compressed to its equivalence classes, for trying remediation steps cheaply.

A remediation step changes the codes of whole classes at once: lifting a field relabels
every record alike, and suppression blanks every record of a failing class alike. So a
step can be tried, and taken, on one row per class (often a tenth of the records or
fewer) and the records follow through ``ids``. Merging classes adds their sizes and ORs
their cost-band masks, which gives exactly the figures a fresh group-by would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from anonymiser.risk.classes import Classes, FieldCoding, classes_of

#: A field's codes for each class, with the number of codes it may hold.
Column = tuple[np.ndarray, int]


@dataclass(frozen=True)
class ClassTable:
    """Each class's codes, size, cost-band mask and verdict; ``ids`` maps records to it."""

    columns: dict[str, Column]
    sizes: np.ndarray
    masks: np.ndarray | None
    failing: np.ndarray
    ids: np.ndarray

    @classmethod
    def of(
        cls,
        codings: Mapping[str, FieldCoding],
        bands: np.ndarray | None,
        *,
        records: int,
        k: int,
        l_min: int | None,
        band_count: int,
    ) -> ClassTable:
        """Group coded records into classes and judge each class."""
        classes = classes_of([c.codes for c in codings.values()], _cards(codings), records)
        rows = classes.representatives()
        columns = {name: (c.codes[rows], c.cardinality) for name, c in codings.items()}
        masks = None if bands is None or l_min is None else classes.band_masks(bands, band_count)
        failing = _failing(classes.sizes, masks, k, l_min)
        return cls(columns, classes.sizes, masks, failing, classes.ids)

    def records_at_risk(self) -> np.ndarray:
        """Which records are in a failing class."""
        return self.failing[self.ids]

    def count_at_risk(self, failing: np.ndarray | None = None) -> int:
        """How many records are in failing classes (these, or the table's own verdicts)."""
        return int(self.sizes[self.failing if failing is None else failing].sum())

    def merged(self, replaced: Mapping[str, Column], *, k: int, l_min: int | None) -> ClassTable:
        """The table after some fields' codes are replaced (classes that now agree merge)."""
        columns = {**self.columns, **replaced}
        merged, sizes, masks = _merge(columns, self.sizes, self.masks)
        rows = merged.representatives()
        kept = {name: (codes[rows], card) for name, (codes, card) in columns.items()}
        return ClassTable(
            kept, sizes, masks, _failing(sizes, masks, k, l_min), merged.ids[self.ids]
        )

    def failing_if(
        self,
        replaced: Mapping[str, Column],
        within: np.ndarray | None = None,
        *,
        k: int,
        l_min: int | None,
    ) -> np.ndarray:
        """Which classes (of ``within``, or all) would fail with some codes replaced
        (``replaced`` aligned with ``within``). A trial: nothing about records is built.

        Exact only if no class outside ``within`` could merge with one inside it.
        """
        columns, sizes, masks = self.columns, self.sizes, self.masks
        if within is not None:
            columns = {name: (codes[within], card) for name, (codes, card) in columns.items()}
            sizes = sizes[within]
            masks = None if masks is None else masks[within]
        merged, total, merged_masks = _merge({**columns, **replaced}, sizes, masks)
        return _failing(total, merged_masks, k, l_min)[merged.ids]


def _cards(codings: Mapping[str, FieldCoding]) -> list[int]:
    return [coding.cardinality for coding in codings.values()]


def _merge(
    columns: Mapping[str, Column], sizes: np.ndarray, masks: np.ndarray | None
) -> tuple[Classes, np.ndarray, np.ndarray | None]:
    """Classes with equal codes merged: the mapping, the merged sizes and masks."""
    merged = classes_of(
        [codes for codes, _ in columns.values()], [card for _, card in columns.values()], len(sizes)
    )
    total = np.bincount(merged.ids, weights=sizes, minlength=merged.count).astype(np.int64)
    if masks is None:
        return merged, total, None
    union = np.zeros(merged.count, dtype=np.int64)
    for bit in range(int(masks.max(initial=0)).bit_length()):
        present = np.bincount(merged.ids, weights=(masks >> bit) & 1, minlength=merged.count)
        union |= (present > 0).astype(np.int64) << bit
    return Classes(merged.ids, total), total, union


def _failing(sizes: np.ndarray, masks: np.ndarray | None, k: int, l_min: int | None) -> np.ndarray:
    bad = sizes < k
    if masks is not None and l_min is not None:
        bad |= np.bitwise_count(masks.astype(np.uint64)) < l_min
    return bad
