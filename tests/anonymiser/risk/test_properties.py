"""Rules remediation keeps for every frame: it passes or refuses, and touches only what it must."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymiser.risk import MODES, Mode, RiskCheckFailed, assess, remediate
from anonymiser.risk.steps import Remediation

QUASI = ("age_band", "sex", "district", "provider_name", "start_month")
VALUES = {
    "age_band": ["0-4", "16-17", "25-29", "30-34", "85-89", "90+", None],
    "sex": ["female", "male", "other", None],
    "district": ["E07000032", "E07000033", "E06000015", None],
    "provider_name": ["Acorn Lodge Care Ltd", "Oakwood Trust", "Sunrise Healthcare Ltd", None],
    "start_month": ["2023-03", "2023-04", "2024-01", "2024-11", None],
}
OTHERS = ("placement_ref_pseudonym", "weekly_cost")
PROPERTY = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def shared_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Small shared frames with skewed values, blanks, and an index that is not 0..n-1."""
    rows = draw(st.integers(0, 40))
    columns = {
        name: draw(st.lists(st.sampled_from(values), min_size=rows, max_size=rows))
        for name, values in VALUES.items()
    }
    costs = st.one_of(st.none(), st.floats(0, 9_000, allow_nan=False))
    frame = pd.DataFrame(columns, dtype=object)
    frame["placement_ref_pseudonym"] = [f"v1:{i:064x}" for i in range(rows)]
    frame["weekly_cost"] = pd.Series(
        draw(st.lists(costs, min_size=rows, max_size=rows)), dtype=float
    )
    start = draw(st.integers(2, 10_000))
    return frame.set_axis(pd.RangeIndex(start, start + rows))


def attempt(
    frame: pd.DataFrame, k: int, mode: Mode, l_min: int | None = None
) -> tuple[pd.DataFrame, Remediation] | None:
    """Remediate, or None when it refuses with RiskCheckFailed."""
    try:
        result, report, log = remediate(
            frame,
            quasi_identifiers=QUASI,
            k=k,
            mode=mode,
            l=l_min,
        )
    except RiskCheckFailed as failure:
        refused = failure.report
    else:
        assert report.passed
        return result, log
    assert not refused.passed
    return None


@PROPERTY
@given(shared_frames(), st.integers(1, 6), st.sampled_from(MODES), st.sampled_from([None, 1, 2, 3]))
def test_result_passes_assess_or_remediation_refuses(frame, k, mode, l_min) -> None:
    """Whatever comes back has every group at k (and l) or more, judged afresh by assess()."""
    outcome = attempt(frame, k, mode, l_min)
    if outcome is not None:
        report = assess(outcome[0], quasi_identifiers=QUASI, k=k, l=l_min)
        assert report.passed
        assert report.records == 0 or report.smallest_group >= k
        assert report.records == 0 or (report.l_diversity or 0) >= (l_min or 0)


@PROPERTY
@given(
    shared_frames(), st.integers(1, 6), st.sampled_from(["suppress", "generalise_then_suppress"])
)
def test_suppression_refuses_only_when_there_are_fewer_records_than_k(frame, k, mode) -> None:
    """Modes that suppress always succeed once the frame holds k records or more."""
    outcome = attempt(frame, k, mode)
    assert (outcome is None) == (0 < len(frame) < k)


@PROPERTY
@given(shared_frames(), st.integers(1, 6), st.sampled_from(MODES))
def test_rows_index_and_other_columns_never_change(frame, k, mode) -> None:
    """No row is added or removed, the index is kept, and only quasi-identifiers change."""
    outcome = attempt(frame, k, mode)
    if outcome is not None:
        result = outcome[0]
        pd.testing.assert_index_equal(result.index, frame.index)
        assert list(result.columns) == list(frame.columns)
        pd.testing.assert_frame_equal(result[list(OTHERS)], frame[list(OTHERS)])


@PROPERTY
@given(shared_frames(), st.integers(2, 6))
def test_suppression_touches_records_at_risk_and_padding_only(frame, k) -> None:
    """Records in groups of k or more are blanked only as logged padding, at most 2k-2 of them."""
    outcome = attempt(frame, k, "suppress")
    if outcome is not None:
        result, log = outcome
        sizes = frame[list(QUASI)].fillna("<missing>").groupby(list(QUASI)).transform("size")
        safe = (sizes >= k) if len(frame) else pd.Series(dtype=bool)
        touched = result[list(QUASI)].isna() & frame[list(QUASI)].notna()
        assert int(touched.any(axis=1)[safe].sum()) <= log.padding_records <= 2 * k - 2
        assert int(touched.sum().sum()) == log.cells_suppressed
        assert int(touched.any(axis=1).sum()) == log.records_suppressed


@PROPERTY
@given(shared_frames(), st.integers(2, 6))
def test_suppress_mode_changes_values_only_to_blank(frame, k) -> None:
    """Suppression never rewrites a value: a changed cell becomes blank."""
    outcome = attempt(frame, k, "suppress")
    if outcome is not None:
        before, after = frame[list(QUASI)], outcome[0][list(QUASI)]
        changed = before.fillna("<missing>").ne(after.fillna("<missing>"))
        assert after[changed].isna().all().all()


@pytest.mark.parametrize("mode", MODES)
@PROPERTY
@given(shared_frames(), st.integers(1, 6))
def test_remediation_is_idempotent(mode, frame, k) -> None:
    """Remediating a remediated frame changes nothing more."""
    outcome = attempt(frame, k, mode)
    if outcome is not None:
        again = attempt(outcome[0], k, mode)
        assert again is not None
        assert not again[1].changed
        pd.testing.assert_frame_equal(again[0], outcome[0])
