"""Return periods: the stretch of time a return covers.

Three forms, each with one canonical label:

* ``2026-Q2`` — a calendar quarter (Q1 January to March, so Q2 is April to June 2026);
* ``2026-06`` — a calendar month;
* ``2026-27`` — a financial year, 1 April 2026 to 31 March 2027.

``2026 Q2``, ``2026-q2`` and ``2026/27`` are read too and written canonically. A financial
year before 2012 whose label would read as a month (``2011-12`` is December 2011) is
written with a slash: ``2011/12``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from schemas.errors import InvalidPeriod

PeriodKind = Literal["month", "quarter", "financial_year"]

_QUARTER = re.compile(r"(?P<year>[0-9]{4})[ -]?[Qq](?P<quarter>[1-4])")
_MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])")
_FINANCIAL_YEAR = re.compile(r"(?P<year>[0-9]{4})[-/](?P<next>[0-9]{2})")


@dataclass(frozen=True, order=True)
class ReturnPeriod:
    """A return period: first and last day (inclusive) and its canonical label."""

    start: date
    end: date
    label: str = field(compare=False)
    kind: PeriodKind = field(compare=False, default="month")

    @classmethod
    def parse(cls, text: str) -> ReturnPeriod:
        """Read a period label; :class:`~schemas.errors.InvalidPeriod` if it is not one."""
        value = text.strip() if isinstance(text, str) else ""
        if found := _QUARTER.fullmatch(value):
            year, quarter = int(found["year"]), int(found["quarter"])
            first = 3 * quarter - 2
            return cls._between(year, first, year, first + 2, f"{year}-Q{quarter}", "quarter")
        if found := _MONTH.fullmatch(value):
            year, month = int(found["year"]), int(found["month"])
            return cls._between(year, month, year, month, f"{year}-{month:02d}", "month")
        if found := _FINANCIAL_YEAR.fullmatch(value):
            year = int(found["year"])
            if int(found["next"]) != (year + 1) % 100:
                raise InvalidPeriod(
                    "A financial year runs April to March, so its label names consecutive "
                    f"years, such as {year}-{(year + 1) % 100:02d}"
                )
            label = f"{year}-{(year + 1) % 100:02d}"
            if _MONTH.fullmatch(label):  # 2011-12 is December 2011; write its year 2011/12
                label = label.replace("-", "/")
            return cls._between(year, 4, year + 1, 3, label, "financial_year")
        raise InvalidPeriod(
            "The return period must be a quarter (2026-Q2), a month (2026-06) or a financial "
            "year (2026-27)"
        )

    @classmethod
    def _between(
        cls, year: int, month: int, last_year: int, last_month: int, label: str, kind: PeriodKind
    ) -> ReturnPeriod:
        if not 2000 <= year <= 2099:
            raise InvalidPeriod("The return period's year must be between 2000 and 2099")
        last_day = calendar.monthrange(last_year, last_month)[1]
        return cls(date(year, month, 1), date(last_year, last_month, last_day), label, kind)

    def __str__(self) -> str:
        return self.label

    def contains(self, day: date) -> bool:
        """Whether a day falls within the period."""
        return self.start <= day <= self.end

    @property
    def months(self) -> tuple[str, ...]:
        """The calendar months the period covers, as ``YYYY-MM``."""
        out: list[str] = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(out)
