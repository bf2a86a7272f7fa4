"""Cost statistics: the summary per group and the sample, authorities and dominance rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exchange.disclosure import (
    AUTHORITIES,
    DOMINANCE,
    SAMPLE,
    Column,
    DisclosureRules,
    cost_summary,
    protect_statistics,
    sample_band,
)

RULES = DisclosureRules()


def placements(spec: dict[str, list[tuple[str, float]]]) -> pd.DataFrame:
    """Placements as (care_type, authority, weekly_cost) rows from {care: [(authority, cost)]}."""
    rows = [
        {"care_type": care, "authority": a, "weekly_cost": cost}
        for care, items in spec.items()
        for a, cost in items
    ]
    return pd.DataFrame(rows)


def test_cost_summary_matches_numpy_per_group():
    """Placements, authorities, largest share and quartiles per group; missing costs left out."""
    frame = placements(
        {
            "home": [("A", 100.0), ("A", 200.0), ("B", 300.0), ("C", 400.0)],
            "nursing": [("A", 1000.0), ("A", float("nan"))],
        }
    )
    summary = cost_summary(frame, "care_type").set_index("care_type")
    home = summary.loc["home"]
    assert home["placements"] == 4
    assert home["authorities"] == 3
    assert home["max_share"] == pytest.approx(0.5)
    costs = np.array([100.0, 200.0, 300.0, 400.0])
    assert home["lq"] == pytest.approx(np.quantile(costs, 0.25))
    assert home["median"] == pytest.approx(250.0)
    assert home["uq"] == pytest.approx(np.quantile(costs, 0.75))
    assert home["mean"] == pytest.approx(250.0)
    assert summary.loc["nursing", "placements"] == 1


def test_cost_summary_regional_row_and_empty_frame():
    """No grouping gives one regional row; no costs give an empty frame with the columns."""
    frame = placements({"home": [("A", 100.0), ("B", 300.0)]})
    regional = cost_summary(frame, [])
    assert len(regional) == 1
    assert regional.loc[0, "median"] == pytest.approx(200.0)
    empty = cost_summary(frame.iloc[0:0], "care_type")
    assert list(empty.columns) == [
        "care_type", "placements", "authorities", "max_share", "lq", "median", "uq", "mean",
    ]  # fmt: skip
    assert empty.empty


def test_each_rule_withholds_the_row_with_the_first_failing_reason():
    """Too few placements, then too few authorities, then one authority dominating."""
    frame = pd.DataFrame(
        {
            "care_type": ["few", "two_las", "dominated", "fine", "both"],
            "placements": [9, 50, 50, 50, 5],
            "authorities": [3, 2, 4, 4, 1],
            "max_share": [0.4, 0.5, 0.61, 0.6, 1.0],
            "median": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    columns = [
        Column("care_type", "Care type", "dimension"),
        Column("placements", "Placements", "band"),
        Column("median", "Median weekly cost", "money"),
    ]
    table = protect_statistics(
        frame,
        dims=["care_type"],
        value_columns=["median"],
        rules=RULES,
        name="costs",
        title="Costs",
        columns=columns,
    )
    reasons = {row["care_type"]: table.reason(i, "median") for i, row in enumerate(table.rows)}
    assert reasons == {
        "few": SAMPLE,
        "two_las": AUTHORITIES,
        "dominated": DOMINANCE,
        "fine": None,
        "both": SAMPLE,
    }
    fine = table.rows[3]
    assert fine == {"care_type": "fine", "placements": "50-99", "median": 4.0}
    assert table.rows[0]["placements"] is None  # the sample size goes with the statistic
    assert table.display_rows()[0]["median"] == "[x]"
    assert table.key == ("care_type",)


def test_thresholds_come_from_the_rules():
    """A stricter deployment withholds more."""
    frame = pd.DataFrame(
        {"g": ["a"], "placements": [15], "authorities": [3], "max_share": [0.5], "uq": [9.0]}
    )
    strict = DisclosureRules(min_cost_sample=20, max_authority_share=0.4)
    kwargs = {"dims": ["g"], "value_columns": ["uq"], "name": "n", "title": "t"}
    assert protect_statistics(frame, rules=RULES, **kwargs).withheld == {}
    assert protect_statistics(frame, rules=strict, **kwargs).withheld == {(0, "uq"): SAMPLE}


def test_sample_bands():
    """Sample sizes are shown as bands starting at the minimum sample."""
    assert sample_band(10) == "10-19"
    assert sample_band(19) == "10-19"
    assert sample_band(20) == "20-49"
    assert sample_band(999) == "250-999"
    assert sample_band(5000) == "1000 or more"
    assert sample_band(30, minimum=25) == "25-49"
