"""The picture's tables from prepared rows, without a database: every table built,
small counts withheld and unrecoverable across the period's tables, cost statistics
protected, savings and bands computed as the East Midlands papers did."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from exchange.disclosure.attack import attack
from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.tables import PRIMARY, TOTAL, PublishedTable
from exchange.errors import ConfigurationError
from exchange.picture import catalogue as cat
from exchange.picture.compute import (
    NOT_STATED,
    PeriodInputs,
    carried_cells,
    compute_picture,
)
from exchange.picture.costs import band
from exchange.picture.quality import parse_quality_weights

RULES = DisclosureRules()
AUTHORITIES = ("E06000015", "E06000016", "E06000017", "E06000018", "E10000007")
WEIGHTS = parse_quality_weights("outstanding=4,good=3,requires_improvement=2,inadequate=1")


def placements(n: int = 1500, *, seed: int = 3) -> pd.DataFrame:
    """Prepared placements over five authorities, 40 suppliers, three care types."""
    rng = np.random.default_rng(seed)
    supplier = rng.integers(0, 40, n)
    care = rng.choice(["residential", "nursing", "home_care"], n, p=[0.5, 0.45, 0.05])
    frame = pd.DataFrame({
        "authority": rng.choice(AUTHORITIES, n),
        "person": np.where(rng.random(n) < 0.9,
                           np.char.add("v1:p", rng.integers(0, n, n).astype(str)), None),
        "care_type": care,
        "primary_support_reason": rng.choice(
            ["learning_disability", "mental_health", "memory_cognition"], n, p=[0.6, 0.38, 0.02]),
        "provider_type": rng.choice(["private", "voluntary"], n),
        "procurement_route": rng.choice(["framework", "spot", "block"], n, p=[0.6, 0.37, 0.03]),
        "quality_rating": rng.choice(["good", "outstanding", "requires_improvement"], n),
        "supplier": np.char.add("Supplier ", supplier.astype(str)).astype(object),
        "supplier_id": pd.array(supplier + 1, dtype="Int64"),
        "weekly_cost": rng.uniform(500, 1500, n) * np.where(care == "nursing", 1.3, 1.0),
    })  # fmt: skip
    small = (frame["care_type"] == "home_care") & (
        (frame["procurement_route"] == "block")
        | (frame["primary_support_reason"] == "memory_cognition")
    )
    frame.loc[small, ["procurement_route", "primary_support_reason"]] = ["spot", "mental_health"]
    frame.loc[frame.index[:3], ["care_type", "procurement_route", "primary_support_reason"]] = [
        "home_care",
        "block",
        "memory_cognition",
    ]  # three people: a small cell in two linked tables
    return frame


def spend(n: int = 300, *, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    supplier = rng.integers(0, 40, n)
    return pd.DataFrame({
        "authority": rng.choice(AUTHORITIES, n),
        "service_area": rng.choice(["Adult Social Care", "Children's Services"], n),
        "supplier": np.char.add("Supplier ", supplier.astype(str)).astype(object),
        "supplier_id": pd.array(supplier + 1, dtype="Int64"),
        "net_amount": rng.uniform(500, 20000, n).round(2),
    })  # fmt: skip


LABELS = ("authority", "care_type", "primary_support_reason", "provider_type",
          "procurement_route", "quality_rating", "supplier")  # fmt: skip


def inputs(rows: pd.DataFrame | None = None, **changes: Any) -> PeriodInputs:
    """Inputs as the builder prepares them (label columns categorical)."""
    rows = placements() if rows is None else rows
    made = {
        "period": "2026-Q2",
        "placements": rows.astype({c: "category" for c in LABELS}),
        "spend": spend(),
        "framework": pd.DataFrame(columns=["care_type", "primary_support_reason", "weekly_price"]),
        "quality_weights": WEIGHTS,
        "authorities": AUTHORITIES,
    }
    made.update(changes)
    return PeriodInputs(**made)


@pytest.fixture(scope="module")
def picture() -> Any:
    return compute_picture(inputs(), RULES)


def total_row(table: PublishedTable, **key: Any) -> dict[str, Any]:
    return next(r for r in table.rows if all(r.get(k) == v for k, v in key.items()))


def test_every_catalogued_table_is_built_and_populated(picture: Any) -> None:
    """The period gets exactly the catalogued tables, each with rows (completeness aside)."""
    assert set(picture.tables) == set(cat.TABLES)
    empty = {name for name, table in picture.tables.items() if not table.rows}
    assert empty == {cat.COMPLETENESS}  # no tracker rows were given


def test_linked_tables_publish_the_same_care_type_totals(picture: Any) -> None:
    """Care type totals agree between the tables that share the dimension, withheld alike."""
    seen: dict[str, set[Any]] = {}
    for name, other in ((cat.PLACEMENTS_BY_CARE_TYPE, "primary_support_reason"),
                        (cat.PLACEMENTS_BY_ROUTE, "procurement_route"),
                        (cat.PLACEMENTS_BY_AUTHORITY, "authority")):  # fmt: skip
        table = picture.tables[name]
        seen[name] = {
            (row["care_type"], row["placements"] if (i, "placements") not in table.withheld
             else "withheld")
            for i, row in enumerate(table.rows) if row[other] == TOTAL
        }  # fmt: skip
    assert len({frozenset(v) for v in seen.values()}) == 1
    assert (TOTAL, 1500) in seen[cat.PLACEMENTS_BY_CARE_TYPE]


def test_small_counts_are_withheld_and_cannot_be_recovered(picture: Any) -> None:
    """Cells of 1 to 7 are withheld, and the attacker recovers none over all tables together."""
    by_route = picture.tables[cat.PLACEMENTS_BY_ROUTE]
    primary = [r for (i, c), r in by_route.withheld.items() if c == "placements" and r == PRIMARY]
    assert primary, "home care by block route is a small cell"
    for (index, column), _ in by_route.withheld.items():
        if column == "placements":
            assert by_route.to_document()["rows"][index]["placements"] is None
    report = attack(list(picture.tables.values()), RULES)
    assert report.cells_checked > 0
    assert report.recoverable == []
    assert cat.PEOPLE_ACROSS_AUTHORITIES in report.tables


def test_cost_statistics_follow_the_statistics_rule(picture: Any) -> None:
    """Quartiles beside a small (primary) count are withheld; large groups are published."""
    table = picture.tables[cat.PLACEMENTS_BY_CARE_TYPE]
    overall = total_row(table, care_type=TOTAL, primary_support_reason=TOTAL)
    assert overall["lq"] < overall["median"] < overall["uq"]
    primary = [i for (i, c), r in table.withheld.items() if c == "placements" and r == PRIMARY]
    assert primary
    for index in primary:
        assert table.withheld[(index, "median")] == "sample"


def test_supplier_costs_withheld_when_one_authority_dominates() -> None:
    """A supplier bought almost only by one authority shows no price: it would be that price."""
    rows = placements()
    rows.loc[rows["supplier"] == "Supplier 0", "authority"] = AUTHORITIES[0]
    costs = compute_picture(inputs(rows), RULES).tables[cat.SUPPLIER_COSTS]
    reasons = set()
    for index, row in enumerate(costs.rows):
        if row["supplier"] == "Supplier 0":
            reasons.add(costs.withheld[(index, "median")])
            assert row["median"] is None
    assert "authorities" in reasons
    assert reasons <= {"authorities", "sample"}


def test_savings_against_the_regional_median_per_week_and_year(picture: Any) -> None:
    """Excess per year is 52 weeks of excess per week; the region's total adds the authorities'."""
    savings = picture.tables[cat.SAVINGS]
    total = total_row(savings, authority=TOTAL)
    assert total["excess_per_year"] == pytest.approx(total["excess_per_week"] * 52, rel=1e-6)
    shown = [r["excess_per_week"] for r in savings.rows if r["authority"] != TOTAL]
    assert sum(shown) == pytest.approx(total["excess_per_week"], abs=0.05)
    assert total["placements_above"] > 0


def test_savings_use_the_framework_price_where_uploaded() -> None:
    """A framework price far below every cost puts every costed placement of the type above it."""
    rows = placements()
    framework = pd.DataFrame({"care_type": ["residential"], "primary_support_reason": [None],
                              "weekly_price": [100.0]})  # fmt: skip
    savings = compute_picture(inputs(rows, framework=framework), RULES).tables[cat.SAVINGS]
    residential = rows[rows["care_type"] == "residential"]
    excess = (residential["weekly_cost"] - 100.0).sum()
    assert total_row(savings, authority=TOTAL)["excess_per_week"] >= round(excess, 2)
    assert any("framework" in note for note in savings.notes)


def test_benchmark_bands() -> None:
    """An authority's median is placed in one of the four quartile bands."""
    assert band(90, 100, 200, 300) == "below lower quartile"
    assert band(150, 100, 200, 300) == "lower-middle"
    assert band(250, 100, 200, 300) == "upper-middle"
    assert band(301, 100, 200, 300) == "above upper quartile"


def test_benchmarks_show_bands_not_authority_medians(picture: Any) -> None:
    """Benchmarks name a band for each authority and care type, never its own median."""
    table = picture.tables[cat.BENCHMARKS]
    assert "median" not in table.column_names()
    assert {r["band"] for r in table.rows} - {None} <= set(cat.BANDS)
    assert any(r["band"] for r in table.rows)


def test_fair_price_has_ranges_and_banded_sample_sizes(picture: Any) -> None:
    """The fair price guide gives lq/median/uq with the sample size as a band."""
    table = picture.tables[cat.FAIR_PRICE]
    row = total_row(table, care_type="residential", primary_support_reason=TOTAL,
                    provider_type=TOTAL)  # fmt: skip
    assert row["lq"] <= row["median"] <= row["uq"]
    assert isinstance(row["placements"], str)
    assert not row["placements"].isdigit()


def test_quality_value_ranks_and_bands(picture: Any) -> None:
    """Ranked suppliers are banded preferred / reserve preferred / other by cost per point."""
    table = picture.tables[cat.QUALITY_VALUE]
    ranked = [r for r in table.rows if r["rank"] is not None and r["care_type"] == "residential"]
    assert ranked
    ordered = sorted(ranked, key=lambda r: r["rank"])
    ratios = [r["cost_per_point"] for r in ordered]
    assert ratios == sorted(ratios)
    assert ordered[0]["band"] == "preferred"
    assert ordered[-1]["band"] == "other"
    assert ordered[0]["cost_per_point"] == pytest.approx(
        ordered[0]["median"] / ordered[0]["quality_score"], abs=0.01
    )


def test_concentration_top5_and_hhi(picture: Any) -> None:
    """Top-5 share is a percentage and HHI lies between 10,000/suppliers and 10,000."""
    table = picture.tables[cat.SUPPLIER_CONCENTRATION]
    row = total_row(table, care_type="residential")
    assert 5 / row["suppliers"] * 100 <= row["top5_share"] <= 100
    assert 10_000 / row["suppliers"] - 1 <= row["hhi"] <= 10_000


def test_people_across_authorities_counts_only(picture: Any) -> None:
    """People in more than one authority's returns are counted, never listed."""
    table = picture.tables[cat.PEOPLE_ACROSS_AUTHORITIES]
    assert [r["authorities_placing"] for r in table.rows][:3] == ["1", "2", "3 or more"]
    assert not any(str(v).startswith("v1:") for r in table.rows for v in r.values())


def test_carried_suppression_is_withheld_again(picture: Any) -> None:
    """A cell withheld in the previous release stays withheld even if now large."""
    carried = carried_cells(picture.tables)
    assert carried[cat.PLACEMENTS_BY_ROUTE]
    rows = placements()
    block = rows.index[(rows["care_type"] == "home_care")][:40]
    rows.loc[block, "procurement_route"] = "block"  # the small cell grows
    again = compute_picture(inputs(rows), RULES, carried).tables[cat.PLACEMENTS_BY_ROUTE]
    before = picture.tables[cat.PLACEMENTS_BY_ROUTE]
    keys = {(r["care_type"], r["procurement_route"]) for (i, c), _ in before.withheld.items()
            if c == "placements" for r in [before.rows[i]]}  # fmt: skip
    now = {(r["care_type"], r["procurement_route"]) for (i, c), _ in again.withheld.items()
           if c == "placements" for r in [again.rows[i]]}  # fmt: skip
    assert keys <= now


def test_an_empty_period_gives_empty_tables_not_errors() -> None:
    """No rows: every table exists, with no interior cells and nothing to withhold."""
    empty = placements().iloc[0:0]
    built = compute_picture(inputs(empty, spend=spend().iloc[0:0], authorities=()), RULES)
    assert set(built.tables) == set(cat.TABLES)
    assert not built.tables[cat.SUPPLIER_COSTS].rows
    assert not built.tables[cat.SAVINGS].withheld


def test_placements_without_spend_or_spend_without_placements() -> None:
    """One return type alone still builds every table."""
    only_placements = compute_picture(inputs(spend=spend().iloc[0:0]), RULES)
    assert only_placements.tables[cat.SUPPLIER_PICTURE].rows
    only_spend = compute_picture(inputs(placements().iloc[0:0]), RULES)
    assert only_spend.tables[cat.SPEND_BY_AUTHORITY].rows


def test_not_stated_is_a_category_of_its_own() -> None:
    """Empty care types are counted as Not stated, so totals still add up."""
    rows = placements()
    rows.loc[rows.index[:30], "care_type"] = NOT_STATED
    table = compute_picture(inputs(rows), RULES).tables[cat.PLACEMENTS_BY_AUTHORITY]
    assert NOT_STATED in {r["care_type"] for r in table.rows}


@pytest.mark.parametrize(
    "text", ["outstanding=4,good", "brilliant=5", "good=0", "good=3,good=2", "good=x"]
)
def test_malformed_quality_weights_are_refused(text: str) -> None:
    """A weight that is not rating=positive number names the part at fault."""
    with pytest.raises(ConfigurationError, match="picture_quality_weights"):
        parse_quality_weights(text)


def test_quality_weights_leave_out_unrated() -> None:
    """not_rated has no score unless given one."""
    assert "not_rated" not in WEIGHTS
    assert WEIGHTS["outstanding"] == 4.0
