"""The shape of count tables: their cells, how they add up, and which cells are one number.

A count table has one or two dimensions; its cells are keyed by a value of each
dimension, with :data:`~exchange.disclosure.tables.TOTAL` for a margin. Each *line* of a
table (a row, a column, or the whole of a one-way table) adds up to its total. Two
tables that share a dimension and agree on its margin count the same people, so the
margin cells are one number published in two places: :class:`Linkage` makes them one
unknown, which both the suppression (to withhold them together) and the attacker (to
combine the tables) work with.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from exchange.disclosure.tables import TOTAL

Key = tuple[Any, ...]
CellId = tuple[str, Key]
V = TypeVar("V")


@dataclass(frozen=True)
class Grid:
    """A count table's structure: its dimensions and the categories of each (no TOTAL)."""

    name: str
    dims: tuple[str, ...]
    categories: tuple[tuple[Any, ...], ...]

    def __post_init__(self) -> None:
        if len(self.dims) not in (1, 2) or len(self.categories) != len(self.dims):
            raise ValueError(f"count table {self.name!r} needs one or two dimensions")

    @property
    def grand(self) -> Key:
        """The key of the grand total."""
        return (TOTAL,) * len(self.dims)

    def cells(self) -> list[Key]:
        """Every cell key, margins last in each dimension."""
        return list(itertools.product(*[(*c, TOTAL) for c in self.categories]))

    def lines(self) -> list[tuple[list[Key], Key]]:
        """Each line as (its parts, its total)."""
        if len(self.dims) == 1:
            return [([(c,) for c in self.categories[0]], self.grand)]
        rows, cols = ((*c, TOTAL) for c in self.categories)
        lines = [([(r, c) for c in self.categories[1]], (r, TOTAL)) for r in rows]
        lines += [([(r, c) for r in self.categories[0]], (TOTAL, c)) for c in cols]
        return lines

    def margin(self, dim: str, category: Any) -> Key:
        """The key of the margin cell of ``category`` in dimension ``dim``."""
        return tuple(category if d == dim else TOTAL for d in self.dims)


def margins(grid: Grid, dim: str, value: Callable[[Key], V]) -> dict[Any, V]:
    """The margin of ``dim`` as category -> ``value(key)``."""
    position = grid.dims.index(dim)
    return {c: value(grid.margin(dim, c)) for c in grid.categories[position]}


def shared_dimensions(grids: Sequence[Grid]) -> list[tuple[Grid, Grid, str]]:
    """Every pair of tables with a dimension in common, and the dimension."""
    pairs = []
    for a, b in itertools.combinations(grids, 2):
        for dim in a.dims:
            if dim in b.dims:
                pairs.append((a, b, dim))
    return pairs


class Linkage:
    """Cells of several tables grouped into unknowns (union-find over cell ids)."""

    def __init__(self, grids: Sequence[Grid]) -> None:
        self.grids = {g.name: g for g in grids}
        if len(self.grids) != len(grids):
            raise ValueError("count tables need distinct names")
        self._parent: dict[CellId, CellId] = {
            (g.name, k): (g.name, k) for g in grids for k in g.cells()
        }

    def find(self, cell: CellId) -> CellId:
        """The representative cell of ``cell``'s unknown."""
        parent = self._parent
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    def union(self, a: CellId, b: CellId) -> None:
        """Make two cells one unknown."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb, key=repr)] = min(ra, rb, key=repr)

    def link_dimension(self, a: Grid, b: Grid, dim: str) -> None:
        """Join the margins of ``dim`` (categories missing from one table are zeros there)."""
        categories_b = set(b.categories[b.dims.index(dim)])
        for category in a.categories[a.dims.index(dim)]:
            if category in categories_b:
                self.union((a.name, a.margin(dim, category)), (b.name, b.margin(dim, category)))
        self.union((a.name, a.grand), (b.name, b.grand))

    def groups(self) -> dict[CellId, list[CellId]]:
        """Representative -> every cell of that unknown."""
        out: dict[CellId, list[CellId]] = {}
        for cell in self._parent:
            out.setdefault(self.find(cell), []).append(cell)
        return out

    def equations(self, index: Mapping[CellId, int]) -> list[list[tuple[int, int]]]:
        """Each line of each table as ``sum(parts) - total == 0`` over unknown indices."""
        equations = []
        for grid in self.grids.values():
            for parts, total in grid.lines():
                terms: dict[int, int] = {}
                for key in parts:
                    u = index[self.find((grid.name, key))]
                    terms[u] = terms.get(u, 0) + 1
                t = index[self.find((grid.name, total))]
                terms[t] = terms.get(t, 0) - 1
                equation = [(u, c) for u, c in terms.items() if c != 0]
                if equation:
                    equations.append(equation)
        return equations
