"""The re-identification risk of a shared frame, measured over its quasi-identifiers.

:func:`assess` takes the rows that will leave the authority and answers, with pandas and
numpy group-bys only (a million rows in well under a second):

* **k** — the size of the smallest group of records sharing every quasi-identifier value;
* the records (and their share) in groups smaller than the agreed k;
* **average risk** — the prosecutor risk averaged over records, the mean of 1 / group size
  (equal to groups / records); **max risk** — 1 / the smallest group size;
* **l** — the fewest different weekly-cost bands in any group (see :mod:`.bands`);
* for each quasi-identifier, what it contributes (for the preview).

Missing values are values of their own (see :mod:`.classes`). :attr:`RiskReport.passed`
is computed from the figures, so a report can never say a failing frame passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from anonymiser.risk.bands import BAND_COUNT, cost_band_codes
from anonymiser.risk.classes import Classes, FieldCoding, classes_of, code_column
from anonymiser.risk.errors import RiskCheckFailed, RiskInputError

#: The column whose cost band l-diversity is measured on, unless told otherwise.
SENSITIVE = "weekly_cost"
#: Group-size bins for the preview: (label, smallest size, largest size or None).
SIZE_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 1),
    ("2", 2, 2),
    ("3", 3, 3),
    ("4", 4, 4),
    ("5-9", 5, 9),
    ("10-19", 10, 19),
    ("20+", 20, None),
)


@dataclass(frozen=True)
class FieldRisk:
    """What one quasi-identifier contributes to the risk, for the preview."""

    field: str
    distinct_values: int
    missing: int
    smallest_group_alone: int
    records_below_k_without_it: int


@dataclass(frozen=True)
class RiskReport:
    """The risk figures of one frame; :attr:`passed` is derived from them."""

    records: int
    quasi_identifiers: tuple[str, ...]
    k_threshold: int
    smallest_group: int
    groups: int
    records_below_k: int
    average_risk: float
    max_risk: float
    l_threshold: int | None
    sensitive: str | None
    l_diversity: int | None
    records_by_group_size: tuple[tuple[str, int], ...]
    fields: tuple[FieldRisk, ...]

    @property
    def share_below_k(self) -> float:
        """The share of records in groups smaller than the agreed k (0 for no records)."""
        return self.records_below_k / self.records if self.records else 0.0

    @property
    def passed(self) -> bool:
        """Whether no record is in a group below k, nor in a group short of l cost bands."""
        diverse = self.l_threshold is None or (self.l_diversity or 0) >= self.l_threshold
        return self.records_below_k == 0 and (self.records == 0 or diverse)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data, with the derived figures."""
        document = asdict(self)
        document["records_by_group_size"] = dict(self.records_by_group_size)
        document["share_below_k"] = self.share_below_k
        document["passed"] = self.passed
        return document


def assess(
    frame: pd.DataFrame,
    *,
    quasi_identifiers: Sequence[str],
    k: int,
    l: int | None = None,  # noqa: E741 - l is the name the measure goes by
    sensitive: str | None = SENSITIVE,
) -> RiskReport:
    """Measure a shared frame's re-identification risk (never raises for a failing frame).

    ``sensitive`` names the weekly-cost column; when it is absent (or ``None``) l-diversity
    is not measured, and asking for ``l`` then is an error.
    """
    check_settings(frame, quasi_identifiers, k, l, sensitive)
    codings = {name: code_column(frame[name]) for name in quasi_identifiers}
    bands = sensitive_codes(frame, sensitive)
    return measure(codings, bands, k=k, l_min=l, sensitive=sensitive if bands is not None else None)


def verify(
    frame: pd.DataFrame,
    *,
    quasi_identifiers: Sequence[str],
    k: int,
    l: int | None = None,  # noqa: E741
    sensitive: str | None = SENSITIVE,
) -> RiskReport:
    """Assess a frame and raise :class:`RiskCheckFailed` unless it passes (call before signing)."""
    report = assess(frame, quasi_identifiers=quasi_identifiers, k=k, l=l, sensitive=sensitive)
    if not report.passed:
        raise RiskCheckFailed(failure_message(report), report=report)
    return report


def failure_message(report: RiskReport, *, mode: str | None = None) -> str:
    """Why a report fails (after remediation in ``mode``, if any), in figures only, and
    what the officer can do next."""
    parts = []
    if report.records_below_k:
        parts.append(
            f"{report.records_below_k} of {report.records} records "
            f"({report.share_below_k:.1%}) are in groups smaller than k={report.k_threshold}"
        )
    if report.l_threshold is not None and (report.l_diversity or 0) < report.l_threshold:
        parts.append(
            f"a group has only {report.l_diversity} cost band(s), fewer than l={report.l_threshold}"
        )
    after = f" after remediation (mode {mode})" if mode else ""
    grouped = ", ".join(report.quasi_identifiers) or "no quasi-identifier"
    return (
        f"The return fails the re-identification risk check{after}: {'; '.join(parts)} "
        f"(grouped by {grouped}). It must not be signed. {_next_step(report, mode)}"
    )


def _next_step(report: RiskReport, mode: str | None) -> str:
    if report.records < report.k_threshold:
        return (
            f"With fewer than {report.k_threshold} records in all, no grouping can protect "
            "them: hold the return back and agree with the region how to report so few."
        )
    if mode != "generalise_then_suppress":
        return "Remediate it with the mode 'generalise_then_suppress'."
    return "Review the groups short of cost bands in the preview, or ask for a lower l."


def check_settings(
    frame: pd.DataFrame, quasi: Sequence[str], k: int, l_min: int | None, sensitive: str | None
) -> None:
    """Refuse settings the check cannot honour (field names only in the messages)."""
    if isinstance(quasi, str) or len(set(quasi)) != len(quasi):
        raise RiskInputError("Give the quasi-identifiers as a list of distinct column names")
    missing = [name for name in quasi if name not in frame.columns]
    if missing:
        raise RiskInputError(
            f"The shared frame has no column for the quasi-identifier(s) {', '.join(missing)}"
        )
    if not _whole(k):
        raise RiskInputError("The k threshold must be a whole number of at least 1")
    if l_min is not None and not _whole(l_min):
        raise RiskInputError("The l threshold must be a whole number of at least 1")
    if l_min is not None and (sensitive is None or sensitive not in frame.columns):
        raise RiskInputError(
            f"l-diversity needs the sensitive column {sensitive!r}, which the frame lacks"
        )


def _whole(threshold: object) -> bool:
    """Whether a threshold is a whole number of at least 1 (``True`` is not one)."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer):
        return False
    return bool(threshold >= 1)


def sensitive_codes(frame: pd.DataFrame, sensitive: str | None) -> np.ndarray | None:
    """Cost-band codes of the sensitive column, or ``None`` if there is none to measure."""
    if sensitive is None or sensitive not in frame.columns:
        return None
    return cost_band_codes(frame[sensitive])


def measure(
    codings: Mapping[str, FieldCoding],
    bands: np.ndarray | None,
    *,
    k: int,
    l_min: int | None,
    sensitive: str | None,
) -> RiskReport:
    """The report for coded quasi-identifiers (and cost-band codes, if measured)."""
    n = _length(codings, bands)
    classes = classes_of(
        [c.codes for c in codings.values()], [c.cardinality for c in codings.values()], n
    )
    sizes = classes.record_sizes()
    diversity = classes.diversity(bands, BAND_COUNT) if bands is not None and n else None
    smallest = int(sizes.min()) if n else 0
    return RiskReport(
        records=n,
        quasi_identifiers=tuple(codings),
        k_threshold=int(k),
        smallest_group=smallest,
        groups=classes.count,
        records_below_k=int(np.count_nonzero(sizes < k)),
        average_risk=classes.count / n if n else 0.0,
        max_risk=1 / smallest if n else 0.0,
        l_threshold=None if l_min is None else int(l_min),
        sensitive=sensitive,
        l_diversity=int(diversity.min()) if diversity is not None else None,
        records_by_group_size=_size_bins(sizes),
        fields=_field_risks(codings, classes, k),
    )


def _length(codings: Mapping[str, FieldCoding], bands: np.ndarray | None) -> int:
    for coding in codings.values():
        return len(coding.codes)
    return 0 if bands is None else len(bands)


def _size_bins(sizes: np.ndarray) -> tuple[tuple[str, int], ...]:
    bins = []
    for label, low, high in SIZE_BINS:
        top = np.inf if high is None else high
        bins.append((label, int(np.count_nonzero((sizes >= low) & (sizes <= top)))))
    return tuple(bins)


def _field_risks(
    codings: Mapping[str, FieldCoding], classes: Classes, k: int
) -> tuple[FieldRisk, ...]:
    """Each field's figures; "without it" merges whole classes, one record standing for each."""
    rows = classes.representatives()
    standing = {name: coding.codes[rows] for name, coding in codings.items()}
    risks = []
    for name, coding in codings.items():
        alone = np.bincount(coding.codes, minlength=coding.cardinality)
        kept = [other for other in codings if other != name]
        merged = classes_of(
            [standing[other] for other in kept], [codings[o].cardinality for o in kept], len(rows)
        )
        sizes = np.bincount(merged.ids, weights=classes.sizes, minlength=merged.count)
        risks.append(
            FieldRisk(
                field=name,
                distinct_values=coding.distinct(),
                missing=coding.missing(),
                smallest_group_alone=int(alone[alone > 0].min()) if len(rows) else 0,
                records_below_k_without_it=int(classes.sizes[sizes[merged.ids] < k].sum()),
            )
        )
    return tuple(risks)
