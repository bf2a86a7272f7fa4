"""Supplier tables: the supplier picture, costs per care type, concentration, value for quality.

Suppliers are the regional identities of :mod:`exchange.suppliers` (one per provider,
whatever each council calls it). Rows whose provider was not stated, or was a private
individual the anonymiser redacted, are kept under those labels in the supplier picture
(so totals add up) and left out of rankings and concentration. A supplier's price
figures pass the statistics rule or are withheld: a supplier one authority buys from
mostly would otherwise show that authority's negotiated price. The spread between
authorities is relative (highest authority median less the lowest, as a percentage of
the supplier's median), never one authority's price.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.tables import TOTAL, Column, PublishedTable
from exchange.picture import catalogue as cat
from exchange.picture.compute import NOT_STATED, PRIVATE_INDIVIDUAL, PeriodInputs
from exchange.picture.costs import STAT_COLUMNS, STATISTICS, _money, costed, summary
from exchange.picture.counts import renamed

NOT_SUPPLIERS = frozenset({NOT_STATED, PRIVATE_INDIVIDUAL})


def supplier_tables(
    inputs: PeriodInputs, protected: Mapping[str, PublishedTable], rules: DisclosureRules
) -> dict[str, PublishedTable]:
    """The supplier picture, supplier costs, concentration and price per unit of quality."""
    return {
        cat.SUPPLIER_PICTURE: _picture(inputs, protected[cat.SUPPLIER_PICTURE]),
        cat.SUPPLIER_COSTS: _costs(inputs.placements, rules),
        cat.SUPPLIER_CONCENTRATION: _concentration(inputs.placements, rules),
        cat.QUALITY_VALUE: quality_value(inputs.placements, inputs.quality_weights, rules),
    }


def _picture(inputs: PeriodInputs, counts: PublishedTable) -> PublishedTable:
    table = renamed(counts, cat.SUPPLIER_PICTURE, count_title="Placements")
    spend = inputs.spend.groupby("supplier", observed=True)["net_amount"].sum()
    parts = [
        frame[["supplier", "authority"]].astype(object).drop_duplicates()
        for frame in (inputs.placements, inputs.spend)
        if len(frame)
    ]
    buyers = (
        pd.concat(parts).drop_duplicates()
        if parts
        else pd.DataFrame({"supplier": [], "authority": []}, dtype=object)
    )
    buying = buyers.groupby("supplier").size()
    for row in table.rows:
        supplier = row["supplier"]
        if supplier == TOTAL:
            row["regional_spend"] = round(float(inputs.spend["net_amount"].sum()), 2)
            row["authorities_buying"] = int(buyers["authority"].nunique())
        else:
            row["regional_spend"] = round(float(spend.get(supplier, 0.0)), 2)
            row["authorities_buying"] = int(buying.get(supplier, 0))
    table.columns = (
        *table.columns,
        Column("regional_spend", "Regional spend (£)", "money"),
        Column("authorities_buying", "Authorities buying", "number"),
    )
    table.notes = (
        *table.notes,
        "Spend is the sum of supplier payments in the period's spend returns (published "
        "under the Transparency Code, so not suppressed).",
    )
    return table


def _suppliers_only(placements: pd.DataFrame) -> pd.DataFrame:
    return placements.loc[~placements["supplier"].isin(NOT_SUPPLIERS)]


def _costs(placements: pd.DataFrame, rules: DisclosureRules) -> PublishedTable:
    from exchange.disclosure.statistics import protect_statistics

    rows = costed(_suppliers_only(placements))
    dims = ("supplier", "care_type")
    frame = summary(rows, list(dims))
    if not frame.empty:
        per_authority = summary(rows, [*dims, "authority"])
        by_pair = per_authority.groupby(list(dims), sort=False)["median"]
        spread = by_pair.max() - by_pair.min()
        frame = frame.merge(spread.rename("range").reset_index(), on=list(dims), how="left")
        frame["spread_percent"] = np.where(
            frame["authorities"] > 1, (frame["range"] / frame["median"] * 100).round(1), np.nan
        )
    else:
        frame["spread_percent"] = pd.Series(dtype=float)
    frame = frame.sort_values(list(dims)).reset_index(drop=True)
    columns = (
        Column("supplier", "Supplier", "dimension"),
        Column("care_type", "Care type", "dimension"),
        *STAT_COLUMNS,
        Column("spread_percent", "Spread between authorities (% of median)", "percent"),
    )
    table = protect_statistics(
        frame, dims=dims, value_columns=(*STATISTICS, "spread_percent"), rules=rules,
        name=cat.SUPPLIER_COSTS, title=cat.TABLES[cat.SUPPLIER_COSTS], columns=columns,
    )  # fmt: skip
    _round(table, STATISTICS)
    table.notes = (
        *table.notes,
        "Spread: the highest authority median less the lowest, as a percentage of the "
        "supplier's median for the care type.",
    )
    return table


def _round(table: PublishedTable, columns: tuple[str, ...]) -> None:
    for row in table.rows:
        for column in columns:
            row[column] = _money(row.get(column))


def _concentration(placements: pd.DataFrame, rules: DisclosureRules) -> PublishedTable:
    from exchange.disclosure.statistics import protect_statistics

    rows = costed(_suppliers_only(placements))
    frame = summary(rows, ["care_type"])
    if not frame.empty:
        weekly = rows.groupby(["care_type", "supplier"], observed=True)["weekly_cost"].sum()
        shares = weekly / weekly.groupby(level=0, observed=True).transform("sum")
        top5 = _top(shares, 5) * 100
        hhi = (shares * 100).pow(2).groupby(level=0, observed=True).sum()
        measures = pd.DataFrame({
            "suppliers": shares.groupby(level=0, observed=True).size(),
            "top5_share": top5.round(1), "hhi": hhi.round(0),
        })  # fmt: skip
        frame = frame.merge(measures, left_on="care_type", right_index=True, how="left")
    else:
        for column in ("suppliers", "top5_share", "hhi"):
            frame[column] = pd.Series(dtype=float)
    columns = (
        Column("care_type", "Care type", "dimension"),
        Column("suppliers", "Suppliers", "number"),
        Column("top5_share", "Top 5 suppliers' share of weekly spend (%)", "percent"),
        Column("hhi", "Herfindahl-Hirschman index (0-10,000)", "number"),
    )
    table = protect_statistics(
        frame.sort_values("care_type").reset_index(drop=True), dims=("care_type",),
        value_columns=("suppliers", "top5_share", "hhi"), rules=rules,
        name=cat.SUPPLIER_CONCENTRATION, title=cat.TABLES[cat.SUPPLIER_CONCENTRATION],
        columns=columns,
    )  # fmt: skip
    table.notes = (
        *table.notes,
        "Shares are of the weekly cost of placements with a named supplier. HHI above "
        "2,500 is usually read as a highly concentrated market.",
    )
    return table


def _top(shares: pd.Series, n: int) -> pd.Series:
    """Per first index level, the sum of the ``n`` largest shares."""
    ordered = shares.sort_values(ascending=False)
    rank = ordered.groupby(level=0, observed=True).cumcount()
    return ordered[rank.to_numpy() < n].groupby(level=0, observed=True).sum()


def _ratings(rows: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Each (care type, supplier)'s most common rating (ties: the lower score) and score."""
    scores = rows["quality_rating"].astype(object).map(weights).astype(float)
    rated = rows.assign(score=scores).dropna(subset=["score"])
    counted = (
        rated.groupby(["care_type", "supplier", "quality_rating", "score"], observed=True)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["care_type", "supplier", "n", "score"], ascending=[True, True, False, True])
    )
    return counted.drop_duplicates(["care_type", "supplier"]).drop(columns="n")


def quality_value(
    placements: pd.DataFrame, weights: Mapping[str, float], rules: DisclosureRules
) -> PublishedTable:
    """Suppliers per care type ranked by median weekly cost per quality point, banded."""
    from exchange.disclosure.statistics import protect_statistics

    rows = costed(_suppliers_only(placements))
    dims = ("care_type", "supplier")
    frame = summary(rows, list(dims))
    frame = (
        frame.merge(_ratings(rows, weights), on=list(dims), how="left")
        if len(frame)
        else (frame.assign(quality_rating=None, score=np.nan))
    )
    frame["cost_per_point"] = frame["median"] / frame["score"]
    frame = frame.sort_values(list(dims)).reset_index(drop=True)
    table = protect_statistics(
        frame, dims=dims, value_columns=("median", "cost_per_point"), rules=rules,
        name=cat.QUALITY_VALUE, title=cat.TABLES[cat.QUALITY_VALUE],
        columns=(Column("care_type", "Care type", "dimension"),
                 Column("supplier", "Supplier", "dimension"),
                 Column("median", "Median weekly cost (£)", "money"),
                 Column("cost_per_point", "Weekly cost per quality point (£)", "money")),
    )  # fmt: skip
    _rank(table, frame)
    return table


def _rank(table: PublishedTable, frame: pd.DataFrame) -> None:
    """Add rating, score, rank and band; rank only published, rated suppliers."""
    facts = {
        (r["care_type"], r["supplier"]): (r["quality_rating"], r["score"])
        for r in frame.to_dict("records")
    }
    ranked: dict[Any, list[tuple[float, int]]] = {}
    for index, row in enumerate(table.rows):
        rating, score = facts[(row["care_type"], row["supplier"])]
        row["quality_rating"] = rating if isinstance(rating, str) else None
        row["quality_score"] = None if pd.isna(score) else float(score)
        row["median"], row["cost_per_point"] = (
            _money(row.get("median")),
            _money(row.get("cost_per_point")),
        )
        row["rank"], row["band"] = None, None
        reason = table.withheld.get((index, "median"))
        if reason is not None:
            table.withheld[(index, "rank")] = table.withheld[(index, "band")] = reason
        elif row["cost_per_point"] is not None:
            ranked.setdefault(row["care_type"], []).append((row["cost_per_point"], index))
    for entries in ranked.values():
        entries.sort()
        for position, (_, index) in enumerate(entries, start=1):
            share = position / len(entries)
            table.rows[index]["rank"] = position
            table.rows[index]["band"] = cat.QUALITY_BANDS[
                0 if share <= 0.25 else 1 if share <= 0.5 else 2
            ]
    table.columns = (
        *table.columns[:2],
        Column("quality_rating", "Quality rating", "text"),
        Column("quality_score", "Quality score", "number"),
        *table.columns[2:],
        Column("rank", "Rank in care type", "number"),
        Column("band", "Band", "band"),
    )
    table.notes = (
        *table.notes,
        "Score from the provider quality rating (weights set by the hub's "
        "picture_quality_weights); unrated suppliers are not ranked.",
        "Bands: preferred is the best quarter of ranked suppliers in the care type, reserve "
        "preferred the second quarter, other the rest.",
    )
