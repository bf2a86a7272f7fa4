"""Whatever remediation makes of a return, the agreed shared schema still accepts it."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymiser.risk import remediate
from schemas import get_schema

from .conftest import QUASI, K, build  # type: ignore[import-not-found]


@pytest.mark.parametrize("mode", ["suppress", "generalise_then_suppress"])
def test_remediated_quasi_identifiers_validate_against_the_shared_view(mode: str) -> None:
    """Generalised levels and suppressed (empty) cells are valid shared values."""
    frame = build(400, seed=11, providers=40, months=60)
    fixed, report, remediation = remediate(frame, quasi_identifiers=QUASI, k=K, mode=mode)  # type: ignore[arg-type]
    assert report.passed
    assert remediation.changed
    cells = fixed[list(QUASI)].astype("string").fillna("")
    cells = cells.astype(object).where(cells != "", None)
    validation = get_schema("placements", 1).validate_frame(pd.DataFrame(cells), "shared")
    problems = validation.problems[validation.problems["field"].isin(QUASI)]
    assert problems.empty, problems.head().to_dict("records")
