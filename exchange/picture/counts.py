"""The count tables of a period, protected together in one ``protect_counts`` call.

Placements by care type and support reason, by authority and care type, by care type
and procurement route, per supplier, placements above the savings reference per
authority, and people placed by more than one authority. The first three share the
``care_type`` dimension (and so publish the same care type totals, suppressed alike);
tables of different things (people, placements above a price) get dimension names of
their own so they are not linked by mistake, and are renamed for publication
(:data:`COUNT_TABLE_OF` keeps the mapping, for carrying suppression between releases).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.tables import Column, PublishedTable
from exchange.picture import catalogue as cat
from exchange.picture.compute import PeriodInputs

PLACEMENTS = {"count": "placements"}
#: Published table -> (count table name, count dims, {count column: published column}).
COUNT_TABLE_OF: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
    cat.PLACEMENTS_BY_CARE_TYPE: (
        cat.PLACEMENTS_BY_CARE_TYPE, ("care_type", "primary_support_reason"), PLACEMENTS
    ),
    cat.PLACEMENTS_BY_AUTHORITY: (
        cat.PLACEMENTS_BY_AUTHORITY, ("authority", "care_type"), PLACEMENTS
    ),
    cat.PLACEMENTS_BY_ROUTE: (
        cat.PLACEMENTS_BY_ROUTE, ("care_type", "procurement_route"), PLACEMENTS
    ),
    cat.SUPPLIER_PICTURE: (cat.SUPPLIER_PICTURE, ("supplier",), PLACEMENTS),
    cat.SAVINGS: (
        cat.SAVINGS,
        ("savings_authority",),
        {"savings_authority": "authority", "count": "placements_above"},
    ),
    cat.PEOPLE_ACROSS_AUTHORITIES: (
        cat.PEOPLE_ACROSS_AUTHORITIES, ("authorities_placing",), {"count": "people"}
    ),
}  # fmt: skip
DIM_TITLES = {
    "care_type": "Care type",
    "primary_support_reason": "Primary support reason",
    "authority": "Authority",
    "procurement_route": "Procurement route",
    "supplier": "Supplier",
    "savings_authority": "Authority",
    "authorities_placing": "Authorities placing the person",
}
PLACING = ("1", "2", "3 or more")


def _grid(
    frame: pd.DataFrame, dims: Sequence[str], levels: Mapping[str, Sequence[Any]]
) -> pd.DataFrame:
    """Counts for every combination of the dimensions' levels (zeros included)."""
    counted = frame.groupby(list(dims), observed=True).size()
    axes = [sorted(set(levels.get(d, ())) | set(frame[d].unique())) for d in dims]
    full = pd.MultiIndex.from_tuples(list(itertools.product(*axes)), names=list(dims))
    if not len(full):
        return pd.DataFrame({**{d: pd.Series(dtype=object) for d in dims}, "count": []})
    counted = (
        counted.reindex(full, fill_value=0)
        if len(dims) > 1
        else counted.reindex(pd.Index([a[0] for a in full], name=dims[0]), fill_value=0)
    )
    return counted.rename("count").reset_index().astype({"count": "int64"})


def count_tables(inputs: PeriodInputs, reference: pd.Series) -> list[Any]:
    """Every count table of the period (unprotected), for :func:`protect_all`."""
    from exchange.disclosure.counts import CountTable

    rows = inputs.placements
    levels = {"authority": list(inputs.authorities)}
    made = []
    for name, (_, dims, _) in COUNT_TABLE_OF.items():
        if name in (cat.SAVINGS, cat.PEOPLE_ACROSS_AUTHORITIES):
            continue
        made.append(
            CountTable(
                name=name,
                title=cat.TABLES[name],
                dims=dims,
                frame=_grid(rows, dims, levels),
                dim_titles=_titles(dims),
            )
        )
    above = rows.loc[rows["weekly_cost"] > reference.reindex(rows.index)]
    savings = _grid(
        above.assign(savings_authority=above["authority"]),
        ["savings_authority"],
        {"savings_authority": sorted(set(rows["authority"]) | set(inputs.authorities))},
    )
    made.append(CountTable(name=cat.SAVINGS, title=cat.TABLES[cat.SAVINGS],
                           dims=("savings_authority",), frame=savings,
                           dim_titles=_titles(("savings_authority",))))  # fmt: skip
    made.append(
        CountTable(
            name=cat.PEOPLE_ACROSS_AUTHORITIES,
            title=cat.TABLES[cat.PEOPLE_ACROSS_AUTHORITIES],
            dims=("authorities_placing",),
            frame=people_counts(rows),
            dim_titles=_titles(("authorities_placing",)),
        )
    )
    return made


def _titles(dims: Sequence[str]) -> dict[str, str]:
    return {d: DIM_TITLES[d] for d in dims}


def people_counts(placements: pd.DataFrame) -> pd.DataFrame:
    """How many people (NHS number pseudonyms) 1, 2, or 3 or more authorities placed.

    Pseudonyms carry their key version (``v1:...``), so people pseudonymised under
    different key versions are never matched: counts are a lower bound then.
    """
    from exchange.picture.grouping import codes_of

    people, names = codes_of(placements["person"])
    authorities, places = codes_of(placements["authority"])
    known = people < len(names)
    pairs = np.unique(people[known] * (len(places) + 1) + authorities[known])
    per_person = np.bincount(pairs // (len(places) + 1))
    per_person = per_person[per_person > 0]
    counted = [int((per_person == 1).sum()), int((per_person == 2).sum()),
               int((per_person >= 3).sum())]  # fmt: skip
    return pd.DataFrame({"authorities_placing": list(PLACING), "count": counted}).astype(
        {"count": "int64"}
    )


def protect_all(
    tables: Sequence[Any], rules: DisclosureRules, carried: Mapping[str, set[tuple[Any, ...]]]
) -> dict[str, PublishedTable]:
    """Every count table protected in one call (linked tables suppressed consistently)."""
    from exchange.disclosure.counts import protect_counts

    wanted = {t.name for t in tables}
    kept = {name: cells for name, cells in carried.items() if name in wanted and cells}
    return dict(protect_counts(tables, rules, carried=kept or None))


def renamed(table: PublishedTable, published_name: str, *, count_title: str) -> PublishedTable:
    """A protected count table with its columns renamed for publication."""
    _, dims, renames = COUNT_TABLE_OF[published_name]
    columns = tuple(
        Column(renames.get(c.name, c.name), count_title if c.kind == "count" else c.title, c.kind)
        for c in table.columns
    )
    rows = [{renames.get(k, k): v for k, v in row.items()} for row in table.rows]
    withheld = {(i, renames.get(c, c)): r for (i, c), r in table.withheld.items()}
    return PublishedTable(
        name=published_name, title=cat.TABLES[published_name], columns=columns, rows=rows,
        withheld=withheld, key=tuple(renames.get(d, d) for d in dims), notes=table.notes,
    )  # fmt: skip


def people_table(protected: Mapping[str, PublishedTable]) -> dict[str, PublishedTable]:
    """People placed by one, two, or three or more authorities (protected counts only)."""
    name = cat.PEOPLE_ACROSS_AUTHORITIES
    table = renamed(protected[name], name, count_title="People")
    table.notes = (
        *table.notes,
        "People are counted by NHS number pseudonym; people without one are not counted.",
        "People in more than one authority's returns: the rows 2 and 3 or more.",
    )
    return {name: table}
