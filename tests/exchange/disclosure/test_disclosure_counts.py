"""Count tables: margins, primary, secondary, carried suppression, rounding, linked tables."""

from __future__ import annotations

import pandas as pd
import pytest

from exchange.disclosure import (
    CARRIED,
    CONFIDENTIAL,
    PRIMARY,
    SECONDARY,
    TOTAL,
    CountTable,
    DisclosureRules,
    PublishedTable,
    attack,
    protect_counts,
    round_count,
)

RULES = DisclosureRules()


def two_way(name: str, rows: dict[str, dict[str, int]], dims=("care_type", "route")) -> CountTable:
    records = [
        {dims[0]: r, dims[1]: c, "count": n} for r, cols in rows.items() for c, n in cols.items()
    ]
    return CountTable(name, name.title(), dims, pd.DataFrame(records))


def one_way(name: str, counts: dict[str, int], dim: str = "care_type") -> CountTable:
    frame = pd.DataFrame({dim: list(counts), "count": list(counts.values())})
    return CountTable(name, name.title(), (dim,), frame)


def cell(table: PublishedTable, *key: str) -> tuple[object, str | None]:
    """The published value and reason of the cell with dimension values ``key``."""
    for i, row in enumerate(table.rows):
        if tuple(row[d] for d in table.key) == key:
            return row["count"], table.reason(i, "count")
    raise KeyError(key)


def test_one_way_table_gets_total_and_withholds_small_counts_with_a_complement():
    """A lone small count is withheld with the smallest other count, so the total can't give it."""
    out = protect_counts([one_way("t", {"a": 3, "b": 40, "c": 25, "d": 0})], RULES)["t"]
    assert cell(out, "a") == (None, PRIMARY)
    assert cell(out, "c") == (None, SECONDARY)
    assert cell(out, "b") == (40, None)
    assert cell(out, "d") == (0, None)  # zero is published
    assert cell(out, TOTAL) == (68, None)
    assert out.key == ("care_type",)
    assert out.display_rows()[0]["count"] == "[c]"


def test_two_way_table_is_long_with_all_margins_and_safe():
    """Every cell, row and column total and the grand total is a row; nothing recoverable."""
    table = two_way(
        "t",
        {
            "home": {"spot": 20, "framework": 2, "block": 15},
            "residential": {"spot": 8, "framework": 20, "block": 12},
            "nursing": {"spot": 14, "framework": 6, "block": 9},
        },
    )
    out = protect_counts([table], RULES)["t"]
    assert len(out.rows) == 4 * 4
    assert cell(out, TOTAL, TOTAL) == (106, None)
    assert cell(out, "home", "framework")[1] == PRIMARY
    assert cell(out, "nursing", "framework")[1] == PRIMARY
    # Each row and column with a withheld cell has at least two.
    for dim_index in (0, 1):
        lines: dict[object, int] = {}
        for i, row in enumerate(out.rows):
            if out.reason(i, "count"):
                lines[row[out.key[dim_index]]] = lines.get(row[out.key[dim_index]], 0) + 1
        assert all(n >= 2 for n in lines.values())
    assert attack([out], RULES).recoverable == []


def test_totals_of_one_to_threshold_are_withheld_too():
    """A row total of 5 people is itself a small count."""
    out = protect_counts([two_way("t", {"a": {"x": 2, "y": 3}, "b": {"x": 30, "y": 40}})], RULES)
    assert cell(out["t"], "a", TOTAL)[1] == PRIMARY
    assert attack(list(out.values()), RULES).recoverable == []


def test_linked_tables_share_suppression_of_their_common_margin():
    """A one-way table equal to a two-way table's margin withholds the same margin cells."""
    rows = {
        "home": {"spot": 3, "framework": 2},
        "residential": {"spot": 30, "framework": 20},
        "nursing": {"spot": 14, "framework": 16},
    }
    margin = {k: sum(v.values()) for k, v in rows.items()}
    out = protect_counts([two_way("by_route", rows), one_way("by_care", margin)], RULES)
    assert cell(out["by_care"], "home") == (None, PRIMARY)
    for care in rows:
        in_two_way = cell(out["by_route"], care, TOTAL)
        in_one_way = cell(out["by_care"], care)
        assert in_two_way == in_one_way
    assert attack(list(out.values()), RULES).recoverable == []


def test_tables_with_different_margins_are_not_linked():
    """People and placements by care type share a dimension but count different things."""
    people = one_way("people", {"home": 3, "residential": 30, "nursing": 20})
    placements = one_way("placements", {"home": 9, "residential": 45, "nursing": 20})
    out = protect_counts([people, placements], RULES)
    assert cell(out["placements"], "home") == (9, None)
    assert cell(out["people"], "home")[1] == PRIMARY


def test_carried_cells_stay_withheld_and_are_protected():
    """A cell withheld in an earlier release stays withheld, now above the threshold."""
    rows = {"a": {"x": 20, "y": 30}, "b": {"x": 25, "y": 40}}
    out = protect_counts([two_way("t", rows)], RULES, carried={"t": {("a", "x", "count")}})["t"]
    assert cell(out, "a", "x") == (None, CARRIED)
    assert sum(1 for r in out.withheld.values() if r == SECONDARY) >= 3
    assert attack([out], RULES).recoverable == []


def test_rounding_rounds_published_counts_and_totals_from_exact_values():
    """With base 5 the grand total is the exact total rounded, not the sum of rounded cells."""
    rules = DisclosureRules(round_to=5)
    out = protect_counts([one_way("t", {"a": 12, "b": 12, "c": 12})], rules)["t"]
    assert [r["count"] for r in out.rows] == [10, 10, 10, 35]
    assert any("rounded" in note for note in out.notes)
    assert round_count(12, 5) == 10
    assert round_count(13, 5) == 15
    assert round_count(7, 0) == 7


def test_a_table_of_only_small_counts_is_returned_fully_withheld():
    """Every cell withheld, the rows and marks still there (the download shows them)."""
    out = protect_counts([two_way("t", {"a": {"x": 1, "y": 2}, "b": {"x": 3, "y": 1}})], RULES)
    table = out["t"]
    assert len(table.rows) == 9
    assert set(table.withheld.values()) == {PRIMARY}
    assert all(r["count"] == "[c]" for r in table.display_rows())
    assert attack([table], RULES).recoverable == []


def test_empty_input_and_empty_tables():
    """No tables -> nothing; a table with no rows -> just a zero total."""
    assert protect_counts([], RULES) == {}
    empty = CountTable("t", "T", ("a",), pd.DataFrame({"a": [], "count": []}))
    assert protect_counts([empty], RULES)["t"].rows == [{"a": TOTAL, "count": 0}]


def test_missing_categories_are_not_stated_and_bad_counts_refused():
    """Missing values count as 'Not stated'; negative counts and a 'Total' category are refused."""
    frame = pd.DataFrame({"a": ["x", None], "count": [20, 30]})
    out = protect_counts([CountTable("t", "T", ("a",), frame)], RULES)["t"]
    assert [r["a"] for r in out.rows] == ["x", "Not stated", TOTAL]
    with pytest.raises(ValueError, match="not negative"):
        protect_counts([one_way("t", {"a": -1})], RULES)
    with pytest.raises(ValueError, match="not a category"):
        protect_counts([one_way("t", {TOTAL: 3})], RULES)


def test_protection_is_deterministic():
    """The same input gives the same withheld cells."""
    rows = {f"r{i}": {f"c{j}": (i * 7 + j * 5) % 13 for j in range(5)} for i in range(5)}
    first = protect_counts([two_way("t", rows)], RULES)["t"]
    second = protect_counts([two_way("t", rows)], RULES)["t"]
    assert first.to_document() == second.to_document()


def test_a_tiny_table_gives_no_reason_rather_than_its_counts() -> None:
    """Three 1s with a total of 3: "primary" on each would pin every one to 1.

    No complement is left, so the cells lose their reason (``confidential``) and the
    attacker, knowing only that they are whole numbers from 0, recovers nothing.
    """
    rules = DisclosureRules(count_threshold=3)
    out = protect_counts([one_way("tiny", {"a": 1, "b": 1, "c": 1})], rules)
    table = out["tiny"]
    reasons = {row["care_type"]: table.reason(i, "count") for i, row in enumerate(table.rows)}
    assert set(reasons) == {"a", "b", "c", "Total"}
    assert {reasons["a"], reasons["b"], reasons["c"]} == {CONFIDENTIAL}
    assert all(row["count"] is None for row in table.rows)
    assert attack(list(out.values()), rules).recoverable == []
