"""The fast paths of the picture give exactly what the plain pandas ones gave: cost
summaries over integer codes equal ``cost_summary`` figure for figure, labels built from
categoricals equal labels built from text, and people are counted alike either way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exchange.disclosure.statistics import cost_summary
from exchange.picture.compute import NOT_STATED, label
from exchange.picture.counts import people_counts
from exchange.picture.grouping import COST_RANK, cost_groups, with_cost_rank

FIGURES = ("placements", "authorities", "max_share", "lq", "median", "uq")


def frame(n: int, *, seed: int, groups: int = 25) -> pd.DataFrame:
    """Costs with ties, gaps and small groups, over categorical dimensions."""
    rng = np.random.default_rng(seed)
    costs = rng.choice([555.5, 812.25, 1000.0], n) * rng.choice([1.0, 1.1, 0.9], n)
    costs = np.where(rng.random(n) < 0.5, rng.uniform(200, 3000, n).round(2), costs)
    return pd.DataFrame({
        "care_type": rng.choice([f"care {i}" for i in range(groups)], n),
        "route": rng.choice(["block", "framework", "spot"], n, p=[0.05, 0.6, 0.35]),
        "authority": rng.choice([f"E0600{i:04d}" for i in range(6)], n),
        "weekly_cost": np.where(rng.random(n) < 0.05, np.nan, costs),
    }).astype({"care_type": "category", "route": "category", "authority": "category"})  # fmt: skip


def reference(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``cost_summary`` as the picture called it before (labels from category codes)."""
    coded = pd.DataFrame({c: rows[c].cat.codes for c in dict.fromkeys([*by, "authority"])})
    coded["weekly_cost"] = rows["weekly_cost"]
    authority = "authority"
    if "authority" in by:
        coded["contributor"] = coded["authority"]
        authority = "contributor"
    result = cost_summary(coded, by, authority=authority)
    for column in by:
        result[column] = rows[column].cat.categories.take(result[column].to_numpy())
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "by", [["care_type"], ["care_type", "route"], ["route", "authority"], []]
)  # fmt: skip
def test_cost_groups_equal_cost_summary_bit_for_bit(seed: int, by: list[str]) -> None:
    """Same groups in the same order, same counts, shares and quartiles (exact floats)."""
    rows = frame(5000 + 997 * seed, seed=seed)
    expected = reference(rows, by)
    for got in (cost_groups(rows, by), cost_groups(with_cost_rank(rows), by)):
        assert len(got) == len(expected)
        for column in [*by, *FIGURES]:
            assert got[column].tolist() == expected[column].tolist(), column
        assert np.allclose(got["mean"].astype(float), expected["mean"].astype(float))


def test_cost_rank_of_a_subset_still_orders_its_values() -> None:
    """A subset of ranked rows (some rows dropped) gives the subset's own quartiles."""
    rows = with_cost_rank(frame(4000, seed=7))
    subset = rows.loc[rows["route"] != "spot"]
    assert COST_RANK in subset
    got = cost_groups(subset, ["care_type"])
    expected = reference(subset.drop(columns=COST_RANK), ["care_type"])
    for column in FIGURES:
        assert got[column].tolist() == expected[column].tolist(), column


def test_cost_groups_of_text_columns_and_edge_cases() -> None:
    """Plain text dimensions are grouped like categoricals; no costs gives an empty frame."""
    rows = frame(3000, seed=11)
    text = rows.astype({"care_type": object, "route": object})
    assert cost_groups(text, ["care_type", "route"]).equals(
        cost_groups(rows, ["care_type", "route"])
    )
    one = cost_groups(rows.iloc[:1].assign(weekly_cost=412.5), ["care_type"])
    assert one[["placements", "authorities", "max_share", "lq", "median", "uq"]].iloc[
        0
    ].tolist() == [1, 1, 1.0, 412.5, 412.5, 412.5]
    empty = cost_groups(rows.assign(weekly_cost=np.nan), ["care_type"])
    assert empty.empty
    assert list(empty.columns) == [
        "care_type", "placements", "authorities", "max_share", "lq", "median", "uq", "mean"
    ]  # fmt: skip


def test_labels_from_categoricals_equal_labels_from_text() -> None:
    """Missing and empty values become Not stated; categories are the sorted labels used."""
    values = pd.Series(["nursing", None, "", "residential", "nursing", "home_care", None])
    from_text = label(values)
    categorical = values.where(values != "", None).astype("category")
    from_categories = label(categorical.cat.add_categories(["unused"]))
    assert from_categories.tolist() == from_text.tolist()
    assert list(from_categories.cat.categories) == list(from_text.cat.categories)
    assert NOT_STATED in from_text.cat.categories
    assert label(pd.Series(["b", "a"]).astype("category")).cat.categories.tolist() == ["a", "b"]


def test_people_counted_alike_from_text_or_categoricals() -> None:
    """People placed by one, two, three or more authorities; unknown people not counted."""
    rows = pd.DataFrame({
        "person": ["p1", "p1", "p2", "p2", "p2", "p3", "p3", "p3", None, "p4", "p4"],
        "authority": ["A", "A", "A", "B", "B", "A", "B", "C", "C", "D", "D"],
    })  # fmt: skip
    counts = people_counts(rows)
    assert counts["count"].tolist() == [2, 1, 1]  # p1, p4: one; p2: two; p3: three
    assert people_counts(rows.astype("category")).equals(counts)
