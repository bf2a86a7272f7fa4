"""What assess() measures on small frames whose answers are known by hand."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from anonymiser.risk import (
    NO_WEEKLY_COST,
    RiskCheckFailed,
    RiskInputError,
    assess,
    cost_band,
    verify,
)

QUASI = ("sex", "care_type")


def frame_of(
    pairs: Sequence[tuple[object, object]], costs: Sequence[float | None] | None = None
) -> pd.DataFrame:
    """A frame with one record per (sex, care_type) pair, and weekly costs."""
    frame = pd.DataFrame(pairs, columns=list(QUASI), dtype=object)
    frame["weekly_cost"] = costs if costs is not None else [700.0] * len(pairs)
    return frame


def test_group_figures_by_hand() -> None:
    """Groups of 1, 2 and 3 records give k=1, half the records below k=3 and average risk 1/2."""
    frame = frame_of(
        [("female", "nursing")] + [("male", "nursing")] * 2 + [("male", "home_care")] * 3
    )
    report = assess(frame, quasi_identifiers=QUASI, k=3)
    assert (report.smallest_group, report.groups, report.records_below_k) == (1, 3, 3)
    assert (report.share_below_k, report.average_risk, report.max_risk) == (0.5, 0.5, 1.0)
    assert not report.passed


def test_missing_values_are_one_value_of_their_own() -> None:
    """None, NaN and blank strings group together, and apart from every real value."""
    frame = frame_of([(None, "nursing"), (np.nan, "nursing"), ("", "nursing"), ("  ", "nursing"),
                      ("female", "nursing")])  # fmt: skip
    report = assess(frame, quasi_identifiers=QUASI, k=2)
    assert (report.groups, report.smallest_group, report.records_below_k) == (2, 1, 1)
    sex = report.fields[0]
    assert (sex.field, sex.missing, sex.distinct_values) == ("sex", 4, 1)


def test_passing_frame() -> None:
    """A frame whose every group reaches k passes, with max risk 1/k."""
    frame = frame_of([("female", "nursing")] * 5 + [("male", "nursing")] * 6)
    report = assess(frame, quasi_identifiers=QUASI, k=5)
    assert report.passed
    assert (report.smallest_group, report.max_risk, report.records_below_k) == (5, 0.2, 0)


def test_l_diversity_counts_cost_bands_per_group() -> None:
    """A group whose weekly costs all fall in one band has l=1, and fails when l=2 is asked."""
    costs = [450.0, 499.99, 100.0, 600.0, 1_500.0, 2_500.0]
    frame = frame_of([("female", "nursing")] * 3 + [("male", "nursing")] * 3, costs)
    report = assess(frame, quasi_identifiers=QUASI, k=3, l=2)
    assert (report.smallest_group, report.l_diversity, report.l_threshold) == (3, 1, 2)
    assert not report.passed
    assert assess(frame, quasi_identifiers=QUASI, k=3).passed


def test_cost_band_bounds() -> None:
    """Each band includes its lower bound; a missing weekly cost is a band of its own."""
    costs = pd.Series([0.0, 499.99, 500.0, 999.99, 1_000.0, 2_000.0, 4_999.99, 5_000.0, None, ""])
    assert cost_band(costs).tolist() == [
        "under_500", "under_500", "500_to_1000", "500_to_1000", "1000_to_2000",
        "2000_to_5000", "2000_to_5000", "5000_and_over", NO_WEEKLY_COST, NO_WEEKLY_COST,
    ]  # fmt: skip


def test_weekly_cost_that_is_not_an_amount_is_refused_without_quoting_it() -> None:
    """Text in the weekly cost column stops the check; the message names the column only."""
    frame = frame_of([("female", "nursing")] * 2)
    frame["weekly_cost"] = ["Mrs Jane Doe", "550"]
    with pytest.raises(RiskInputError, match="weekly_cost") as raised:
        assess(frame, quasi_identifiers=QUASI, k=2)
    assert "Jane" not in str(raised.value)


def test_missing_quasi_identifier_column_is_refused() -> None:
    """A quasi-identifier the frame lacks is named in a clear error."""
    with pytest.raises(RiskInputError, match="district"):
        assess(frame_of([("female", "nursing")]), quasi_identifiers=(*QUASI, "district"), k=5)


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_k_must_be_a_whole_number_of_at_least_one(k: object) -> None:
    """A k that is not a positive whole number is refused."""
    with pytest.raises(RiskInputError, match="k threshold"):
        assess(frame_of([("female", "nursing")]), quasi_identifiers=QUASI, k=k)  # type: ignore[arg-type]


def test_l_needs_the_sensitive_column() -> None:
    """Asking for l-diversity without a weekly cost column is an error; without l it is skipped."""
    frame = frame_of([("female", "nursing")] * 5).drop(columns="weekly_cost")
    with pytest.raises(RiskInputError, match="weekly_cost"):
        assess(frame, quasi_identifiers=QUASI, k=5, l=2)
    report = assess(frame, quasi_identifiers=QUASI, k=5)
    assert (report.l_diversity, report.sensitive, report.passed) == (None, None, True)


def test_empty_frame_passes_with_no_groups() -> None:
    """A frame with no rows discloses nobody: it passes, with zero groups."""
    report = assess(frame_of([]), quasi_identifiers=QUASI, k=5, l=2)
    assert (report.records, report.groups, report.smallest_group, report.passed) == (0, 0, 0, True)


def test_field_details_show_which_field_makes_records_rare() -> None:
    """Without the field that splits every group, no record is below k; without another, all are."""
    frame = frame_of([("female", f"care_{i % 6}") for i in range(12)])
    sex, care = assess(frame, quasi_identifiers=QUASI, k=5).fields
    assert (care.records_below_k_without_it, sex.records_below_k_without_it) == (0, 12)
    assert (care.distinct_values, care.smallest_group_alone) == (6, 2)


def test_group_size_bins_cover_every_record(build_frame) -> None:
    """The preview's group-size bins add up to the number of records."""
    frame = build_frame(500, seed=7, providers=4)
    report = assess(frame, quasi_identifiers=("sex", "care_type", "provider_name"), k=5)
    assert sum(count for _, count in report.records_by_group_size) == 500


def test_report_is_json_ready(build_frame) -> None:
    """as_dict() gives data json can write, with the derived figures."""
    report = assess(build_frame(50, seed=8), quasi_identifiers=("sex",), k=5, l=2)
    document = json.loads(json.dumps(report.as_dict()))
    assert document["passed"] == report.passed
    assert document["share_below_k"] == report.share_below_k


def test_verify_raises_for_a_failing_frame_without_naming_values() -> None:
    """verify() refuses a failing frame with figures only, carrying the report."""
    frame = frame_of([("female", "nursing")] * 5 + [("male", "Acorn Lodge Care Ltd")])
    with pytest.raises(RiskCheckFailed, match="1 of 6 records") as raised:
        verify(frame, quasi_identifiers=QUASI, k=5)
    assert "Acorn" not in str(raised.value)
    assert raised.value.report.records_below_k == 1


def test_verify_returns_the_report_of_a_passing_frame() -> None:
    """verify() returns the passing report."""
    frame = frame_of([("female", "nursing")] * 5)
    assert verify(frame, quasi_identifiers=QUASI, k=5).passed


def test_many_wide_fields_group_exactly() -> None:
    """Group sizes stay exact when the fields' combinations outgrow a 64-bit key."""
    rng = np.random.default_rng(5)
    wide = {f"field_{i}": rng.integers(0, 2_500, 3_000).astype(str) for i in range(7)}
    for name in wide:
        wide[name][:1_000] = "shared"
    frame = pd.DataFrame(wide, dtype=object)
    report = assess(frame, quasi_identifiers=tuple(wide), k=5, sensitive=None)
    sizes = frame.groupby(list(wide)).size()
    assert (report.groups, report.smallest_group) == (len(sizes), sizes.min())
    assert report.records_below_k == int(sizes[sizes < 5].sum())
