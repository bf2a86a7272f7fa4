"""The attacker: what it recovers from badly protected tables, and what it cannot."""

from __future__ import annotations

import pandas as pd

from exchange.disclosure import (
    CARRIED,
    PRIMARY,
    SECONDARY,
    TOTAL,
    Column,
    CountTable,
    DisclosureRules,
    PublishedTable,
    attack,
    attack_releases,
    protect_counts,
    protect_statistics,
)

RULES = DisclosureRules()


def published(name: str, dims: tuple[str, ...], cells: list[tuple]) -> PublishedTable:
    """A count table by hand: ``cells`` are (*dim values, value, reason or None)."""
    rows, withheld = [], {}
    for i, (*key, value, reason) in enumerate(cells):
        row = dict(zip(dims, key, strict=True))
        row["count"] = None if reason else value
        if reason:
            withheld[(i, "count")] = reason
        rows.append(row)
    columns = (*(Column(d, d, "dimension") for d in dims), Column("count", "Count", "count"))
    return PublishedTable(name, name, columns, rows, withheld, key=dims)


def test_a_lone_withheld_cell_is_recovered_from_the_total():
    """Primary suppression alone: total minus the rest gives the count."""
    table = published("t", ("a",), [("x", 3, PRIMARY), ("y", 40, None), (TOTAL, 43, None)])
    report = attack([table], RULES)
    assert report.cells_checked == 1
    [recovered] = report.recoverable
    assert (recovered.key, recovered.lower, recovered.upper) == ({"a": "x"}, 3, 3)
    assert not report.safe


def test_published_reasons_are_used_a_secondary_cell_is_not_one_to_threshold():
    """x + y = 9 with x primary (1..7) and y secondary (0 or 8+) forces y = 8, x = 1."""
    table = published(
        "t",
        ("a",),
        [("x", 1, PRIMARY), ("y", 8, SECONDARY), ("z", 30, None), (TOTAL, 39, None)],
    )
    recovered = {c.key["a"]: (c.lower, c.upper) for c in attack([table], RULES).recoverable}
    assert recovered == {"x": (1, 1), "y": (8, 8)}
    # protect_counts sees the same danger and withholds one more cell.
    frame = pd.DataFrame({"a": ["x", "y", "z"], "count": [1, 8, 30]})
    out = protect_counts([CountTable("t", "T", ("a",), frame)], RULES)["t"]
    assert len(out.withheld) == 3
    assert attack([out], RULES).safe


def test_exact_intervals_of_a_protected_rectangle():
    """The classic rectangle: the primary cell is known only to lie in 1..5."""
    table = published(
        "t",
        ("r", "c"),
        [
            ("a", "x", 3, PRIMARY), ("a", "y", 20, SECONDARY), ("a", TOTAL, 23, None),
            ("b", "x", 10, SECONDARY), ("b", "y", 30, SECONDARY), ("b", TOTAL, 40, None),
            (TOTAL, "x", 13, None), (TOTAL, "y", 50, None), (TOTAL, TOTAL, 63, None),
        ],
    )  # fmt: skip
    report = attack([table], RULES, intervals=True)
    bounds = {(c.key["r"], c.key["c"]): (c.lower, c.upper) for c in report.cells}
    assert bounds == {
        ("a", "x"): (1, 5),
        ("a", "y"): (18, 22),
        ("b", "x"): (8, 12),
        ("b", "y"): (28, 32),
    }
    assert report.safe


def test_linked_tables_each_safe_alone_leak_together():
    """A margin withheld in one table but published in the other gives the small count away."""
    by_care = published(
        "by_care",
        ("care",),
        [("home", 5, PRIMARY), ("nursing", 30, None), ("res", 45, SECONDARY), (TOTAL, 80, None)],
    )
    by_route = published(
        "by_route",
        ("care", "route"),
        [
            ("home", "spot", 2, PRIMARY), ("home", "block", 3, PRIMARY),
            ("home", TOTAL, 5, PRIMARY),
            ("nursing", "spot", 12, SECONDARY), ("nursing", "block", 18, SECONDARY),
            ("nursing", TOTAL, 30, SECONDARY),
            ("res", "spot", 20, None), ("res", "block", 25, None), ("res", TOTAL, 45, None),
            (TOTAL, "spot", 34, None), (TOTAL, "block", 46, None), (TOTAL, TOTAL, 80, None),
        ],
    )  # fmt: skip
    assert attack([by_care], RULES).safe
    assert attack([by_route], RULES).safe
    report = attack([by_care, by_route], RULES)
    recovered = {(c.table, c.key["care"]) for c in report.recoverable}
    assert ("by_care", "home") in recovered


def test_release_differencing_flags_a_cell_published_after_being_withheld():
    """Withheld in release 1, published in release 2: a violation; carried: none."""
    frame1 = pd.DataFrame({"a": ["x", "y", "z"], "count": [3, 20, 30]})
    frame2 = pd.DataFrame({"a": ["x", "y", "z"], "count": [9, 20, 30]})
    first = protect_counts([CountTable("t", "T", ("a",), frame1)], RULES)
    naive = protect_counts([CountTable("t", "T", ("a",), frame2)], RULES)
    report = attack_releases(first, naive, RULES)
    assert {v["key"][0] for v in report.violations} == {"x", "y"}
    assert not report.safe
    withheld_keys = {
        (*(first["t"].rows[i][d] for d in first["t"].key), c) for i, c in first["t"].withheld
    }
    carried = protect_counts([CountTable("t", "T", ("a",), frame2)], RULES, {"t": withheld_keys})
    assert set(carried["t"].withheld.values()) <= {CARRIED, SECONDARY}
    assert CARRIED in carried["t"].withheld.values()
    assert attack_releases(first, carried, RULES).safe


def test_rounded_tables_are_attacked_with_rounding_intervals():
    """With base 5 published cells are only known within their rounding interval."""
    rules = DisclosureRules(round_to=5)
    rows = [(f"r{i}", f"c{j}", (i * 11 + j * 7) % 23) for i in range(4) for j in range(5)]
    frame = pd.DataFrame(rows, columns=["r", "c", "count"])
    out = protect_counts([CountTable("t", "T", ("r", "c"), frame)], rules)
    assert all(r["count"] % 5 == 0 for r in out["t"].rows if r["count"] is not None)
    report = attack(list(out.values()), rules)
    assert report.cells_checked == len(out["t"].withheld)
    assert report.safe


def test_statistics_tables_are_not_count_tables():
    """Only additive count tables are attacked; a statistics table is skipped."""
    frame = pd.DataFrame(
        {"care": ["home"], "placements": [4], "authorities": [1], "max_share": [1.0],
         "median": [900.0]}
    )  # fmt: skip
    table = protect_statistics(
        frame, dims=["care"], value_columns=["median"], rules=RULES, name="s", title="S"
    )
    report = attack([table], RULES)
    assert report.cells_checked == 0
    assert report.as_dict()["safe"] is True
