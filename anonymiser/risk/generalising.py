"""Global recoding: lift whole quasi-identifier columns up their hierarchies.

First the *floor* is found: the records still at risk with every field at the top of its
hierarchy, which no amount of generalising can go below (a provider with a single
placement stays unique, since providers are never generalised). Then each step tries every
field that can still be lifted, one level (or more, skipping levels that would change no
value present), and takes the one that leaves the fewest records at risk; ties go to the
field with the most distinct values, the most distinguishing, so that when no single lift
helps on its own the climb still heads for the floor. Steps stop once few enough records
are at risk, or the floor is reached: coarsening every record without protecting one more
is all loss.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from anonymiser.risk.class_table import ClassTable, Column
from anonymiser.risk.coded_frame import CodedFrame
from anonymiser.risk.steps import GeneralisationStep
from schemas.hierarchies import HIERARCHIES


@dataclass(frozen=True)
class _Lift:
    """A field lifted to a level, as tried: its new codes and the records left at risk."""

    field: str
    level: int
    mapping: np.ndarray
    labels: np.ndarray
    at_risk: int
    distinct: int

    def rank(self) -> tuple[int, int]:
        return (self.at_risk, -self.distinct)

    def column(self, table: ClassTable) -> dict[str, Column]:
        codes, _ = table.columns[self.field]
        return {self.field: (self.mapping[codes], len(self.labels))}


def generalise(coded: CodedFrame, *, enough: int) -> list[GeneralisationStep]:
    """Lift fields until at most ``enough`` records are at risk, or the floor is reached."""
    steps: list[GeneralisationStep] = []
    table = coded.table()
    target = max(enough, _floor(coded, table))
    while (at_risk := table.count_at_risk()) > target:
        lifts = [lift for name in coded.levels if (lift := _try(coded, table, name)) is not None]
        if not lifts:
            break
        best = min(lifts, key=_Lift.rank)
        names = HIERARCHIES[best.field].levels
        from_level, to_level = names[coded.levels[best.field]], names[best.level]
        steps.append(GeneralisationStep(best.field, from_level, to_level, at_risk, best.at_risk))
        table = table.merged(best.column(table), k=coded.k, l_min=coded.l_min)
        coded.lift(best.field, best.mapping, best.labels, best.level)
    return steps


def _floor(coded: CodedFrame, table: ClassTable) -> int:
    """The records at risk with every field lifted to the top of its hierarchy."""
    lifted: dict[str, Column] = {}
    for name in coded.levels:
        hierarchy, (codes, _) = HIERARCHIES[name], table.columns[name]
        mapping, labels = coded.codings[name].relabelling(
            partial(hierarchy.lift, level=hierarchy.top)
        )
        lifted[name] = (mapping[codes], len(labels))
    return table.count_at_risk(table.failing_if(lifted, k=coded.k, l_min=coded.l_min))


def _try(coded: CodedFrame, table: ClassTable, name: str) -> _Lift | None:
    """The field lifted to its next level that changes a value present, and its effect."""
    hierarchy, coding = HIERARCHIES[name], coded.codings[name]
    codes, _ = table.columns[name]
    present = list(coding.labels[np.unique(codes[codes != 0])])
    for level in range(coded.levels[name] + 1, hierarchy.top + 1):
        if any(hierarchy.lift(label, level) != label for label in present):
            mapping, labels = coding.relabelling(partial(hierarchy.lift, level=level))
            lifted = {name: (mapping[codes], len(labels))}
            failing = table.failing_if(lifted, k=coded.k, l_min=coded.l_min)
            at_risk = table.count_at_risk(failing)
            return _Lift(name, level, mapping, labels, at_risk, len(present))
    return None
