"""For any random table, or set of linked tables, the attacker recovers nothing once protected."""

from __future__ import annotations

import itertools

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchange.disclosure import (
    CONFIDENTIAL,
    PRIMARY,
    TOTAL,
    CountTable,
    DisclosureRules,
    PublishedTable,
    attack,
    protect_counts,
)

count = st.one_of(st.just(0), st.integers(1, 7), st.integers(8, 60))
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def grids(draw: st.DrawFn) -> list[list[int]]:
    rows = draw(st.integers(1, 5))
    cols = draw(st.integers(1, 5))
    return [[draw(count) for _ in range(cols)] for _ in range(rows)]


@st.composite
def rule_sets(draw: st.DrawFn) -> DisclosureRules:
    return DisclosureRules(
        count_threshold=draw(st.sampled_from([3, 5, 7])), round_to=draw(st.sampled_from([0, 5]))
    )


def frame_of(grid: list[list[int]], dims: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {dims[0]: f"r{i}", dims[1]: f"c{j}", "count": v}
            for i, row in enumerate(grid)
            for j, v in enumerate(row)
        ]
    )


def split(draw: st.DrawFn, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` whole non-negative numbers."""
    cuts = sorted(draw(st.integers(0, total)) for _ in range(parts - 1))
    edges = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(edges)]


def check(out: dict[str, PublishedTable], rules: DisclosureRules) -> None:
    report = attack(list(out.values()), rules)
    assert report.recoverable == []
    for table in out.values():
        for i, row in enumerate(table.rows):
            if table.reason(i, "count") is None:
                assert row["count"] % max(rules.round_to, 1) == 0


def assert_small_counts_withheld(
    table: PublishedTable, truth: dict[tuple, int], rules: DisclosureRules
) -> None:
    for i, row in enumerate(table.rows):
        key = tuple(row[d] for d in table.key)
        if 1 <= truth[key] <= rules.count_threshold:
            assert table.reason(i, "count") in (PRIMARY, CONFIDENTIAL)


def truth_of(grid: list[list[int]]) -> dict[tuple, int]:
    truth = {(f"r{i}", f"c{j}"): v for i, row in enumerate(grid) for j, v in enumerate(row)}
    for i, row in enumerate(grid):
        truth[(f"r{i}", TOTAL)] = sum(row)
    for j in range(len(grid[0])):
        truth[(TOTAL, f"c{j}")] = sum(row[j] for row in grid)
    truth[(TOTAL, TOTAL)] = sum(map(sum, grid))
    return truth


@PROPERTY
@given(grid=grids(), rules=rule_sets())
def test_one_protected_table_gives_nothing_away(grid, rules):
    """One two-way table: small counts withheld, none recoverable."""
    out = protect_counts([CountTable("t", "T", ("r", "c"), frame_of(grid, ("r", "c")))], rules)
    assert_small_counts_withheld(out["t"], truth_of(grid), rules)
    check(out, rules)


@PROPERTY
@given(data=st.data(), grid=grids(), rules=rule_sets())
def test_linked_tables_give_nothing_away_together(data, grid, rules):
    """A two-way table, its one-way margin, and a second two-way table on the same rows."""
    first = CountTable("first", "First", ("r", "c"), frame_of(grid, ("r", "c")))
    margin = pd.DataFrame({"r": [f"r{i}" for i in range(len(grid))], "count": map(sum, grid)})
    second_grid = [split(data.draw, sum(row), data.draw(st.integers(1, 3))) for row in grid]
    width = max(len(r) for r in second_grid)
    second_grid = [r + [0] * (width - len(r)) for r in second_grid]
    second = CountTable("second", "Second", ("r", "route"), frame_of(second_grid, ("r", "route")))
    out = protect_counts([first, CountTable("margin", "Margin", ("r",), margin), second], rules)
    # The shared margin is published, or withheld, identically in all three tables.
    for i in range(len(grid)):
        views = []
        for name, table in out.items():
            for index, row in enumerate(table.rows):
                if row["r"] == f"r{i}" and all(row[d] == TOTAL for d in table.key[1:]):
                    views.append((name, row["count"], table.reason(index, "count") is None))
        assert len({(v, shown) for _, v, shown in views}) == 1, views
    check(out, rules)


@PROPERTY
@given(grid=grids(), rules=rule_sets(), data=st.data())
def test_carried_cells_give_nothing_away(grid, rules, data):
    """Cells carried from an earlier release are withheld and protected."""
    frame = frame_of(grid, ("r", "c"))
    keys = [(f"r{i}", f"c{j}", "count") for i in range(len(grid)) for j in range(len(grid[0]))]
    carried = set(data.draw(st.lists(st.sampled_from(keys), max_size=3)))
    out = protect_counts([CountTable("t", "T", ("r", "c"), frame)], rules, {"t": carried})
    withheld = {(out["t"].rows[i]["r"], out["t"].rows[i]["c"], c) for i, c in out["t"].withheld}
    assert carried <= withheld
    check(out, rules)
