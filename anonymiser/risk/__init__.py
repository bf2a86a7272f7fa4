"""The re-identification risk check, run on the shared frame before a return is signed.

Over the schema's quasi-identifiers (``ReturnSchema.quasi_identifiers``, threshold
``ReturnSchema.k_threshold``)::

    report = assess(frame, quasi_identifiers=s.quasi_identifiers, k=s.k_threshold)
    frame, report, log = remediate(frame, quasi_identifiers=..., k=..., mode=...)
    verify(frame, quasi_identifiers=..., k=...)   # raises RiskCheckFailed; before signing

See ``docs/reidentification-risk.md`` for the measures, thresholds and remediation order.
"""

from __future__ import annotations

from anonymiser.risk.bands import COST_BANDS, NO_WEEKLY_COST, cost_band
from anonymiser.risk.errors import RiskCheckFailed, RiskError, RiskInputError
from anonymiser.risk.measures import SENSITIVE, FieldRisk, RiskReport, assess, verify
from anonymiser.risk.remediation import SUPPRESSION_LIMIT, remediate
from anonymiser.risk.steps import (
    MODES,
    GeneralisationStep,
    Mode,
    Remediation,
    SuppressionStep,
)
from schemas.hierarchies import HIERARCHIES, Hierarchy

__all__ = [
    "COST_BANDS",
    "HIERARCHIES",
    "MODES",
    "NO_WEEKLY_COST",
    "SENSITIVE",
    "SUPPRESSION_LIMIT",
    "FieldRisk",
    "GeneralisationStep",
    "Hierarchy",
    "Mode",
    "Remediation",
    "RiskCheckFailed",
    "RiskError",
    "RiskInputError",
    "RiskReport",
    "SuppressionStep",
    "assess",
    "cost_band",
    "remediate",
    "verify",
]
