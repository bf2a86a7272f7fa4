"""Savings potential: what placements above a reference price cost over it, per authority.

The East Midlands papers published this table: per authority, the placements paid
above the agreed price and the excess per week and per year (52 weeks). The reference
of a placement is the framework price the regional lead uploaded for its care type and
support reason, else for its care type; else the published regional median weekly cost
of its care type. A care type whose regional median is withheld (too few placements or
authorities) has no reference, so its placements are left out — a withheld median must
not be recoverable from the excess it produces.

The count of placements above is protected with the other counts; where it is withheld,
so is the authority's excess (a small count's excess would be one placement's price).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from exchange.disclosure.tables import SAMPLE, TOTAL, Column, PublishedTable
from exchange.picture import catalogue as cat
from exchange.picture.compute import WEEKS_PER_YEAR, PeriodInputs
from exchange.picture.counts import renamed

SAVINGS = cat.SAVINGS


def reference_prices(
    placements: pd.DataFrame, framework: pd.DataFrame, regional: pd.DataFrame
) -> pd.Series:
    """Each placement's reference weekly price (NaN where there is none)."""
    published = regional.loc[regional["published"], "median"] if len(regional) else pd.Series()
    reference = placements["care_type"].map(published.astype(float)).astype(float)
    if len(framework):
        general = framework.loc[framework["primary_support_reason"].isna()]
        by_care = general.set_index("care_type")["weekly_price"].astype(float)
        reference = placements["care_type"].map(by_care).astype(float).fillna(reference)
        specific = framework.loc[framework["primary_support_reason"].notna()]
        if len(specific):
            keys = pd.MultiIndex.from_frame(placements[["care_type", "primary_support_reason"]])
            prices = specific.set_index(["care_type", "primary_support_reason"])["weekly_price"]
            exact = pd.Series(prices.astype(float).reindex(keys).to_numpy(), index=placements.index)
            reference = exact.fillna(reference)
    return reference


def savings_table(
    inputs: PeriodInputs, protected: Mapping[str, PublishedTable], reference: pd.Series
) -> PublishedTable:
    """Per authority: placements above the reference, excess per week and per year."""
    table = renamed(protected[SAVINGS], SAVINGS, count_title="Placements above the reference")
    rows = inputs.placements
    over = (rows["weekly_cost"] - reference).clip(lower=0).fillna(0.0)
    excess = over.groupby(rows["authority"], observed=True).sum()
    for index, row in enumerate(table.rows):
        weekly = (
            float(over.sum())
            if row["authority"] == TOTAL
            else float(excess.get(row["authority"], 0.0))
        )
        row["excess_per_week"] = round(weekly, 2)
        row["excess_per_year"] = round(weekly * WEEKS_PER_YEAR, 2)
        if (index, "placements_above") in table.withheld:
            table.withheld[(index, "excess_per_week")] = SAMPLE
            table.withheld[(index, "excess_per_year")] = SAMPLE
    table.columns = (
        *table.columns,
        Column("excess_per_week", "Cost over the reference per week (£)", "money"),
        Column("excess_per_year", "Cost over the reference per year (£)", "money"),
    )
    basis = (
        "the framework price table uploaded by the regional lead (else the regional median)"
        if len(inputs.framework)
        else "the regional median weekly cost of the placement's care type"
    )
    table.notes = (
        *table.notes,
        f"Reference price: {basis}. Care types without a published reference are left out.",
        f"Per year = per week x {WEEKS_PER_YEAR}.",
    )
    return table
