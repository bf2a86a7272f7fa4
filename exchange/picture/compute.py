"""Every table of a period's regional picture, from its rows, with pandas only.

:func:`compute_picture` takes a period's prepared rows (:class:`PeriodInputs`: the
placements with their authority and regional supplier, the supplier spend, the
framework prices and quality weights) and returns every :class:`PublishedTable` of
:data:`~exchange.picture.catalogue.TABLES` plus the private per-authority views.

Counts of placements and people go through **one** ``protect_counts`` call, so tables
that share a dimension (care type, authority) publish the same margins and suppress
them consistently; suppression carried from the period's previous release is applied
again. Cost statistics go through ``protect_statistics`` (sample, authorities,
dominance). Spend sums are published as they are: supplier payments over £500 are
public under the Local Government Transparency Code, and private individuals' names
were redacted by the anonymiser.

No database and no Flask: the caller (:mod:`exchange.picture.building`) loads and stores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.tables import COUNT_REASONS, TOTAL, PublishedTable

NOT_STATED = "Not stated"
PRIVATE_INDIVIDUAL = "Private individual (redacted)"
WEEKS_PER_YEAR = 52


@dataclass(frozen=True)
class PeriodInputs:
    """A period's rows, ready for the tables.

    ``placements`` columns: authority, person (NHS number pseudonym or None), care_type,
    primary_support_reason, provider_type, procurement_route, quality_rating (labels,
    ``Not stated`` where empty), supplier (label), supplier_id (Int64, <NA> when not a
    supplier), weekly_cost (float, NaN when unknown). ``spend`` columns: authority,
    service_area, supplier, supplier_id, net_amount. ``framework`` columns: care_type,
    primary_support_reason (None: every reason), weekly_price. ``authorities`` lists the
    authorities expected (for zero rows).
    """

    period: str
    placements: pd.DataFrame
    spend: pd.DataFrame
    framework: pd.DataFrame
    quality_weights: Mapping[str, float]
    authorities: Sequence[str] = ()
    completeness: Sequence[Mapping[str, Any]] = ()


@dataclass
class ComputedPicture:
    """The published tables, the plain count tables the attacker checks, private views."""

    tables: dict[str, PublishedTable]
    count_tables: list[PublishedTable]
    authority_views: dict[str, PublishedTable] = field(default_factory=dict)


def compute_picture(
    inputs: PeriodInputs,
    rules: DisclosureRules,
    carried: Mapping[str, set[tuple[Any, ...]]] | None = None,
) -> ComputedPicture:
    """Every published table of the period (empty tables for an empty period)."""
    from exchange.picture import costs, counts, savings, spend, suppliers_tables
    from exchange.picture.grouping import with_cost_rank

    inputs = replace(inputs, placements=with_cost_rank(inputs.placements))
    regional = costs.regional_costs(inputs.placements, rules)
    reference = savings.reference_prices(inputs.placements, inputs.framework, regional)
    count_tables = counts.count_tables(inputs, reference)
    protected = counts.protect_all(count_tables, rules, carried or {})
    tables: dict[str, PublishedTable] = {}
    tables.update(suppliers_tables.supplier_tables(inputs, protected, rules))
    tables.update(spend.spend_tables(inputs))
    tables.update(costs.count_cost_tables(inputs.placements, protected, rules))
    tables.update(costs.benchmark_tables(inputs, regional, rules))
    tables[savings.SAVINGS] = savings.savings_table(inputs, protected, reference)
    tables.update(counts.people_table(protected))
    tables.update(spend.completeness_table(inputs))
    views = costs.authority_views(inputs, regional)
    return ComputedPicture(
        tables=tables, count_tables=list(protected.values()), authority_views=views
    )


# Shared helpers for the table modules.


def label(values: pd.Series) -> pd.Series:
    """Text labels with empty values as ``Not stated`` (categorical: grouping a million
    rows by category codes is many times faster than by strings).

    The categories are the labels that occur, sorted, as ``astype("category")`` gives;
    a categorical input is relabelled through its (few) categories, not row by row.
    """
    if not isinstance(values.dtype, pd.CategoricalDtype):
        text = values.astype(object)
        return text.where(text.notna() & (text != ""), NOT_STATED).astype("category")
    categories = values.cat.categories
    names = pd.Index(
        [NOT_STATED if name == "" else name for name in categories.astype(object)], dtype=object
    )
    missing = values.cat.codes.to_numpy() == -1
    used = np.bincount(values.cat.codes.to_numpy()[~missing], minlength=len(categories)) > 0
    wanted = set(names[used])
    if missing.any():
        wanted.add(NOT_STATED)
    final = pd.Index(sorted(wanted), dtype=object)
    recode = final.get_indexer(names)
    codes = np.where(missing, final.get_loc(NOT_STATED) if missing.any() else -1,
                     recode[values.cat.codes.to_numpy()])  # fmt: skip
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=final), index=values.index, name=values.name
    )


def with_margins(
    frame: pd.DataFrame, dims: Sequence[str], summarise: Any, *, empty_by: bool = False
) -> pd.DataFrame:
    """``summarise(frame, by)`` for every subset of ``dims`` (left-out dims set to Total).

    ``empty_by``: ``summarise`` takes an empty ``by`` (one overall row) itself; otherwise
    it is given a constant column to group by.
    """
    parts = []
    count = len(dims)
    for mask in range(2**count):
        by = [d for i, d in enumerate(dims) if not mask & (1 << i)]
        if by or empty_by:
            part = summarise(frame, by)
        else:
            part = summarise(frame.assign(_all=TOTAL), ["_all"]).drop(columns="_all")
        for d in dims:
            if d not in by:
                part[d] = TOTAL
        parts.append(part)
    joined = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(dims))
    return joined


def row_keys(table: PublishedTable, dims: Sequence[str]) -> list[tuple[Any, ...]]:
    """Each row's key: its values in ``dims``."""
    return [tuple(row.get(d) for d in dims) for row in table.rows]


def carried_cells(previous: Mapping[str, PublishedTable]) -> dict[str, set[tuple[Any, ...]]]:
    """Count cells an earlier release withheld, per count table, as protect_counts wants."""
    from exchange.picture.counts import COUNT_TABLE_OF

    carried: dict[str, set[tuple[Any, ...]]] = {}
    for published_name, (count_name, dims, renames) in COUNT_TABLE_OF.items():
        table = previous.get(published_name)
        if table is None:
            continue
        back = {new: old for old, new in renames.items()}
        published_dims = [renames.get(d, d) for d in dims]
        cells = carried.setdefault(count_name, set())
        for (index, column), reason in table.withheld.items():
            if reason not in COUNT_REASONS or index >= len(table.rows):
                continue
            row = table.rows[index]
            key = tuple(row.get(d) for d in published_dims)
            cells.add((*key, back.get(column, column)))
    return carried
