"""Rules across fields, run over a whole parsed frame (and, for errors, over one record).

A rule reads parsed columns and returns the rows that break it, reported against one
field. Errors (an end before its start, an adult care type for a child) block a return;
queries (an unusual cost, a date outside the period) may be explained by the officer.
Rules that compare with the return period use today when no period is given.
"""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from schemas.codes import ADULT_CARE_TYPES, CHILD_CARE_TYPES
from schemas.fieldtypes import Failure
from schemas.generalise import age_at, weekly_cost
from schemas.period import ReturnPeriod

Compare = Callable[[Any, Any], Any]


class FrameRule(ABC):
    """A rule over parsed columns; problems are reported against :attr:`field`."""

    field: str
    failure: Failure

    @abstractmethod
    def failing(self, parsed: pd.DataFrame, period: ReturnPeriod | None) -> np.ndarray:
        """A mask of the rows that break the rule."""


class RecordRule(FrameRule):
    """A rule that can also be checked on one record (run by the marshmallow schemas)."""

    @abstractmethod
    def failing_record(self, record: Mapping[str, Any]) -> bool:
        """Whether one parsed record breaks the rule."""


def _compared(values: pd.Series, compare: Compare, other: Any) -> np.ndarray:
    """``compare(value, other)`` where the value is present, else false (None-safe)."""
    present = values.notna().to_numpy()
    result = np.zeros(len(values), dtype=bool)
    if present.any():
        mine = values.to_numpy()[present]
        theirs = other.to_numpy()[present] if isinstance(other, pd.Series) else other
        if isinstance(other, pd.Series):
            keep = pd.notna(theirs)
            hit = np.zeros(len(mine), dtype=bool)
            hit[keep] = compare(mine[keep], theirs[keep])
        else:
            hit = compare(mine, theirs)
        result[present] = hit
    return result


def _bound(values: pd.Series, day: date) -> Any:
    """A day in the form of a column: a timestamp for dates, ``YYYY-MM`` for months."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return np.datetime64(day, "ns")
    return f"{day.year}-{day.month:02d}"


@dataclass(frozen=True)
class NotBefore(RecordRule):
    """``field`` must not be before ``earlier`` (dates, or months written YYYY-MM)."""

    later: str
    earlier: str
    failure: Failure
    field: str

    def failing(self, parsed: pd.DataFrame, period: ReturnPeriod | None) -> np.ndarray:
        return _compared(parsed[self.later], operator.lt, parsed[self.earlier])

    def failing_record(self, record: Mapping[str, Any]) -> bool:
        later, earlier = record.get(self.later), record.get(self.earlier)
        return later is not None and earlier is not None and later < earlier


@dataclass(frozen=True)
class CareTypeMatchesClient(RecordRule):
    """Children's care types go with client type ``child``, adults' with ``adult``."""

    failure: Failure
    field: str = "care_type"

    def failing(self, parsed: pd.DataFrame, period: ReturnPeriod | None) -> np.ndarray:
        care, client = parsed["care_type"], parsed["client_type"]
        wrong = ((client == "child") & care.isin(ADULT_CARE_TYPES)) | (
            (client == "adult") & care.isin(CHILD_CARE_TYPES)
        )
        return wrong.to_numpy(dtype=bool)

    def failing_record(self, record: Mapping[str, Any]) -> bool:
        care, client = record.get("care_type"), record.get("client_type")
        return (client == "child" and care in ADULT_CARE_TYPES) or (
            client == "adult" and care in CHILD_CARE_TYPES
        )


@dataclass(frozen=True)
class RequiredWhen(RecordRule):
    """``field`` is required when ``when`` holds one of ``values``."""

    field: str
    when: str
    values: frozenset[str]
    failure: Failure

    def failing(self, parsed: pd.DataFrame, period: ReturnPeriod | None) -> np.ndarray:
        needed = parsed[self.when].isin(self.values)
        return (needed & parsed[self.field].isna()).to_numpy(dtype=bool)

    def failing_record(self, record: Mapping[str, Any]) -> bool:
        return record.get(self.when) in self.values and record.get(self.field) is None


@dataclass(frozen=True)
class AboveWhen(FrameRule):
    """A query when ``field`` exceeds a limit that depends on ``when`` (units per week)."""

    field: str
    when: str
    limits: Mapping[str, float]
    failure: Failure

    def failing(self, parsed: pd.DataFrame, period: ReturnPeriod | None) -> np.ndarray:
        limit = parsed[self.when].map(dict(self.limits)).astype(np.float64)
        return (parsed[self.field].astype(np.float64) > limit).to_numpy(dtype=bool)


@dataclass(frozen=True)
class WeeklyCostOutside(FrameRule):
    """A query when the weekly cost is above ``high``, or below ``low`` for some care types.

    In the raw view the weekly cost is worked out from unit cost, frequency and planned
    units; in the shared view it is read from ``weekly_cost``.
    """

    field: str
    limit: float
    above: bool
    failure: Failure
    care_types: frozenset[str] | None = None

    def failing(self, parsed: pd.DataFrame, period: ReturnPeriod | None) -> np.ndarray:
        if "weekly_cost" in parsed.columns:
            weekly = parsed["weekly_cost"]
        else:
            weekly = weekly_cost(
                parsed["unit_cost"], parsed["cost_frequency"], parsed["planned_units_per_week"]
            )
        outside = weekly > self.limit if self.above else weekly < self.limit
        if self.care_types is not None:
            outside &= parsed["care_type"].isin(self.care_types)
        return outside.to_numpy(dtype=bool)


@dataclass(frozen=True)
class AfterPeriodEnd(FrameRule):
    """``field`` (a date or month) falls after the period's end (or today, with no period)."""

    field: str
    failure: Failure

    def failing(self, parsed: pd.DataFrame, period: ReturnPeriod | None) -> np.ndarray:
        values = parsed[self.field]
        end = period.end if period is not None else date.today()
        return _compared(values, operator.gt, _bound(values, end))


@dataclass(frozen=True)
class BeforePeriodStart(FrameRule):
    """``field`` falls before the period began (checked only when a period is given)."""

    field: str
    failure: Failure

    def failing(self, parsed: pd.DataFrame, period: ReturnPeriod | None) -> np.ndarray:
        values = parsed[self.field]
        if period is None:
            return np.zeros(len(values), dtype=bool)
        return _compared(values, operator.lt, _bound(values, period.start))


@dataclass(frozen=True)
class AgeAbove(FrameRule):
    """A query when the age at the period end (or today) is above ``years``."""

    field: str
    years: int
    failure: Failure

    def failing(self, parsed: pd.DataFrame, period: ReturnPeriod | None) -> np.ndarray:
        on = period.end if period is not None else date.today()
        return (age_at(parsed[self.field], on) > self.years).to_numpy(dtype=bool)


@dataclass(frozen=True)
class Repeated(FrameRule):
    """A query on every row whose ``field`` value appears on another row too."""

    field: str
    failure: Failure

    def failing(self, parsed: pd.DataFrame, period: ReturnPeriod | None) -> np.ndarray:
        values = parsed[self.field]
        return (values.notna() & values.duplicated(keep=False)).to_numpy(dtype=bool)
