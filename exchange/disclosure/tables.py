"""What the regional picture publishes: tables whose cells carry why they are withheld.

Every table the hub publishes (pages, API, downloads) is a :class:`PublishedTable`:
named columns, rows of values, and for each withheld cell the reason it was withheld
(:data:`REASONS`). A withheld cell's value is ``None`` and it is shown with its mark —
``[c]`` for a suppressed count (confidential), ``[x]`` for a cost statistic withheld
because its sample is too small or too concentrated. The :class:`Certificate` lists every
rule, threshold and key version applied and every withheld cell, for the IG officer.

This module is plain data: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

#: A row or column total, in a dimension column.
TOTAL = "Total"

PUBLISHED = "published"
#: A count of people or placements from 1 to the threshold.
PRIMARY = "primary"
#: A count withheld so a primary cell cannot be worked out from totals or other tables.
SECONDARY = "secondary"
#: A count withheld because an earlier release of the same period withheld it.
CARRIED = "carried"
#: A count whose reason is not given, because giving it would give the count away
#: (a small table where every cell is withheld and "1 to the threshold" would pin them).
CONFIDENTIAL = "confidential"
#: A cost statistic on fewer placements than the minimum sample.
SAMPLE = "sample"
#: A cost statistic to which fewer authorities than the minimum contribute.
AUTHORITIES = "authorities"
#: A cost statistic one authority dominates (its share is above the maximum).
DOMINANCE = "dominance"

REASONS: Mapping[str, str] = {
    PRIMARY: "count of 1 to the threshold",
    SECONDARY: "protects another withheld count from totals or linked tables",
    CARRIED: "withheld in an earlier release of this period",
    CONFIDENTIAL: "withheld; the reason is not given, as it would give the count away",
    SAMPLE: "too few placements behind the statistic",
    AUTHORITIES: "too few authorities contribute",
    DOMINANCE: "one authority contributes more than the allowed share",
}
COUNT_REASONS = frozenset({PRIMARY, SECONDARY, CARRIED, CONFIDENTIAL})
COUNT_MARK = "[c]"
STATISTIC_MARK = "[x]"

ColumnKind = Literal["dimension", "count", "money", "number", "text", "band", "percent"]


def mark(reason: str) -> str:
    """The mark a withheld cell shows: ``[c]`` for counts, ``[x]`` for statistics."""
    return COUNT_MARK if reason in COUNT_REASONS else STATISTIC_MARK


@dataclass(frozen=True)
class Column:
    """A column: its name (``snake_case``), its heading, and what kind of value it holds."""

    name: str
    title: str
    kind: ColumnKind


@dataclass
class PublishedTable:
    """One published table: ``rows`` of values, ``withheld[(row index, column)] = reason``.

    ``key`` names the dimension columns that identify a row (for the certificate and for
    keeping suppression consistent between releases).
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    withheld: dict[tuple[int, str], str] = field(default_factory=dict)
    key: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def column_names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(c.name for c in self.columns)

    def reason(self, row: int, column: str) -> str | None:
        """Why the cell is withheld, or ``None`` if it is published."""
        return self.withheld.get((row, column))

    def cells(self) -> Iterator[tuple[int, str, Any, str | None]]:
        """Every cell as ``(row index, column, value, reason or None)``."""
        for index, row in enumerate(self.rows):
            for column in self.column_names():
                yield index, column, row.get(column), self.withheld.get((index, column))

    def display_rows(self) -> list[dict[str, Any]]:
        """Rows with each withheld cell replaced by its mark (``[c]`` or ``[x]``)."""
        shown = []
        for index, row in enumerate(self.rows):
            values = dict(row)
            for column in self.column_names():
                reason = self.withheld.get((index, column))
                if reason is not None:
                    values[column] = mark(reason)
            shown.append(values)
        return shown

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (withheld cells as their marks)."""
        return pd.DataFrame(self.display_rows(), columns=list(self.column_names()))

    def to_document(self) -> dict[str, Any]:
        """A JSON-ready document: columns, rows (withheld cells ``null``) and withheld cells."""
        return {
            "name": self.name,
            "title": self.title,
            "key": list(self.key),
            "notes": list(self.notes),
            "columns": [{"name": c.name, "title": c.title, "kind": c.kind} for c in self.columns],
            "rows": [
                {c: (None if (i, c) in self.withheld else row.get(c)) for c in self.column_names()}
                for i, row in enumerate(self.rows)
            ],
            "withheld": [
                {"row": i, "column": c, "reason": r, "mark": mark(r)}
                for (i, c), r in sorted(self.withheld.items())
            ],
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> PublishedTable:
        """The table :meth:`to_document` wrote."""
        return cls(
            name=document["name"],
            title=document["title"],
            columns=tuple(Column(c["name"], c["title"], c["kind"]) for c in document["columns"]),
            rows=[dict(r) for r in document["rows"]],
            withheld={(w["row"], w["column"]): w["reason"] for w in document["withheld"]},
            key=tuple(document.get("key", ())),
            notes=tuple(document.get("notes", ())),
        )
