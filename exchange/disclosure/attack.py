"""The attacker check: can any withheld count be worked out from what is published?

:func:`attack` reads published count tables only (as anyone downloading them would),
sets up every cell as a whole number ``>= 0``, each table adding up, tables that share a
dimension and publish the same margin sharing those margin cells, published cells fixed
(or within their rounding interval), and withheld cells bounded by their published
reason (``primary``: 1 to the threshold; others: 0 or above it). A withheld cell the
system pins to one whole number is *recoverable*; the report lists those, with the
attacker's interval for every withheld cell.

:func:`attack_releases` does the same for two releases of one period: a cell withheld
in the earlier one must still be withheld (else differencing gives it away), and the
two releases' tables are attacked together, cells published unchanged in both being
taken as the same number.

By default a cell's interval is what the attacker provably cannot narrow it below —
two whole-number solutions that differ (``witnessed``) — which decides recovery as
surely as the exact interval and is much faster; ``intervals=True`` computes exact ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from exchange.disclosure.lattice import CellId, Grid, Key, Linkage, margins, shared_dimensions
from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.system import Interval, LinearSystem, Unknown, rounding_range, solve_bounds
from exchange.disclosure.tables import CONFIDENTIAL, PRIMARY, TOTAL, PublishedTable


@dataclass(frozen=True)
class CellInterval:
    """What the attacker can tell about one withheld cell."""

    table: str
    row: int
    column: str
    key: dict[str, Any]
    reason: str
    lower: float
    upper: float | None  # None: no upper bound
    #: Pinned to one value other than 0 (0 is published by rule: pinning it discloses no one).
    recovered: bool
    method: str


@dataclass
class AttackReport:
    """The attacker's result: cells checked, those recovered, and how."""

    cells_checked: int
    recoverable: list[CellInterval]
    method: str
    cells: list[CellInterval] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    tables: tuple[str, ...] = ()

    @property
    def safe(self) -> bool:
        """Nothing recovered and no release-consistency violation."""
        return not self.recoverable and not self.violations

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (for the certificate)."""
        return {
            "method": self.method,
            "tables": list(self.tables),
            "cells_checked": self.cells_checked,
            "recoverable": [asdict(c) for c in self.recoverable],
            "violations": list(self.violations),
            "safe": self.safe,
        }


METHOD = (
    "mixed-integer bounds (HiGHS via scipy.optimize.milp): cells whole and non-negative, "
    "tables additive, linked margins shared, withheld cells bounded by their reason"
)


def count_column(table: PublishedTable) -> str | None:
    """The table's count column if it is an additive count table (has a Total row)."""
    counts = [c.name for c in table.columns if c.kind == "count"]
    if len(counts) != 1 or not 1 <= len(table.key) <= 2:
        return None
    if not any(TOTAL in (row.get(d) for d in table.key) for row in table.rows):
        return None
    return counts[0]


def attack(
    tables: Sequence[PublishedTable],
    rules: DisclosureRules,
    *,
    intervals: bool = False,
    same: Sequence[tuple[CellId, CellId]] = (),
) -> AttackReport:
    """Try to recover every withheld count of the count tables among ``tables``.

    ``same`` names pairs of cells (table name, key) the attacker knows are equal.
    """
    views = [_View(t) for t in tables if count_column(t) is not None]
    method = METHOD
    found = None
    # Tables sharing a dimension are taken to count the same people when their published
    # margins could be equal (withheld where they differ), else when they visibly are;
    # a guess the published figures contradict is dropped.
    for strict, note in ((False, ""), (True, "; only visibly equal margins linked"),
                         (None, "; linked margins dropped (inconsistent)")):  # fmt: skip
        linkage = Linkage([v.grid for v in views])
        if strict is not None:
            _link(linkage, views, strict=strict)
        for a_cell, b_cell in same:
            linkage.union(a_cell, b_cell)
        found = _bounds(views, linkage, rules, intervals)
        if not any(i.method == "inconsistent" for i in found.values()):
            method += note
            break
    assert found is not None  # the loop runs at least once
    cells = []
    for view in views:
        for row, key in enumerate(view.keys):
            reason = view.reasons.get(key)
            if reason is None:
                continue
            interval = found[(view.grid.name, key)]
            cells.append(
                CellInterval(
                    table=view.grid.name,
                    row=row,
                    column=view.column,
                    key=dict(zip(view.grid.dims, key, strict=True)),
                    reason=reason,
                    lower=interval.lower,
                    upper=None if interval.upper == float("inf") else interval.upper,
                    recovered=interval.disclosive,
                    method=interval.method,
                )
            )
    return AttackReport(
        cells_checked=len(cells),
        recoverable=[c for c in cells if c.recovered],
        method=method,
        cells=cells,
        tables=tuple(v.grid.name for v in views),
    )


def attack_releases(
    old: Sequence[PublishedTable] | Mapping[str, PublishedTable],
    new: Sequence[PublishedTable] | Mapping[str, PublishedTable],
    rules: DisclosureRules,
) -> AttackReport:
    """Differencing check between an earlier release (``old``) and a later one (``new``)."""
    old_tables = list(old.values()) if isinstance(old, Mapping) else list(old)
    new_tables = list(new.values()) if isinstance(new, Mapping) else list(new)
    violations = []
    new_by_name = {t.name: _View(t) for t in new_tables if count_column(t) is not None}
    same: list[tuple[CellId, CellId]] = []
    for table in old_tables:
        if count_column(table) is None or table.name not in new_by_name:
            continue
        before, after = _View(table), new_by_name[table.name]
        for key in before.keys:
            if key not in after.values:
                continue
            if key in before.reasons and key not in after.reasons:
                violations.append(
                    {"table": table.name, "key": list(key), "column": after.column,
                     "problem": "withheld in the earlier release, published in this one"}
                )  # fmt: skip
            elif (
                key not in before.reasons
                and key not in after.reasons
                and before.values[key] == after.values[key]
            ):
                same.append((("old:" + table.name, key), ("new:" + table.name, key)))
    renamed = [_renamed(t, "old:") for t in old_tables] + [_renamed(t, "new:") for t in new_tables]
    report = attack(renamed, rules, same=same)
    report.violations = violations
    report.method += "; two releases attacked together, unchanged published cells shared"
    return report


class _View:
    """A published count table read back into a grid, values and reasons."""

    def __init__(self, table: PublishedTable) -> None:
        column = count_column(table)
        assert column is not None  # callers check
        self.column = column
        dims = table.key
        categories: list[list[Any]] = [[] for _ in dims]
        self.values: dict[Key, float | None] = {}
        self.reasons: dict[Key, str] = {}
        for index, row in enumerate(table.rows):
            key = tuple(row.get(d) for d in dims)
            for position, value in enumerate(key):
                if value != TOTAL and value not in categories[position]:
                    categories[position].append(value)
            reason = table.withheld.get((index, column))
            self.values[key] = None if reason else float(row[column] or 0)
            if reason:
                self.reasons[key] = reason
        self.grid = Grid(table.name, tuple(dims), tuple(tuple(c) for c in categories))
        self.keys = [tuple(row.get(d) for d in dims) for row in table.rows]
        for key in self.grid.cells():
            # A combination the table does not list has no one in it.
            self.values.setdefault(key, 0.0)


def _renamed(table: PublishedTable, prefix: str) -> PublishedTable:
    return PublishedTable(
        name=prefix + table.name,
        title=table.title,
        columns=table.columns,
        rows=table.rows,
        withheld=table.withheld,
        key=table.key,
        notes=table.notes,
    )


def _link(linkage: Linkage, views: Sequence[_View], *, strict: bool) -> None:
    by_name = {v.grid.name: v for v in views}
    for a, b, dim in shared_dimensions([v.grid for v in views]):
        if _same_published_margin(by_name[a.name], by_name[b.name], dim, strict=strict):
            linkage.link_dimension(a, b, dim)


def _same_published_margin(a: _View, b: _View, dim: str, *, strict: bool) -> bool:
    """Whether two tables' margins of ``dim`` may be the same numbers.

    ``strict``: every cell published equal or withheld in both; otherwise a cell
    withheld in either table matches anything.
    """

    def agree(x: float | None, y: float | None) -> bool:
        if x is None or y is None:
            return not strict or x is y
        return x == y

    ma = margins(a.grid, dim, lambda k: a.values[k])
    mb = margins(b.grid, dim, lambda k: b.values[k])
    if not agree(a.values[a.grid.grand], b.values[b.grid.grand]):
        return False
    return all(agree(ma.get(c, 0.0), mb.get(c, 0.0)) for c in set(ma) | set(mb))


def _bounds(
    views: Sequence[_View], linkage: Linkage, rules: DisclosureRules, intervals: bool
) -> dict[CellId, Interval]:
    groups = linkage.groups()
    index: dict[CellId, int] = {}
    system = LinearSystem()
    views_by_name = {v.grid.name: v for v in views}
    threshold, base = rules.count_threshold, rules.round_to
    for _representative, members in sorted(groups.items(), key=lambda g: repr(g[0])):
        reasons = {views_by_name[n].reasons.get(k) for n, k in members} - {None}
        published = [views_by_name[n].values[k] for n, k in members]
        known = next((v for v in published if v is not None), None)
        if reasons and known is None:
            if CONFIDENTIAL in reasons:
                unknown = Unknown(target=True)
            elif reasons == {PRIMARY}:
                unknown = Unknown(lower=1, upper=threshold, target=True)
            else:
                unknown = Unknown(gap=threshold + 1, target=True)
        elif known is None:
            unknown = Unknown()
        elif base:
            low, high = rounding_range(known, base, threshold)
            unknown = Unknown(lower=low, upper=high)
            if reasons:
                unknown.target = True  # published elsewhere: anyone can read it
        else:
            unknown = Unknown(value=known, target=bool(reasons))
        position = system.add(unknown)
        for member in members:
            index[member] = position
    system.equations = linkage.equations(index)
    solved = solve_bounds(system, intervals=intervals)
    out: dict[CellId, Interval] = {}
    for cell, position in index.items():
        if position in solved:
            out[cell] = solved[position]
        else:
            fixed = system.unknowns[position]
            if fixed.value is not None and fixed.target:
                out[cell] = Interval(fixed.value, fixed.value, "published elsewhere")
    return out
