"""Cost statistics (quartiles, medians, means) published only where no one's price shows.

A weekly-cost quartile from three placements is nearly the three prices; one from a
group where a single authority contributes most placements is nearly that authority's
negotiated price, which it may be bound not to disclose. So a statistic is published
only where its group has at least ``min_cost_sample`` placements, at least
``min_cost_authorities`` contributing authorities, and no authority contributes more than
``max_authority_share`` of the placements. A row failing a rule has every value column
withheld, with the first rule it fails as the reason (``sample``, ``authorities``,
``dominance``; shown as ``[x]``).

Sample sizes are counts of placements, and exact ones would let a reader add up groups
and recover counts withheld in the count tables; where a table shows them they are
published as bands (:func:`sample_band`), and only beside a published statistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.tables import AUTHORITIES, DOMINANCE, SAMPLE, Column, PublishedTable

PLACEMENTS = "placements"
AUTHORITY_COUNT = "authorities"
MAX_SHARE = "max_share"
STATISTICS = ("lq", "median", "uq", "mean")
#: Upper edges of the sample-size bands (the last band is open).
SAMPLE_BANDS = (20, 50, 100, 250, 1000)


def cost_summary(
    frame: pd.DataFrame,
    by: str | Sequence[str],
    value: str = "weekly_cost",
    authority: str = "authority",
) -> pd.DataFrame:
    """Per group of ``by``: placements, authorities, max_share, lq, median, uq, mean.

    Rows without a ``value`` are left out (they have no cost to summarise). Quartiles
    use linear interpolation (pandas' default). ``by`` may be empty: one regional row.
    """
    keys = [by] if isinstance(by, str) else list(by)
    costs = frame.loc[frame[value].notna(), [*keys, authority, value]]
    columns = [*keys, PLACEMENTS, AUTHORITY_COUNT, MAX_SHARE, *STATISTICS]
    if costs.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in keys else float) for c in columns})
    if not keys:
        costs = costs.assign(_all=0)
        summary = cost_summary(costs, "_all", value=value, authority=authority)
        return summary.drop(columns="_all")
    grouped = costs.groupby(keys, sort=True, observed=True, dropna=False)[value]
    summary = pd.DataFrame(
        {
            PLACEMENTS: grouped.size(),
            "lq": grouped.quantile(0.25),
            "median": grouped.median(),
            "uq": grouped.quantile(0.75),
            "mean": grouped.mean(),
        }
    )
    per_authority = costs.groupby([*keys, authority], observed=True, dropna=False).size()
    by_group = per_authority.groupby(level=list(range(len(keys))), dropna=False)
    summary[AUTHORITY_COUNT] = by_group.size()
    summary[MAX_SHARE] = by_group.max() / summary[PLACEMENTS]
    return summary.reset_index()[columns]


def sample_band(n: int, minimum: int = 10) -> str:
    """A sample size as a band: ``"10-19"``, ``"20-49"``, ..., ``"1000 or more"``.

    ``minimum`` is the smallest published sample (the first band starts there).
    """
    lower = minimum
    for upper in SAMPLE_BANDS:
        if upper <= lower:
            continue
        if n < upper:
            return f"{lower}-{upper - 1}"
        lower = upper
    return f"{lower} or more"


def statistic_reason(row: Any, rules: DisclosureRules) -> str | None:
    """The first rule a group's statistics fail, or ``None`` when they may be published."""
    if int(row[PLACEMENTS]) < rules.min_cost_sample:
        return SAMPLE
    if int(row[AUTHORITY_COUNT]) < rules.min_cost_authorities:
        return AUTHORITIES
    if float(row[MAX_SHARE]) > rules.max_authority_share + 1e-9:
        return DOMINANCE
    return None


def protect_statistics(
    frame: pd.DataFrame,
    *,
    dims: Sequence[str],
    value_columns: Sequence[str],
    rules: DisclosureRules,
    name: str,
    title: str,
    columns: Sequence[Column] | None = None,
) -> PublishedTable:
    """The statistics with every value of a failing group withheld (see module doc).

    ``columns`` lists what the table shows, in order (default: the dimensions, then
    the value columns as money). A ``placements`` column shows the sample-size band; an
    ``authorities`` column the number of authorities; both are withheld with the values.
    """
    if columns is None:
        columns = [Column(d, d, "dimension") for d in dims]
        columns += [Column(v, v, "money") for v in value_columns]
    names = [c.name for c in columns]
    hidden = set(value_columns) | ({PLACEMENTS, AUTHORITY_COUNT, MAX_SHARE} & set(names))
    rows: list[dict[str, Any]] = []
    withheld: dict[tuple[int, str], str] = {}
    for index, record in enumerate(frame.to_dict("records")):
        reason = statistic_reason(record, rules)
        row = {c: _plain(record.get(c)) for c in names}
        if PLACEMENTS in row:
            row[PLACEMENTS] = sample_band(int(record[PLACEMENTS]), rules.min_cost_sample)
        for column in names:
            if column in hidden and reason is not None:
                row[column] = None
                withheld[(index, column)] = reason
        rows.append(row)
    notes = (
        f"Cost figures only where at least {rules.min_cost_sample} placements and "
        f"{rules.min_cost_authorities} authorities contribute and no authority contributes "
        f"more than {rules.max_authority_share:.0%} of them.",
    )
    return PublishedTable(
        name=name,
        title=title,
        columns=tuple(columns),
        rows=rows,
        withheld=withheld,
        key=tuple(dims),
        notes=notes,
    )


def _plain(value: Any) -> Any:
    """Plain JSON-ready values: numpy scalars unwrapped, NaN as ``None``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
