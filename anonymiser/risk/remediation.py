"""Bringing a failing shared frame under the agreed k (and l), with every change logged.

Modes, chosen by the officer (default ``generalise_then_suppress``):

* ``generalise`` — lift whole fields up their hierarchies (:mod:`.generalising`) until
  nothing is at risk; fails if the hierarchies run out first;
* ``suppress`` — blank values in the records at risk only (:mod:`.suppressing`);
* ``generalise_then_suppress`` — lift fields until at most ``suppression_limit`` (5%) of
  records are at risk, or lifting can protect no more (:mod:`.generalising`), then
  suppress the rest.

Whatever the mode, the result is assessed afresh from the frame that will leave, and
:class:`~anonymiser.risk.errors.RiskCheckFailed` is raised unless it passes: a caller
never receives a failing frame with a passing report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from anonymiser.risk.coded_frame import CodedFrame
from anonymiser.risk.errors import RiskCheckFailed, RiskInputError
from anonymiser.risk.generalising import generalise
from anonymiser.risk.measures import (
    SENSITIVE,
    RiskReport,
    assess,
    check_settings,
    failure_message,
    measure,
    sensitive_codes,
)
from anonymiser.risk.steps import MODES, Mode, Remediation, Step
from anonymiser.risk.suppressing import suppress
from schemas.hierarchies import HIERARCHIES

#: In ``generalise_then_suppress``, the share of records left to suppression.
SUPPRESSION_LIMIT = 0.05


def remediate(
    frame: pd.DataFrame,
    *,
    quasi_identifiers: Sequence[str],
    k: int,
    mode: Mode = "generalise_then_suppress",
    l: int | None = None,  # noqa: E741 - l is the name the measure goes by
    sensitive: str | None = SENSITIVE,
    suppression_limit: float = SUPPRESSION_LIMIT,
) -> tuple[pd.DataFrame, RiskReport, Remediation]:
    """The frame brought under the threshold, its fresh report, and the log of changes.

    Returns a copy (unchanged if the frame already passes); only quasi-identifier columns
    are ever changed, no row is added or removed. Raises :class:`RiskCheckFailed` (with
    the report and the log) if the result still fails.
    """
    _check_mode(mode, suppression_limit)
    check_settings(frame, quasi_identifiers, k, l, sensitive)
    bands = sensitive_codes(frame, sensitive)
    coded = CodedFrame.from_frame(frame, quasi_identifiers, bands, k=k, l_min=l)
    measured = sensitive if bands is not None else None
    before = measure(coded.codings, bands, k=k, l_min=l, sensitive=measured)
    steps = [] if before.passed else _run(coded, mode, suppression_limit)
    result = coded.write_to(frame)
    # Judged afresh from the frame that will leave, never from the working codes.
    after = assess(result, quasi_identifiers=quasi_identifiers, k=k, l=l, sensitive=sensitive)
    levels = tuple((name, HIERARCHIES[name].levels[level]) for name, level in coded.levels.items())
    remediation = Remediation(mode, tuple(steps), levels, int(coded.touched.sum()), before)
    if not after.passed:
        raise RiskCheckFailed(
            failure_message(after, mode=mode), report=after, remediation=remediation
        )
    return result, after, remediation


def _run(coded: CodedFrame, mode: Mode, suppression_limit: float) -> list[Step]:
    steps: list[Step] = []
    if mode == "generalise":
        steps.extend(generalise(coded, enough=0))
    if mode == "generalise_then_suppress":
        enough = math.floor(suppression_limit * coded.records)
        steps.extend(generalise(coded, enough=enough))
    if mode in ("suppress", "generalise_then_suppress"):
        steps.extend(suppress(coded))
    return steps


def _check_mode(mode: str, suppression_limit: float) -> None:
    if mode not in MODES:
        raise RiskInputError(f"Unknown remediation mode {mode!r}: use one of {', '.join(MODES)}")
    if not 0.0 <= suppression_limit <= 1.0:
        raise RiskInputError("The suppression limit is a share of records, from 0 to 1")
