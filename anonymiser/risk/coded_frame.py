"""A shared frame under remediation, held as coded quasi-identifiers.

Generalising a field relabels its few distinct values; suppressing a cell sets its code
to missing. Both are cheap on codes, and :meth:`CodedFrame.write_to` turns the codes back
into a frame once, at the end, touching only the quasi-identifier columns that changed.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from anonymiser.risk.bands import BAND_COUNT
from anonymiser.risk.class_table import ClassTable
from anonymiser.risk.classes import MISSING, FieldCoding, code_column
from schemas.hierarchies import HIERARCHIES


@dataclass
class CodedFrame:
    """Coded quasi-identifiers, cost bands, the thresholds, and what has been changed."""

    codings: dict[str, FieldCoding]
    bands: np.ndarray | None
    k: int
    l_min: int | None
    levels: dict[str, int] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    touched: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        quasi_identifiers: Sequence[str],
        bands: np.ndarray | None,
        *,
        k: int,
        l_min: int | None,
    ) -> CodedFrame:
        """Code a frame's quasi-identifiers and find each field's hierarchy level."""
        codings = {name: code_column(frame[name]) for name in quasi_identifiers}
        levels = {
            name: HIERARCHIES[name].level_of(coding.labels[1:])
            for name, coding in codings.items()
            if name in HIERARCHIES
        }
        touched = np.zeros(len(frame), dtype=bool)
        return cls(codings, bands, k, l_min, levels, set(), touched)

    @property
    def records(self) -> int:
        """How many records there are."""
        return len(self.touched)

    def table(self) -> ClassTable:
        """The records grouped into classes, each judged against k (and l)."""
        return ClassTable.of(
            self.codings,
            self.bands,
            records=self.records,
            k=self.k,
            l_min=self.l_min,
            band_count=BAND_COUNT,
        )

    def lift(self, name: str, mapping: np.ndarray, labels: np.ndarray, level: int) -> None:
        """Generalise a field: every code to ``mapping[code]``, now at ``level``."""
        self.codings[name] = FieldCoding(mapping[self.codings[name].codes], labels)
        self.levels[name] = level
        self.changed.add(name)

    def blank(self, name: str, rows: np.ndarray) -> int:
        """Suppress one field in some records; how many cells were not already blank."""
        codes = self.codings[name].codes
        filled = rows[codes[rows] != MISSING]
        if len(filled):
            codes[filled] = MISSING
            self.touched[filled] = True
            self.changed.add(name)
        return len(filled)

    def write_to(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``frame`` with the changed quasi-identifier columns replaced."""
        if not frame.columns.is_unique:
            result = frame.copy()
            for name in self.changed:
                values = self.codings[name].values()
                result[name] = pd.Series(values, index=frame.index, dtype=object)
            return result
        # Column by column: ``frame.copy()`` would first consolidate every column into one
        # 2-D block, which costs most of a second on a million rows and is not needed.
        columns = {
            name: (
                pd.Series(self.codings[name].values(), index=frame.index, dtype=object)
                if name in self.changed
                else frame[name].copy(deep=True)
            )
            for name in frame.columns
        }
        result = pd.DataFrame(columns, index=frame.index, columns=frame.columns, copy=False)
        result.attrs = copy.deepcopy(frame.attrs)  # as ``frame.copy()`` carries them
        return result
