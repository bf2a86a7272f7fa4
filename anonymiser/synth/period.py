"""The return period a synthetic region is generated for.

The labels and their days are the agreed schemas' (:class:`schemas.ReturnPeriod`):
a calendar quarter (``2026-Q2``, April to June), a month (``2026-06``) and a
financial year (``2026-27``, April to March). This module only turns a refused
label into the generator's own error and adds what the generator needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from anonymiser.synth.errors import UnknownPeriod
from schemas import ReturnPeriod, SchemaError


@dataclass(frozen=True)
class Period:
    """A return period: its label and its first and last day."""

    label: str
    start: date
    end: date

    @classmethod
    def parse(cls, label: str) -> Period:
        """Read ``2026-Q2``, ``2026-06`` or ``2026-27``; anything else is refused."""
        try:
            agreed = ReturnPeriod.parse(label)
        except SchemaError:
            raise UnknownPeriod(
                f"Period {label!r} is not understood: use a quarter (2026-Q2), "
                "a month (2026-06) or a financial year (2026-27)."
            ) from None
        return cls(agreed.label, agreed.start, agreed.end)

    @property
    def days(self) -> int:
        """How many days the period covers."""
        return (self.end - self.start).days + 1
