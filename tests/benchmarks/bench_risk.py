"""Benchmark the re-identification risk check on a 1,000,000-row shared placements frame.

Builds the frame with numpy (realistic cardinalities: the region's districts, the schema's
age bands, about 3,000 providers with a long tail, each with its care type and home
district, ten years of start months, log-normal weekly costs), then times:

* :func:`anonymiser.risk.assess` on the whole frame;
* :func:`anonymiser.risk.remediate` (default mode, generalise then suppress);
* pycanon's k-anonymity and l-diversity on a 20,000-row sample, against ``assess`` on the
  same sample, for the speed-up factor (pycanon on a million rows would take hours).

Prints the figures and writes them to ``tests/benchmarks/results/risk.json``. Target
(issue 4): assess on a million rows in a second or two; evidence, never an assertion.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from anonymiser.risk import assess, cost_band, remediate, verify
from schemas import codes, get_schema
from schemas.generalise import AGE_BANDS
from schemas.geography import DISTRICTS

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "risk.json"
SCHEMA = get_schema("placements", 1)
QUASI = SCHEMA.quasi_identifiers
K = SCHEMA.k_threshold
#: Adults are mostly older: weights for the schema's age bands, youngest first.
AGE_WEIGHTS = (1, 2, 3, 2, 4, 3, 3, 3, 3, 4, 4, 5, 6, 8, 10, 12, 13, 12, 8)


def placements(rows: int, seed: int = 20240401) -> pd.DataFrame:
    """A shared placements frame (quasi-identifiers, weekly cost and a pseudonym column)."""
    rng = np.random.default_rng(seed)
    providers = 3_000
    provider = np.minimum(rng.zipf(1.4, rows) - 1, providers - 1)
    care_types = np.array(list(codes.CARE_TYPES), dtype=object)
    districts = np.array(list(DISTRICTS), dtype=object)
    provider_care = rng.integers(0, len(care_types), providers)
    provider_district = rng.integers(0, len(districts), providers)
    near = rng.random(rows) < 0.8
    district = np.where(near, provider_district[provider], rng.integers(0, len(districts), rows))
    return pd.DataFrame(
        {
            "placement_ref_pseudonym": np.char.add("v1:", np.arange(rows).astype(str)),
            "age_band": _choice(rng, list(AGE_BANDS), AGE_WEIGHTS, rows),
            "sex": _choice(rng, ["female", "male", "other", "not_known"], (52, 46, 1, 1), rows),
            "ethnicity": _choice(rng, list(codes.ETHNICITIES), (80, 3, 8, 4, 2, 3), rows),
            "district": districts[district],
            "care_type": care_types[provider_care[provider]],
            "provider_name": np.char.add("Provider ", provider.astype(str)).astype(object),
            "start_month": _months(rng, rows),
            "weekly_cost": np.round(rng.lognormal(6.9, 0.6, rows), 2),
        }
    )


def _choice(
    rng: np.random.Generator, values: list[str], weights: tuple[int, ...], rows: int
) -> np.ndarray:
    p = np.array(weights, dtype=np.float64)
    return rng.choice(np.array(values, dtype=object), rows, p=p / p.sum())


def _months(rng: np.random.Generator, rows: int) -> np.ndarray:
    months = pd.period_range("2015-04", "2025-03", freq="M").strftime("%Y-%m").to_numpy()
    recent = np.linspace(0.2, 1.0, len(months))
    return rng.choice(months.astype(object), rows, p=recent / recent.sum())


def _timed(work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _pycanon(sample: pd.DataFrame) -> tuple[int, int]:
    from pycanon import anonymity

    filled = sample.loc[:, list(QUASI)].fillna("<missing>")
    filled["cost_band"] = cost_band(sample["weekly_cost"])
    k = anonymity.k_anonymity(filled, list(QUASI))
    l_div = anonymity.l_diversity(filled, list(QUASI), ["cost_band"])
    return int(k), int(l_div)


def run(rows: int, sample_rows: int) -> dict[str, Any]:
    """Build the frame, time every step and return the figures."""
    frame, build = _timed(lambda: placements(rows))
    report, assess_s = _timed(lambda: assess(frame, quasi_identifiers=QUASI, k=K))
    (fixed, after, log), remediate_s = _timed(
        lambda: remediate(frame, quasi_identifiers=QUASI, k=K)
    )
    _, verify_s = _timed(lambda: verify(fixed, quasi_identifiers=QUASI, k=K))
    sample = frame.sample(sample_rows, random_state=1).reset_index(drop=True)
    ours, ours_s = _timed(lambda: assess(sample, quasi_identifiers=QUASI, k=K))
    (k_canon, l_canon), canon_s = _timed(lambda: _pycanon(sample))
    return {
        "rows": rows,
        "build_s": round(build, 3),
        "assess_s": round(assess_s, 3),
        "assess_rows_per_s": round(rows / assess_s),
        "remediate_s": round(remediate_s, 3),
        "verify_remediated_s": round(verify_s, 3),
        "before": _figures(report),
        "after": _figures(after),
        "remediation": {
            "steps": [step.as_dict() for step in log.steps],
            "records_suppressed": log.records_suppressed,
            "cells_suppressed": log.cells_suppressed,
            "padding_records": log.padding_records,
        },
        "sample_rows": sample_rows,
        "sample_assess_s": round(ours_s, 4),
        "sample_pycanon_s": round(canon_s, 3),
        "pycanon_over_assess": round(canon_s / ours_s, 1),
        "sample_agrees_with_pycanon": [ours.smallest_group, ours.l_diversity] == [k_canon, l_canon],
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "python": platform.python_version(),
        "pandas": pd.__version__,
    }


def _figures(report: Any) -> dict[str, Any]:
    return {
        "k": report.smallest_group,
        "groups": report.groups,
        "share_below_k": round(report.share_below_k, 4),
        "average_risk": round(report.average_risk, 4),
        "max_risk": round(report.max_risk, 4),
        "l_diversity": report.l_diversity,
    }


PRINTED = (
    "rows",
    "assess_s",
    "assess_rows_per_s",
    "remediate_s",
    "verify_remediated_s",
    "sample_assess_s",
    "sample_pycanon_s",
    "pycanon_over_assess",
    "sample_agrees_with_pycanon",
    "peak_memory_mb",
)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the figures and write the JSON file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the frame")
    parser.add_argument("--sample", type=int, default=20_000, help="rows given to pycanon")
    args = parser.parse_args(argv)
    figures = run(args.rows, args.sample)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for key in PRINTED:
        print(f"{key:>28}: {figures[key]}")
    print(f"{'before':>28}: {figures['before']}")
    print(f"{'after':>28}: {figures['after']}")
    remediation = figures["remediation"]
    steps, cells = len(remediation["steps"]), remediation["cells_suppressed"]
    print(f"{'remediation':>28}: {steps} steps, {cells} cells suppressed")
    print(f"results written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
