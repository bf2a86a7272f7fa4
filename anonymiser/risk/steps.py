"""The remediation log: every change made to a shared frame to bring its risk down.

Each step names the field, what was done and how many records were still at risk before
and after it, so that the preview can show the information governance officer exactly
what was coarsened or blanked, and why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from anonymiser.risk.measures import RiskReport

Mode = Literal["generalise", "suppress", "generalise_then_suppress"]
MODES: tuple[Mode, ...] = ("generalise", "suppress", "generalise_then_suppress")
#: Why cells were suppressed: their records were at risk, or they pad the blanked group to k.
SuppressionReason = Literal["at_risk", "padding"]


@dataclass(frozen=True)
class GeneralisationStep:
    """One field lifted one or more levels up its hierarchy, in every record."""

    field: str
    from_level: str
    to_level: str
    records_at_risk_before: int
    records_at_risk_after: int

    def as_dict(self) -> dict[str, Any]:
        """The step as JSON-ready data."""
        return {"action": "generalise", **asdict(self)}


@dataclass(frozen=True)
class SuppressionStep:
    """One field blanked in some records (``cells`` counts values that were not blank)."""

    field: str
    records: int
    cells: int
    records_at_risk_before: int
    records_at_risk_after: int
    reason: SuppressionReason

    def as_dict(self) -> dict[str, Any]:
        """The step as JSON-ready data."""
        return {"action": "suppress", **asdict(self)}


Step = GeneralisationStep | SuppressionStep


@dataclass(frozen=True)
class Remediation:
    """What :func:`~anonymiser.risk.remediate` did, in order, and the risk before it."""

    mode: Mode
    steps: tuple[Step, ...]
    levels: tuple[tuple[str, str], ...]
    records_suppressed: int
    before: RiskReport

    @property
    def changed(self) -> bool:
        """Whether anything in the frame was changed."""
        return bool(self.steps)

    @property
    def cells_suppressed(self) -> int:
        """How many values were blanked, in all."""
        return sum(step.cells for step in self.steps if isinstance(step, SuppressionStep))

    def cells_suppressed_by_field(self) -> dict[str, int]:
        """How many values of each field were blanked (fields with none left out)."""
        cells: dict[str, int] = {}
        for step in self.steps:
            if isinstance(step, SuppressionStep):
                cells[step.field] = cells.get(step.field, 0) + step.cells
        return cells

    @property
    def padding_records(self) -> int:
        """How many records outside small groups were blanked to pad the last group to k."""
        return max(
            (
                step.records
                for step in self.steps
                if isinstance(step, SuppressionStep) and step.reason == "padding"
            ),
            default=0,
        )

    def as_dict(self) -> dict[str, Any]:
        """The log as JSON-ready data."""
        return {
            "mode": self.mode,
            "steps": [step.as_dict() for step in self.steps],
            "levels": dict(self.levels),
            "records_suppressed": self.records_suppressed,
            "padding_records": self.padding_records,
            "cells_suppressed": self.cells_suppressed,
            "cells_suppressed_by_field": self.cells_suppressed_by_field(),
            "before": self.before.as_dict(),
        }
