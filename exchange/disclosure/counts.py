"""Protecting counts of people and placements: margins, suppression, rounding.

:func:`protect_counts` takes every count table of a period at once, because tables that
share a dimension (placements by care type, placements by care type and route) publish
the same margin twice, and a count withheld in one can be worked out from the other
unless both are protected together. For each table it

1. adds the margins (row, column and grand totals, from the unrounded counts);
2. withholds every count from 1 to the threshold (*primary*), and every cell withheld
   in an earlier release of the period (*carried*, so that two releases cannot be
   differenced);
3. withholds more cells (*secondary*) until no withheld count can be worked out:
   first greedily — any line (row, column, one-way table) with exactly one withheld cell
   gets its smallest non-zero published cell withheld too, preferring cells inside the
   table to totals — then by running the attacker (:mod:`exchange.disclosure.system`) and
   withholding a neighbour of every cell it still pins down, until it pins down none;
4. rounds what is published, if the rules say so (totals are rounded from the
   unrounded totals, not added up from rounded cells).

The suppression is checked against an attacker who sees the unrounded values, so
rounding only adds protection. See docs/disclosure-control.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import structlog

from exchange.disclosure.lattice import CellId, Grid, Key, Linkage, margins, shared_dimensions
from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.system import LinearSystem, Unknown, solve_bounds
from exchange.disclosure.tables import (
    CARRIED,
    CONFIDENTIAL,
    PRIMARY,
    SECONDARY,
    TOTAL,
    Column,
    PublishedTable,
)

log = structlog.get_logger("exchange.disclosure")

#: The category a missing dimension value is counted under.
NOT_STATED = "Not stated"
COUNT = "count"
#: Rounds of "attack, then withhold a neighbour" before giving up (never reached in practice).
MAX_ROUNDS = 200


@dataclass(frozen=True)
class CountTable:
    """A count table before protection: one row per interior cell, ``dims`` + ``count``."""

    name: str
    title: str
    dims: tuple[str, ...]
    frame: pd.DataFrame
    dim_titles: Mapping[str, str] = field(default_factory=dict)
    count_title: str = "Count"
    notes: tuple[str, ...] = ()


def protect_counts(
    tables: Sequence[CountTable],
    rules: DisclosureRules,
    carried: Mapping[str, set[tuple[Any, ...]]] | None = None,
) -> dict[str, PublishedTable]:
    """Every table with margins, its withheld cells and their reasons (see module doc)."""
    grids, values = zip(*(_tabulate(t) for t in tables), strict=True) if tables else ((), ())
    linkage = Linkage(list(grids))
    for a, b, dim in shared_dimensions(list(grids)):
        if _same_margin(a, values[grids.index(a)], b, values[grids.index(b)], dim):
            linkage.link_dimension(a, b, dim)
    state = _State(linkage, dict(zip((g.name for g in grids), values, strict=True)), rules)
    state.withhold_primary_and_carried(carried or {})
    rounds = state.protect()
    log.info(
        "disclosure.counts.protected",
        tables=len(grids),
        cells=len(state.value),
        withheld=len(state.reason),
        rounds=rounds,
    )
    return {t.name: state.publish(t, g) for t, g in zip(tables, grids, strict=True)}


def round_count(value: int, base: int) -> int:
    """``value`` rounded half up to a multiple of ``base`` (unchanged when ``base`` is 0)."""
    if base <= 0:
        return value
    return (2 * value + base) // (2 * base) * base


def _tabulate(table: CountTable) -> tuple[Grid, dict[Key, int]]:
    """The table's grid and the value of every cell, margins included."""
    frame = table.frame
    missing = [c for c in (*table.dims, COUNT) if c not in frame.columns]
    if missing:
        raise ValueError(f"count table {table.name!r} lacks columns {missing}")
    dims = list(table.dims)
    frame = frame[[*dims, COUNT]].copy()
    categories = []
    for dim in dims:
        column = frame[dim]
        if isinstance(column.dtype, pd.CategoricalDtype):
            order = list(column.cat.categories)
            column = column.astype(object)
        else:
            order = list(pd.unique(column.dropna()))
        frame[dim] = column.where(column.notna(), NOT_STATED)
        if frame[dim].eq(NOT_STATED).any() and NOT_STATED not in order:
            order.append(NOT_STATED)
        if TOTAL in order:
            raise ValueError(f"count table {table.name!r}: {TOTAL!r} is not a category")
        categories.append(tuple(_plain(c) for c in order))
    counts = pd.to_numeric(frame[COUNT], errors="raise")
    if (counts < 0).any() or (counts != counts.round()).any():
        raise ValueError(f"count table {table.name!r}: counts must be whole and not negative")
    grouped = frame.assign(count=counts.astype("int64")).groupby(dims, sort=False)[COUNT].sum()
    grid = Grid(table.name, tuple(dims), tuple(categories))
    values: dict[Key, int] = {k: 0 for k in grid.cells()}
    for index, count in grouped.items():
        key = tuple(_plain(v) for v in (index if isinstance(index, tuple) else (index,)))
        values[key] += int(count)
    for parts, total in grid.lines():
        values[total] = sum(values[k] for k in parts)
    return grid, values


def _plain(value: Any) -> Any:
    """A numpy scalar as the plain Python value (so keys compare and serialise)."""
    return value.item() if hasattr(value, "item") else value


def _same_margin(a: Grid, va: dict[Key, int], b: Grid, vb: dict[Key, int], dim: str) -> bool:
    ma = margins(a, dim, lambda k: va[k])
    mb = margins(b, dim, lambda k: vb[k])
    if va[a.grand] != vb[b.grand]:
        return False
    return all(ma.get(c, 0) == mb.get(c, 0) for c in set(ma) | set(mb))


class _State:
    """Unknowns (linked cells), their values, and which are withheld and why."""

    def __init__(
        self, linkage: Linkage, values: Mapping[str, dict[Key, int]], rules: DisclosureRules
    ) -> None:
        self.linkage = linkage
        self.rules = rules
        groups = linkage.groups()
        self.members: list[list[CellId]] = [sorted(c, key=repr) for c in groups.values()]
        self.index: dict[CellId, int] = {}
        for u, cells in enumerate(self.members):
            for cell in cells:
                self.index[cell] = u
        self.value = [values[cells[0][0]][cells[0][1]] for cells in self.members]
        self.equations = linkage.equations(self.index)
        self.of_unknown: list[list[int]] = [[] for _ in self.members]
        for e, equation in enumerate(self.equations):
            for u, _ in equation:
                self.of_unknown[u].append(e)
        # Totals are worse complements than inside cells: they cost more information.
        self.is_total = [any(TOTAL in key for _, key in cells) for cells in self.members]
        self.reason: dict[int, str] = {}

    def withhold_primary_and_carried(self, carried: Mapping[str, set[tuple[Any, ...]]]) -> None:
        threshold = self.rules.count_threshold
        for u, v in enumerate(self.value):
            if 1 <= v <= threshold:
                self.reason[u] = PRIMARY
        for name, keys in carried.items():
            for key in keys:
                cell = (name, tuple(key)[:-1]) if tuple(key)[-1:] == (COUNT,) else None
                found = self.index.get(cell) if cell else None
                if found is not None and found not in self.reason:
                    self.reason[found] = CARRIED

    def protect(self) -> int:
        """Withhold complements until the attacker recovers nothing; the rounds taken."""
        for rounds in range(1, MAX_ROUNDS + 1):
            self._greedy()
            recovered = self._recovered()
            if not recovered:
                return rounds
            added = False
            touched: set[int] = set()
            for u in recovered:
                # One new complement per line and round: it may protect several cells.
                if touched.isdisjoint(self.of_unknown[u]) and self._complement(
                    u, self.of_unknown[u]
                ):
                    added = True
                    touched.update(self.of_unknown[u])
            if not added and not self._conceal(recovered):
                log.warning("disclosure.counts.unprotectable", cells=len(recovered))
                return rounds
        return MAX_ROUNDS

    def _conceal(self, recovered: list[int]) -> bool:
        """No complement is left: stop saying why the lines' withheld cells are withheld.

        In a tiny table every cell may be withheld and still be pinned, because
        "primary" says each is at least 1. Giving no reason leaves the attacker only
        non-negativity. Whether any reason was changed.
        """
        changed = False
        for u in recovered:
            for e in self.of_unknown[u]:
                for cell, _ in self.equations[e]:
                    if self.reason.get(cell) not in (None, CONFIDENTIAL):
                        self.reason[cell] = CONFIDENTIAL
                        changed = True
        return changed

    def _greedy(self) -> None:
        changed = True
        while changed:
            changed = False
            for e, equation in enumerate(self.equations):
                if sum(1 for u, _ in equation if u in self.reason) == 1:
                    changed |= self._complement(None, [e])

    def _complement(self, target: int | None, equations: list[int]) -> bool:
        """Withhold the best published cell of ``equations``; whether one was found."""
        best: tuple[Any, ...] | None = None
        for e in equations:
            equation = self.equations[e]
            withheld = sum(1 for u, _ in equation if u in self.reason)
            for u, _ in equation:
                if u == target or u in self.reason:
                    continue
                # A withheld zero protects little (and can often be told), so zeros last.
                rank = (self.value[u] == 0, self.is_total[u], withheld, self.value[u], u)
                if best is None or rank < best:
                    best = rank
        if best is None:
            return False
        self.reason[best[-1]] = SECONDARY
        return True

    def system(self) -> LinearSystem:
        """The attacker's view (unrounded values, reasons public)."""
        threshold = self.rules.count_threshold
        system = LinearSystem(equations=self.equations)
        for u, v in enumerate(self.value):
            reason = self.reason.get(u)
            if reason is None:
                system.add(Unknown(value=float(v)))
            elif reason == PRIMARY:
                system.add(Unknown(lower=1, upper=threshold, target=True))
            elif reason == CONFIDENTIAL:
                system.add(Unknown(target=True))
            else:
                system.add(Unknown(gap=threshold + 1, target=True))
        return system

    def _recovered(self) -> list[int]:
        bounds = solve_bounds(self.system(), intervals=False)
        return sorted(u for u, interval in bounds.items() if interval.disclosive)

    def publish(self, table: CountTable, grid: Grid) -> PublishedTable:
        base = self.rules.round_to
        rows, withheld = [], {}
        for i, key in enumerate(grid.cells()):
            u = self.index[(grid.name, key)]
            row: dict[str, Any] = dict(zip(grid.dims, key, strict=True))
            reason = self.reason.get(u)
            row[COUNT] = None if reason else round_count(self.value[u], base)
            if reason:
                withheld[(i, COUNT)] = reason
            rows.append(row)
        columns = tuple(Column(d, table.dim_titles.get(d, d), "dimension") for d in grid.dims)
        notes = list(table.notes)
        if base:
            notes.append(f"Counts rounded to the nearest {base}; totals rounded from exact totals.")
        return PublishedTable(
            name=table.name,
            title=table.title,
            columns=(*columns, Column(COUNT, table.count_title, "count")),
            rows=rows,
            withheld=withheld,
            key=grid.dims,
            notes=tuple(notes),
        )
