"""Errors of the re-identification risk check.

    AnonymiserError                  (anonymiser.errors)
    └── RiskError                    anything the risk check reports
        ├── RiskCheckFailed          the return still fails the check; it must not be signed
        └── RiskInputError           the frame or the settings cannot be checked at all

Messages carry figures and field names only, never a value from the frame: a value of a
quasi-identifier in a small group is exactly what must not be shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from anonymiser.errors import AnonymiserError

if TYPE_CHECKING:
    from anonymiser.risk.measures import RiskReport
    from anonymiser.risk.remediation import Remediation


class RiskError(AnonymiserError):
    """A problem found by the re-identification risk check."""


class RiskCheckFailed(RiskError):
    """The shared frame fails the check (after any remediation): do not sign it.

    ``report`` holds the figures of the frame as it stands; ``remediation`` what was tried.
    """

    def __init__(
        self,
        message: str,
        *,
        report: RiskReport,
        remediation: Remediation | None = None,
    ) -> None:
        super().__init__(message)
        self.report = report
        self.remediation = remediation


class RiskInputError(RiskError):
    """The check cannot run: a quasi-identifier column is missing, or a setting is invalid."""
