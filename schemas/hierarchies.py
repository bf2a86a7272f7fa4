"""Generalisation hierarchies: how each quasi-identifier can be made coarser, level by level.

They are part of the agreed contract, not of the anonymiser alone: a return whose risk
check generalised a field further, or suppressed it (left it empty), must still be a
valid shared return, so the shared view of every quasi-identifier accepts each level
named here (see :func:`widened_type`).

Level 0 is the value as the schema's policy made it; each level above merges values of
the one below, and every band nests in the band above it, so lifting a value twice is the
same as lifting it once to the higher level:

* ``age_band`` — schema bands (0-4 ... 90+) -> 10-year -> 20-year -> 0-17 / 18-64 / 65+;
* ``district`` (ONS district code) -> the code of the authority it belongs to;
* ``start_month`` (and the other ``*_month`` fields) — ``YYYY-MM`` -> calendar quarter
  ``YYYY-Qn`` -> financial year ``YYYY-YY``, labelled as return periods are;
* ``ethnicity`` — census group -> white / other than white (not stated stays);
* ``sex`` — female / male stay; other and not known merge.

``care_type`` and ``provider_name`` have no hierarchy: prices are compared per care type
and per provider, which is what the region shares for. Values a hierarchy does not know
are left as they are; the risk check still counts them, and suppression can blank them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np

from schemas.codes import ETHNICITIES, SEXES
from schemas.fieldtypes import CodeListType, FieldType
from schemas.fieldtypes.base import Failure, Pattern, TextCheck
from schemas.fieldtypes.places import ons_code
from schemas.fieldtypes.rulebased import RuleType
from schemas.generalise import AGE_BANDS
from schemas.geography import AUTHORITIES, DISTRICTS, HISTORIC_AUTHORITIES


@dataclass(frozen=True)
class Hierarchy:
    """The levels of one kind of field, from the value as supplied (level 0) upwards."""

    levels: tuple[str, ...]
    _rank: Callable[[str], int | None]
    _lift: Callable[[str, int], str]

    @property
    def top(self) -> int:
        """The highest level."""
        return len(self.levels) - 1

    def rank(self, value: object) -> int | None:
        """The lowest level a value belongs to (``None`` if the hierarchy does not know it)."""
        return self._rank(value) if isinstance(value, str) else None

    def lift(self, value: object, level: int) -> object:
        """The value at ``level``; values already there or above, or unknown, are kept."""
        rank = self.rank(value)
        if rank is None or rank >= level:
            return value
        return self._lift(str(value), level)

    def level_of(self, values: Iterable[object]) -> int:
        """The finest level among known values (the top if none is known)."""
        ranks = [rank for value in values if (rank := self.rank(value)) is not None]
        return min(ranks, default=self.top)


# -- age bands ---------------------------------------------------------------------------
def _lower(band: str) -> int:
    return int(band.split("-")[0].rstrip("+"))


_AGE_BOUNDS: tuple[tuple[int, ...], ...] = (
    tuple(_lower(band) for band in AGE_BANDS),
    (0, 10, 18, 25, 35, 45, 55, 65, 75, 85),
    (0, 18, 45, 65, 85),
    (0, 18, 65),
)
_AGE_NAMES = tuple(
    tuple(
        f"{low}-{high - 1}" if high is not None else f"{low}+"
        for low, high in zip(bounds, (*bounds[1:], None), strict=True)
    )
    for bounds in _AGE_BOUNDS
)
_AGE_RANK = {name: level for level in reversed(range(4)) for name in _AGE_NAMES[level]}


def _lift_age(band: str, level: int) -> str:
    index = int(np.searchsorted(_AGE_BOUNDS[level], _lower(band), side="right")) - 1
    return _AGE_NAMES[level][index]


AGE_BAND = Hierarchy(
    ("schema age bands", "10-year bands", "20-year bands", "0-17, 18-64, 65+"),
    _AGE_RANK.get,
    _lift_age,
)


# -- districts ---------------------------------------------------------------------------
def _district_rank(code: str) -> int | None:
    if code in DISTRICTS:
        return 0
    return 1 if code in AUTHORITIES or code in HISTORIC_AUTHORITIES else None


DISTRICT = Hierarchy(
    ("district", "authority"), _district_rank, lambda code, level: DISTRICTS[code][1]
)

# -- months ------------------------------------------------------------------------------
_MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])")
_QUARTER = re.compile(r"(?P<year>[0-9]{4})-Q(?P<quarter>[1-4])")
_FINANCIAL_YEAR = re.compile(r"[0-9]{4}[-/][0-9]{2}")


def _month_rank(value: str) -> int | None:
    if _MONTH.fullmatch(value):
        return 0
    if _QUARTER.fullmatch(value):
        return 1
    return 2 if _FINANCIAL_YEAR.fullmatch(value) else None


def _lift_month(value: str, level: int) -> str:
    if found := _MONTH.fullmatch(value):
        year, month = int(found["year"]), int(found["month"])
    else:
        found = _QUARTER.fullmatch(value)
        assert found is not None  # only values of rank 0 or 1 are lifted
        year, month = int(found["year"]), 3 * int(found["quarter"]) - 2
    if level == 1:
        return f"{year}-Q{(month + 2) // 3}"
    return financial_year(year if month >= 4 else year - 1)


def financial_year(first_year: int) -> str:
    """A financial year's label as return periods write it (``2024-25``; ``2011/12``)."""
    following = (first_year + 1) % 100
    separator = "/" if 1 <= following <= 12 else "-"  # 2011-12 would read as a month
    return f"{first_year}{separator}{following:02d}"


MONTH = Hierarchy(("month", "quarter", "financial year"), _month_rank, _lift_month)

# -- ethnicity and sex -------------------------------------------------------------------
OTHER_THAN_WHITE: Final = "other_than_white"
OTHER_OR_NOT_KNOWN: Final = "other_or_not_known"


def _merge(codes: Mapping[str, str], kept: frozenset[str], merged: str, name: str) -> Hierarchy:
    def rank(code: str) -> int | None:
        if code in codes:
            return 0
        return 1 if code == merged else None

    return Hierarchy(
        ("as recorded", name),
        rank,
        lambda code, level: code if code in kept else merged,
    )


ETHNICITY = _merge(
    ETHNICITIES,
    frozenset({"white", "not_stated"}),
    OTHER_THAN_WHITE,
    "white, other than white, not stated",
)
SEX = _merge(SEXES, frozenset({"female", "male"}), OTHER_OR_NOT_KNOWN, "female, male, other")

#: Hierarchies by shared field name.
HIERARCHIES: Final[Mapping[str, Hierarchy]] = MappingProxyType(
    {
        "age_band": AGE_BAND,
        "district": DISTRICT,
        "start_month": MONTH,
        "end_month": MONTH,
        "payment_month": MONTH,
        "ethnicity": ETHNICITY,
        "sex": SEX,
    }
)


#: Every value a generalised month field may take: month, quarter or financial year.
PERIOD_LABEL_PATTERN: Final = r"[0-9]{4}-(?:0[1-9]|1[0-2])|[0-9]{4}-Q[1-4]|[0-9]{4}[-/][0-9]{2}"

_PERIOD_LABEL = RuleType(
    "period_label",
    summary="month YYYY-MM, quarter YYYY-Qn or financial year YYYY-YY",
    accepts=("2024-03", "2024-Q1", "2024-25"),
    checks=(
        TextCheck(
            Failure(
                "period_label.format",
                "The value is not a month, quarter or financial year label",
                "Months are made by the anonymiser from dates; send its output unchanged.",
            ),
            Pattern(PERIOD_LABEL_PATTERN),
        ),
    ),
    schema={"type": "string", "pattern": f"^(?:{PERIOD_LABEL_PATTERN})$"},
)


def _labels(names: Iterable[str]) -> Mapping[str, str]:
    return MappingProxyType({name: name for name in names})


_WIDENED: Final[Mapping[str, FieldType]] = MappingProxyType(
    {
        "age_band": CodeListType(
            "age_bands_any_level",
            _labels(dict.fromkeys(name for level in _AGE_NAMES for name in level)),
            strict=True,
        ),
        "district": ons_code(
            {**DISTRICTS, **AUTHORITIES, **HISTORIC_AUTHORITIES}, what="district or authority"
        ),
        "start_month": _PERIOD_LABEL,
        "end_month": _PERIOD_LABEL,
        "payment_month": _PERIOD_LABEL,
        "ethnicity": CodeListType(
            "ethnicities_any_level",
            {**ETHNICITIES, OTHER_THAN_WHITE: "Other than white"},
            strict=True,
        ),
        "sex": CodeListType(
            "sexes_any_level", {**SEXES, OTHER_OR_NOT_KNOWN: "Other or not known"}, strict=True
        ),
    }
)


def widened_type(field_name: str, base: FieldType) -> FieldType:
    """The shared type of a quasi-identifier: every level of its hierarchy (or ``base``)."""
    return _WIDENED.get(field_name, base)
