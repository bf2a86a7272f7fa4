"""Weekly cost tables: quartiles beside the protected counts, benchmarks, the fair price guide.

Every regional cost statistic passes the statistics rule (enough placements, enough
authorities, no dominant authority) or is withheld (``[x]``): a median one authority
dominates is that authority's negotiated price. Sample sizes are published beside
statistics only where they come from a protected count table; the fair price guide,
whose three dimensions cut across the count tables, shows its sample size as a band
(``sample_band``: "20-49") so it cannot be subtracted from a published count to reveal a small one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.tables import SAMPLE, TOTAL, Column, PublishedTable
from exchange.picture import catalogue as cat
from exchange.picture.compute import PeriodInputs, with_margins
from exchange.picture.counts import renamed

STATISTICS = ("lq", "median", "uq")
STAT_COLUMNS = (
    Column("lq", "Lower quartile weekly cost (£)", "money"),
    Column("median", "Median weekly cost (£)", "money"),
    Column("uq", "Upper quartile weekly cost (£)", "money"),
)


def costed(placements: pd.DataFrame) -> pd.DataFrame:
    """Placements with a known weekly cost."""
    return placements.loc[placements["weekly_cost"].notna()]


def summary(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Placements, authorities, largest share and quartiles per group, as
    ``cost_summary`` gives them (:func:`exchange.picture.grouping.cost_groups`: the
    same figures, computed over integer codes). ``by`` may be empty: one regional row."""
    from exchange.picture.grouping import cost_groups

    return cost_groups(frame, by)


def protected_statistics(
    frame: pd.DataFrame, dims: Sequence[str], rules: DisclosureRules, name: str
) -> PublishedTable:
    """``protect_statistics`` over the quartiles of ``frame`` (one row per group)."""
    from exchange.disclosure.statistics import protect_statistics

    columns = (*(Column(d, d, "dimension") for d in dims), *STAT_COLUMNS)
    return protect_statistics(
        frame.reset_index(drop=True), dims=tuple(dims), value_columns=STATISTICS, rules=rules,
        name=name, title=cat.TABLES.get(name, name), columns=columns,
    )  # fmt: skip


def regional_costs(placements: pd.DataFrame, rules: DisclosureRules) -> pd.DataFrame:
    """Regional quartiles per care type, with ``published`` (passes the rule) and ``reason``."""
    frame = summary(costed(placements), ["care_type"])
    table = protected_statistics(frame, ["care_type"], rules, "regional")
    reasons = {
        row["care_type"]: table.withheld.get((i, "median")) for i, row in enumerate(table.rows)
    }
    frame = frame.reset_index(drop=True)
    frame["reason"] = frame["care_type"].map(reasons).astype(object)
    frame["reason"] = frame["reason"].where(frame["reason"].notna(), None)
    frame["published"] = frame["reason"].isna()
    return frame.set_index("care_type", drop=False)


def count_cost_tables(
    placements: pd.DataFrame, protected: Mapping[str, PublishedTable], rules: DisclosureRules
) -> dict[str, PublishedTable]:
    """Placements tables: protected counts, with quartiles where the table has costs."""
    tables = {
        cat.PLACEMENTS_BY_AUTHORITY: renamed(
            protected[cat.PLACEMENTS_BY_AUTHORITY], cat.PLACEMENTS_BY_AUTHORITY,
            count_title="Placements",
        )
    }  # fmt: skip
    for name, dims in (
        (cat.PLACEMENTS_BY_CARE_TYPE, ("care_type", "primary_support_reason")),
        (cat.PLACEMENTS_BY_ROUTE, ("care_type", "procurement_route")),
    ):
        counts = renamed(protected[name], name, count_title="Placements")
        stats = protected_statistics(
            with_margins(costed(placements), dims, summary, empty_by=True), dims, rules, name
        )
        tables[name] = merge_statistics(counts, stats, dims)
    return tables


def merge_statistics(
    counts: PublishedTable, stats: PublishedTable, dims: Sequence[str]
) -> PublishedTable:
    """The count table with the statistics' columns added, row by row on ``dims``."""
    found = {tuple(row.get(d) for d in dims): i for i, row in enumerate(stats.rows)}
    count_column = next(c.name for c in counts.columns if c.kind == "count")
    withheld = dict(counts.withheld)
    rows = []
    for index, row in enumerate(counts.rows):
        merged = dict(row)
        at = found.get(tuple(row.get(d) for d in dims))
        has_rows = row.get(count_column) != 0 or (index, count_column) in counts.withheld
        for column in STATISTICS:
            if at is None:
                merged[column] = None
                if has_rows:
                    withheld[(index, column)] = SAMPLE
                continue
            merged[column] = _money(stats.rows[at].get(column))
            reason = stats.withheld.get((at, column))
            if reason is not None:
                withheld[(index, column)] = reason
        rows.append(merged)
    return PublishedTable(
        name=counts.name, title=counts.title, columns=(*counts.columns, *STAT_COLUMNS),
        rows=rows, withheld=withheld, key=counts.key, notes=counts.notes,
    )  # fmt: skip


def _money(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return round(float(value), 2)


def band(median: float, lq: float, mid: float, uq: float) -> str:
    """Where ``median`` falls against regional quartiles ``lq``, ``mid`` and ``uq``."""
    if median < lq:
        return cat.BANDS[0]
    if median < mid:
        return cat.BANDS[1]
    if median <= uq:
        return cat.BANDS[2]
    return cat.BANDS[3]


def benchmark_tables(
    inputs: PeriodInputs, regional: pd.DataFrame, rules: DisclosureRules
) -> dict[str, PublishedTable]:
    """Benchmarks (each authority's band per care type) and the fair price guide."""
    return {
        cat.BENCHMARKS: _benchmarks(inputs.placements, regional, rules),
        cat.FAIR_PRICE: _fair_price(inputs.placements, rules),
    }


def _benchmarks(
    placements: pd.DataFrame, regional: pd.DataFrame, rules: DisclosureRules
) -> PublishedTable:
    own = summary(costed(placements), ["authority", "care_type"])
    rows: list[dict[str, Any]] = []
    withheld: dict[tuple[int, str], str] = {}
    for record in own.sort_values(["authority", "care_type"]).to_dict("records"):
        region = regional.loc[record["care_type"]]
        index = len(rows)
        row: dict[str, Any] = {"authority": record["authority"], "care_type": record["care_type"]}
        for column in STATISTICS:
            row[f"regional_{column}"] = _money(region[column])
        row["band"] = None
        if not region["published"]:
            for column in (*(f"regional_{c}" for c in STATISTICS), "band"):
                withheld[(index, column)] = region["reason"]
        elif record["placements"] < rules.min_cost_sample:
            withheld[(index, "band")] = SAMPLE
        else:
            row["band"] = band(record["median"], region["lq"], region["median"], region["uq"])
        rows.append(row)
    columns = (
        Column("authority", "Authority", "dimension"),
        Column("care_type", "Care type", "dimension"),
        Column("regional_lq", "Regional lower quartile (£/week)", "money"),
        Column("regional_median", "Regional median (£/week)", "money"),
        Column("regional_uq", "Regional upper quartile (£/week)", "money"),
        Column("band", "Authority's median falls", "band"),
    )
    return PublishedTable(
        name=cat.BENCHMARKS, title=cat.TABLES[cat.BENCHMARKS], columns=columns, rows=rows,
        withheld=withheld, key=("authority", "care_type"),
        notes=("Bands place the authority's own median weekly cost against the regional "
               "quartiles; the authority's median itself is not published.",),
    )  # fmt: skip


def _fair_price(placements: pd.DataFrame, rules: DisclosureRules) -> PublishedTable:
    from exchange.disclosure.statistics import protect_statistics

    dims = ("care_type", "primary_support_reason", "provider_type")

    def per_care_type(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
        return summary(frame, ["care_type", *[b for b in by if b != "care_type"]])

    frame = with_margins(costed(placements), dims[1:], per_care_type, empty_by=True)
    frame = frame.sort_values(
        list(dims), key=lambda s: s.map(lambda v: (v == TOTAL, str(v)))
    ).reset_index(drop=True)
    table = protect_statistics(
        frame, dims=dims, value_columns=STATISTICS, rules=rules, name=cat.FAIR_PRICE,
        title=cat.TABLES[cat.FAIR_PRICE],
        columns=(
            Column("care_type", "Care type", "dimension"),
            Column("primary_support_reason", "Primary support reason", "dimension"),
            Column("provider_type", "Provider type", "dimension"),
            *STAT_COLUMNS,
            Column("placements", "Placements behind the range", "band"),
        ),
    )  # fmt: skip
    for row in table.rows:
        for column in STATISTICS:
            row[column] = _money(row.get(column))
    table.notes = (
        *table.notes,
        "Total rows pool every support reason or provider type of the care type.",
        "Sample sizes are shown as bands so they cannot be subtracted from published counts.",
    )
    return table


def authority_views(inputs: PeriodInputs, regional: pd.DataFrame) -> dict[str, PublishedTable]:
    """Each authority's own quartiles per care type beside the regional median (private)."""
    own = summary(costed(inputs.placements), ["authority", "care_type"])
    views: dict[str, PublishedTable] = {}
    columns = (
        Column("care_type", "Care type", "dimension"),
        Column("placements", "Placements with a weekly cost", "count"),
        *STAT_COLUMNS,
        Column("regional_median", "Regional median (£/week)", "money"),
        Column("band", "Against the regional quartiles", "band"),
    )
    for code, group in own.groupby("authority", sort=True, observed=True):
        rows = []
        for record in group.sort_values("care_type").to_dict("records"):
            region = regional.loc[record["care_type"]]
            shown = bool(region["published"])
            rows.append({
                "care_type": record["care_type"], "placements": int(record["placements"]),
                "lq": _money(record["lq"]), "median": _money(record["median"]),
                "uq": _money(record["uq"]),
                "regional_median": _money(region["median"]) if shown else None,
                "band": band(record["median"], region["lq"], region["median"], region["uq"])
                if shown else None,
            })  # fmt: skip
        views[str(code)] = PublishedTable(
            name=f"authority_{code}", title=f"{code}: own weekly costs against the region",
            columns=columns, rows=rows, key=("care_type",),
            notes=("The authority's own figures: shown only to that authority and the "
                   "regional lead.",),
        )  # fmt: skip
    return views
