"""remediate(): bringing a failing shared frame under k, each change logged, or refusing."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd
import pytest

from anonymiser.risk import (
    HIERARCHIES,
    GeneralisationStep,
    Mode,
    RiskCheckFailed,
    RiskInputError,
    SuppressionStep,
    assess,
    remediate,
)
from schemas import get_schema

QUASI = get_schema("placements", 1).quasi_identifiers
SMALL_QUASI = ("age_band", "sex", "care_type")


def small_frame(rows: Sequence[tuple[str | None, ...]], *, start: int = 100) -> pd.DataFrame:
    """A frame of (age_band, sex, care_type) rows, indexed like Excel rows, with a pseudonym."""
    frame = pd.DataFrame(rows, columns=list(SMALL_QUASI), dtype=object)
    frame.index = pd.RangeIndex(start, start + len(rows))
    frame["placement_ref_pseudonym"] = [f"v1:{i:064x}" for i in range(len(rows))]
    frame["weekly_cost"] = 800.0
    return frame


def test_a_passing_frame_comes_back_unchanged() -> None:
    """Nothing is changed or logged when the frame already passes; the result is a copy."""
    frame = small_frame([("30-34", "female", "nursing")] * 5)
    result, report, log = remediate(frame, quasi_identifiers=SMALL_QUASI, k=5)
    pd.testing.assert_frame_equal(result, frame)
    assert result is not frame
    assert (report.passed, log.changed, log.steps, log.before.passed) == (True, False, (), True)


def test_generalise_lifts_whole_fields_until_groups_reach_k() -> None:
    """Ages 30-34 and 35-39 merge into 25-34 and 35-44 is not needed: one lift suffices."""
    frame = small_frame([("25-29", "female", "nursing")] * 3 + [("30-34", "female", "nursing")] * 3)
    result, report, log = remediate(frame, quasi_identifiers=SMALL_QUASI, k=5, mode="generalise")
    assert report.passed
    assert set(result["age_band"]) == {"25-34"}
    assert log.steps == (GeneralisationStep("age_band", "schema age bands", "10-year bands", 6, 0),)
    assert dict(log.levels)["age_band"] == "10-year bands"
    assert log.cells_suppressed == 0


def test_generalise_alone_fails_when_a_provider_is_rare(build_frame) -> None:
    """Providers are never generalised, so a provider with one placement defeats generalising."""
    frame = build_frame(300, seed=11, providers=3)
    frame.loc[0, "provider_name"] = "Acorn Lodge Care Ltd"
    with pytest.raises(RiskCheckFailed, match="mode generalise") as raised:
        remediate(frame, quasi_identifiers=QUASI, k=5, mode="generalise")
    failure = raised.value
    assert "Acorn" not in str(failure)
    assert failure.report.records_below_k >= 1
    assert failure.remediation is not None
    assert all(isinstance(step, GeneralisationStep) for step in failure.remediation.steps)


def test_suppress_blanks_only_records_at_risk() -> None:
    """Five records unique by care type lose their care type and nothing else; others stay."""
    rows = [("30-34", "male", "nursing")] * 6
    cares = ("nursing", "home_care", "residential", "shared_lives", "supported_living")
    rows += [("30-34", "female", care) for care in cares]
    frame = small_frame(rows)
    result, report, log = remediate(frame, quasi_identifiers=SMALL_QUASI, k=5, mode="suppress")
    assert report.passed
    changed = result[list(SMALL_QUASI)].ne(frame[list(SMALL_QUASI)])
    assert changed.any(axis=1)[lambda rows: rows].index.tolist() == [106, 107, 108, 109, 110]
    assert changed.any().to_dict() == {"age_band": False, "sex": False, "care_type": True}
    assert log.steps == (SuppressionStep("care_type", 5, 5, 5, 0, "at_risk"),)
    assert (log.padding_records, log.records_suppressed) == (0, 5)


def test_padding_hides_too_few_rare_records_among_others() -> None:
    """Two unique records cannot make a group of 5: three records of a large group join them."""
    rows = [("30-34", "female", "nursing")] * 12 + [
        ("85-89", "male", "home_care"),
        ("0-4", "other", "agency_foster"),
    ]
    frame = small_frame(rows)
    result, report, log = remediate(frame, quasi_identifiers=SMALL_QUASI, k=5, mode="suppress")
    assert report.passed
    assert report.smallest_group == 5
    assert log.padding_records == 3
    assert result[list(SMALL_QUASI)].isna().all(axis=1).sum() == 5
    assert any(isinstance(s, SuppressionStep) and s.reason == "padding" for s in log.steps)


@pytest.mark.parametrize("mode", ["generalise", "suppress", "generalise_then_suppress"])
def test_fewer_records_than_k_can_never_pass(mode: Mode) -> None:
    """A frame with fewer than k records fails in every mode, with a clear error."""
    frame = small_frame([("30-34", "female", "nursing")] * 4)
    with pytest.raises(RiskCheckFailed, match="smaller than k=5") as raised:
        remediate(frame, quasi_identifiers=SMALL_QUASI, k=5, mode=mode)
    assert "hold the return back" in str(raised.value)


def test_default_mode_generalises_then_suppresses(build_frame) -> None:
    """On a realistic frame the default mode lifts fields, then blanks the remaining few."""
    frame = build_frame(2_000, seed=12, providers=15, months=30, missing=0.02)
    result, report, log = remediate(frame, quasi_identifiers=QUASI, k=5)
    assert report.passed
    assert report.smallest_group >= 5
    kinds = {type(step) for step in log.steps}
    assert kinds == {GeneralisationStep, SuppressionStep}
    blanked = (result[list(QUASI)].isna() & frame[list(QUASI)].notna()).sum().sum()
    assert log.cells_suppressed == blanked
    assert log.before.records_below_k > 0


def test_generalised_values_are_the_hierarchy_lift_of_the_originals(build_frame) -> None:
    """Every generalised value is its original lifted to the field's final level."""
    frame = build_frame(1_000, seed=13, providers=6)
    result, _, log = remediate(frame, quasi_identifiers=QUASI, k=5, mode="generalise_then_suppress")
    for name, level_name in log.levels:
        hierarchy = HIERARCHIES[name]
        level = hierarchy.levels.index(level_name)
        kept = result[name].notna()
        expected = frame.loc[kept, name].map(lambda value, h=hierarchy, lv=level: h.lift(value, lv))
        assert result.loc[kept, name].tolist() == expected.tolist()


def test_l_diversity_is_enforced_when_asked(build_frame) -> None:
    """With l=2 the result has at least two cost bands in every group."""
    frame = build_frame(1_500, seed=14, providers=5)
    _, report, _ = remediate(frame, quasi_identifiers=QUASI, k=5, l=2)
    assert report.passed
    assert (report.l_diversity or 0) >= 2


def test_only_quasi_identifiers_change_and_the_index_is_kept(build_frame) -> None:
    """The pseudonym and weekly cost columns, the index and the column order are untouched."""
    frame = build_frame(600, seed=15, providers=8).set_axis(range(5, 605))
    result, _, _ = remediate(frame, quasi_identifiers=QUASI, k=5)
    assert list(result.columns) == list(frame.columns)
    pd.testing.assert_index_equal(result.index, frame.index)
    others = ["placement_ref_pseudonym", "weekly_cost"]
    pd.testing.assert_frame_equal(result[others], frame[others])


def test_remediated_frame_passes_assess_and_a_second_remediation_is_a_no_op(build_frame) -> None:
    """The returned report is the frame's own, and remediating it again changes nothing."""
    frame = build_frame(800, seed=16, providers=10)
    result, report, _ = remediate(frame, quasi_identifiers=QUASI, k=5)
    assert assess(result, quasi_identifiers=QUASI, k=5) == report
    again, _, log = remediate(result, quasi_identifiers=QUASI, k=5)
    assert not log.changed
    pd.testing.assert_frame_equal(again, result)


def test_log_is_json_ready(build_frame) -> None:
    """The remediation log serialises with its totals."""
    frame = build_frame(500, seed=17)
    _, _, log = remediate(frame, quasi_identifiers=QUASI, k=5)
    document = json.loads(json.dumps(log.as_dict()))
    assert document["cells_suppressed"] == log.cells_suppressed
    assert len(document["steps"]) == len(log.steps)


@pytest.mark.parametrize(("mode", "limit"), [("shuffle", 0.05), ("suppress", 1.5)])
def test_bad_settings_are_refused(mode: str, limit: float) -> None:
    """An unknown mode or a suppression limit outside 0 to 1 is refused."""
    frame = small_frame([("30-34", "female", "nursing")] * 5)
    with pytest.raises(RiskInputError):
        remediate(frame, quasi_identifiers=SMALL_QUASI, k=5, mode=mode, suppression_limit=limit)  # type: ignore[arg-type]
