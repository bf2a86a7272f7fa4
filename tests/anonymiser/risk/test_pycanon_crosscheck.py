"""The risk measures agree with pycanon on Faker-built shared placements frames."""

from __future__ import annotations

import pandas as pd
import pytest
from pycanon import anonymity
from pycanon.anonymity.utils.aux_anonymity import get_equiv_class

from anonymiser.risk import assess, cost_band

SUBSETS = (
    ("sex", "care_type"),
    ("age_band", "sex", "ethnicity"),
    ("district", "care_type", "provider_name"),
    ("age_band", "sex", "ethnicity", "district", "care_type", "provider_name", "start_month"),
)
CASES = [
    (seed, rows, missing, quasi)
    for seed, rows, missing in ((1, 400, 0.0), (2, 1_500, 0.0), (3, 800, 0.05), (4, 300, 0.3))
    for quasi in SUBSETS
]
MISSING = "<missing>"


def pycanon_frame(frame: pd.DataFrame, quasi: tuple[str, ...]) -> pd.DataFrame:
    """The frame as pycanon reads it: blanks as one marker value, cost bands as a column.

    pycanon groups with pandas' default ``dropna=True``, which would leave out every record
    with a blank; filling blanks with one marker gives the "missing is a value" reading.
    """
    canon = (
        frame.loc[:, list(quasi)].astype(object).where(frame.loc[:, list(quasi)].notna(), MISSING)
    )
    canon["cost_band"] = cost_band(frame["weekly_cost"])
    return canon.reset_index(drop=True)


@pytest.mark.parametrize(("seed", "rows", "missing", "quasi"), CASES)
def test_k_matches_pycanon(build_frame, seed, rows, missing, quasi) -> None:
    """The smallest group size is pycanon's k."""
    frame = build_frame(rows, seed=seed, missing=missing)
    report = assess(frame, quasi_identifiers=quasi, k=5)
    assert report.smallest_group == anonymity.k_anonymity(pycanon_frame(frame, quasi), list(quasi))


@pytest.mark.parametrize(("seed", "rows", "missing", "quasi"), CASES)
def test_l_diversity_matches_pycanon(build_frame, seed, rows, missing, quasi) -> None:
    """The fewest cost bands in a group is pycanon's l for the cost band."""
    frame = build_frame(rows, seed=seed, missing=missing)
    report = assess(frame, quasi_identifiers=quasi, k=5)
    canon = anonymity.l_diversity(pycanon_frame(frame, quasi), list(quasi), ["cost_band"])
    assert report.l_diversity == canon


@pytest.mark.parametrize(("seed", "rows", "missing", "quasi"), CASES)
@pytest.mark.parametrize("k", [2, 5, 11])
def test_share_below_k_and_average_risk_match_pycanon_classes(
    build_frame, seed, rows, missing, quasi, k
) -> None:
    """Records below k, the number of groups and average risk follow pycanon's classes."""
    frame = build_frame(rows, seed=seed, missing=missing)
    report = assess(frame, quasi_identifiers=quasi, k=k)
    classes = get_equiv_class(pycanon_frame(frame, quasi), list(quasi))
    below = sum(len(members) for members in classes if len(members) < k)
    assert (report.records_below_k, report.groups) == (below, len(classes))
    assert report.share_below_k == pytest.approx(below / rows)
    assert report.average_risk == pytest.approx(sum(1 / len(c) for c in classes for _ in c) / rows)
