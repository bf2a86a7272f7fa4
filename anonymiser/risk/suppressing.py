"""Local suppression: blank quasi-identifier values in the records still at risk.

Only records in groups that fail the check are touched. Each step tries blanking each
field in all of them and takes the field that frees the most records (ties: the fewest
cells, then the field with the most distinct values); records left at risk go on to the
next step. A step is tried on the records at risk and those with a blank value only: a
record with no blank can never share a group with one that has been blanked, so that
small subset gives the exact answer.

When every field of the records left at risk is blank, they form one group; if it is
still smaller than k, it is *padded*: the fewest records of another group (leaving that
group at k or more, or taking all of it) are blanked too, from a group of records already
blanked if there is one. The log says how many. A frame with fewer than k records in all
cannot be padded, and fails the check.
"""

from __future__ import annotations

import numpy as np

from anonymiser.risk.classes import MISSING
from anonymiser.risk.coded_frame import ClassTable, CodedFrame
from anonymiser.risk.steps import SuppressionStep


def suppress(coded: CodedFrame) -> list[SuppressionStep]:
    """Blank values until no record is at risk, or nothing is left to blank or pad."""
    steps: list[SuppressionStep] = []
    table = coded.table()
    while table.failing.any():
        name = _best_field(coded, table)
        if name is None:
            break
        rows = np.flatnonzero(table.records_at_risk())
        cells = coded.blank(name, rows)
        codes, cardinality = table.columns[name]
        blanked = {name: (np.where(table.failing, MISSING, codes), cardinality)}
        after = table.merged(blanked, k=coded.k, l_min=coded.l_min)
        steps.append(
            SuppressionStep(name, len(rows), cells, len(rows), after.count_at_risk(), "at_risk")
        )
        table = after
    if table.failing.any():
        steps.extend(_pad(coded, table))
    return steps


def _best_field(coded: CodedFrame, table: ClassTable) -> str | None:
    """The field whose blanking in the records at risk frees the most of them."""
    blank = np.logical_or.reduce([codes == MISSING for codes, _ in table.columns.values()])
    within = np.flatnonzero(table.failing | blank)
    risky, sizes = table.failing[within], table.sizes[within]
    best: tuple[int, int, int] | None = None
    chosen = None
    for name, (codes, cardinality) in table.columns.items():
        cells = int(sizes[risky & (codes[within] != MISSING)].sum())
        if not cells:
            continue
        blanked = {name: (np.where(risky, MISSING, codes[within]), cardinality)}
        failing = table.failing_if(blanked, within, k=coded.k, l_min=coded.l_min)
        distinct = len(np.unique(codes[codes != MISSING]))
        score = (int(sizes[risky & ~failing].sum()), -cells, distinct)
        if best is None or score > best:
            best, chosen = score, name
    return chosen


def _pad(coded: CodedFrame, table: ClassTable) -> list[SuppressionStep]:
    """Blank the records chosen by :func:`_padding` in every field; one step per field."""
    rows = _padding(coded, table)
    if rows is None:
        return []
    cells = {name: coded.blank(name, rows) for name in coded.codings}
    before, after = table.count_at_risk(), coded.table().count_at_risk()
    return [
        SuppressionStep(name, len(rows), count, before, after, "padding")
        for name, count in cells.items()
        if count
    ]


def _padding(coded: CodedFrame, table: ClassTable) -> np.ndarray | None:
    """The fewest records of one passing group that bring the blanked group up to k."""
    short = np.flatnonzero(table.failing)
    if len(short) != 1:
        return None
    need = coded.k - int(table.sizes[short[0]])
    donors = np.flatnonzero(table.sizes >= coded.k)
    donors = donors[donors != short[0]]
    if need <= 0 or not len(donors):
        return None
    sizes = table.sizes[donors]
    cost = np.where(sizes - need >= coded.k, need, sizes)
    touched = np.bincount(table.ids[coded.touched], minlength=len(table.sizes))[donors] > 0
    best = np.lexsort((donors, cost, ~touched))[0]
    members = np.flatnonzero(table.ids == donors[best])
    members = members[np.argsort(~coded.touched[members], kind="stable")]
    return members[: int(cost[best])]
