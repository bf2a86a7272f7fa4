"""The return period a synthetic region is generated for.

Understands the labels the exchange uses: a calendar quarter (``2026-Q2``,
April to June), a month (``2026-06``) and a financial year (``2026-27``, April
to March). The synthetic data only needs the first and last day; the agreed
schemas own the full rules for real returns.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from anonymiser.synth.errors import UnknownPeriod

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A return period: its label and its first and last day."""

    label: str
    start: date
    end: date

    @classmethod
    def parse(cls, label: str) -> Period:
        """Read ``2026-Q2``, ``2026-06`` or ``2026-27``; anything else is refused."""
        text = label.strip().upper()
        if match := _QUARTER.match(text):
            year, quarter = int(match[1]), int(match[2])
            first = 3 * quarter - 2
            return cls(text, date(year, first, 1), _month_end(year, first + 2))
        if match := _MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            return cls(text, date(year, month, 1), _month_end(year, month))
        if (match := _FINANCIAL_YEAR.match(text)) and (int(match[1]) + 1) % 100 == int(match[2]):
            year = int(match[1])
            return cls(text, date(year, 4, 1), date(year + 1, 3, 31))
        raise UnknownPeriod(
            f"Period {label!r} is not understood: use a quarter (2026-Q2), "
            "a month (2026-06) or a financial year (2026-27)."
        )

    @property
    def days(self) -> int:
        """How many days the period covers."""
        return (self.end - self.start).days + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
