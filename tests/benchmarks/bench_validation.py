"""Benchmark: validating raw placements, vectorised (whole frame) against per-record marshmallow.

Builds ``--rows`` rows (default 1,000,000) of valid, realistically messy raw placements
text with numpy (no per-row Faker), then measures:

* ``validate_frame`` over the whole frame, in rows per second;
* the marshmallow record schema over a sample (``--sample``, default 20,000), as a rate;
* the process's peak resident memory.

Prints the figures and writes them to ``tests/benchmarks/results/validation.json``.
Target: vectorised at least 200,000 rows/s and at least 10 times the per-record rate.
Figures are evidence, never assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schemas import ReturnPeriod, get_schema  # noqa: E402
from schemas.codes import ADULT_CARE_TYPES, CHILD_CARE_TYPES  # noqa: E402
from schemas.fieldtypes import with_check_digits  # noqa: E402
from schemas.geography import OUTWARD_DISTRICTS  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "validation.json"
PERIOD = ReturnPeriod.parse("2024-25")
TARGET_ROWS_PER_SECOND = 200_000

FIRST_NAMES = ("Amelia", "Olivia", "Isla", "Noah", "Oliver", "George", "Priya", "Aisha", "Tomasz")
SURNAMES = ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Davies", "Patel", "Khan", "Nowak")
STREETS = ("High Street", "Station Road", "Church Lane", "Mill Lane", "Park Avenue", "The Green")
PROVIDER_WORDS = ("Oak", "Willow", "Meadow", "Riverside", "Beech", "Elm", "Orchard", "Cedar")
PROVIDER_KINDS = ("Care Home", "Nursing Home", "Lodge", "Homecare", "Fostering", "Children's Home")
PROVIDERS = 300


def _choice(rng: np.random.Generator, options: Sequence[str], n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def _joined(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of text arrays (or one repeated string)."""
    out: Any = ""
    for part in parts:
        out = out + (part if isinstance(part, str) else part.astype(str).astype(object))
    return np.asarray(out, dtype=object)


def _dates(rng: np.random.Generator, first: str, last: str, n: int) -> np.ndarray:
    """Dates as text in the forms exports use (ISO, day first, datetime), from a day pool."""
    days = np.arange(np.datetime64(first), np.datetime64(last))
    iso = np.datetime_as_string(days, unit="D").astype(object)
    uk = np.array([f"{d[8:10]}/{d[5:7]}/{d[:4]}" for d in iso], dtype=object)  # one per day
    forms = np.stack([iso, uk, _joined(iso, " 00:00:00")])
    return forms[rng.integers(0, 3, n), rng.integers(0, len(iso), n)]


def _nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    numbers = with_check_digits(rng.integers(400_000_000, 799_999_999, n * 2))
    digits = numbers[numbers >= 0][:n].astype(str).astype(object)  # 10 digits: stems >= 4e8
    damaged = min(n, 1_000)  # Excel-style spacing on some rows
    digits[:damaged] = [f"{d[:3]} {d[3:6]} {d[6:]}" for d in digits[:damaged]]
    return digits


def _people(rng: np.random.Generator, child: np.ndarray) -> dict[str, np.ndarray]:
    n = len(child)
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)
    inward = _joined(rng.integers(1, 9, n), letters[rng.integers(0, 20, n)])
    children_born = _dates(rng, "2007-04-01", "2022-01-01", n)
    adults_born = _dates(rng, "1925-01-01", "2005-01-01", n)
    return {
        "local_person_id": _joined("P", rng.integers(1_000_000, 9_999_999, n)),
        "nhs_number": _nhs_numbers(rng, n),
        "given_name": _choice(rng, FIRST_NAMES, n),
        "family_name": _choice(rng, SURNAMES, n),
        "address": _joined(rng.integers(1, 200, n), " ", _choice(rng, STREETS, n)),
        "postcode": _joined(
            _choice(rng, list(OUTWARD_DISTRICTS), n), " ", inward, letters[rng.integers(0, 20, n)]
        ),
        "date_of_birth": np.where(child, children_born, adults_born),
        "sex": _choice(rng, ["Female", "Male", "F", "M", "female"], n),
        "ethnicity": _choice(rng, ["White", "WBRI", "Asian or Asian British", "Mixed"], n),
        "notes": _choice(rng, ["", "Reviewed", "Family visits weekly"], n),
    }


def _providers(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    which = rng.integers(0, PROVIDERS, n)
    names = _joined(
        _choice(rng, PROVIDER_WORDS, PROVIDERS), " ", _choice(rng, PROVIDER_KINDS, PROVIDERS)
    )
    return {
        "provider_name": names[which],
        "provider_type": _choice(rng, ["Private sector", "voluntary", "Independent"], n),
        "cqc_location_id": _joined("1-", rng.integers(10**8, 10**9, PROVIDERS))[which],
        "ofsted_urn": _joined("SC", rng.integers(100_000, 999_999, PROVIDERS))[which],
        "provider_org_id": _joined("GB-COH-0", rng.integers(10**6, 10**7, PROVIDERS))[which],
        "quality_rating": _choice(rng, ["Good", "Outstanding", "Requires improvement", "RI"], n),
    }


def _sometimes(where: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` where ``where`` holds, empty cells elsewhere."""
    out = np.full(len(values), None, dtype=object)
    out[where] = values[where]
    return out


def _costs(rng: np.random.Generator, care: np.ndarray, child: np.ndarray) -> dict[str, np.ndarray]:
    n = len(care)
    hourly = care == "home_care"
    cost = np.where(hourly, rng.uniform(16, 28, n), rng.uniform(400, 4000, n)).round(2)
    written = cost.astype(str).astype(object)
    pretty = min(n, 50_000)  # some amounts as finance systems print them
    written[:pretty] = [f"£{c:,.2f}" for c in cost[:pretty]]
    weekly = _choice(rng, ["Weekly", "per week", "pw"], n)
    return {
        "unit_cost": written,
        "cost_frequency": np.where(hourly, "Per hour", weekly).astype(object),
        "planned_units_per_week": _sometimes(hourly, rng.integers(5, 40, n).astype(str)),
        "health_contribution": _sometimes(rng.random(n) < 0.1, np.full(n, "150.00")),
        "education_contribution": _sometimes(child & (rng.random(n) < 0.2), np.full(n, "200")),
    }


def build_placements(n: int, seed: int = 2024) -> pd.DataFrame:
    """``n`` valid raw placements rows, every cell text (or empty), built with numpy."""
    rng = np.random.default_rng(seed)
    care = _choice(rng, sorted(ADULT_CARE_TYPES | CHILD_CARE_TYPES), n)
    child = np.isin(care, list(CHILD_CARE_TYPES))
    ended = _dates(rng, "2024-06-01", "2025-03-31", n)
    ended[rng.random(n) < 0.6] = None
    placement = {
        "placement_ref": _joined("PL-", np.arange(n) + 100_000),
        "client_type": np.where(child, "Child", "Adult").astype(object),
        "care_type": care,
        "primary_support_reason": np.where(
            child, "children_in_need", _choice(rng, ["Learning Disability Support", "LD"], n)
        ).astype(object),
        "procurement_route": _choice(rng, ["Framework", "Spot purchase", "spot", "Block"], n),
        # Children's placements start after the youngest child's birth.
        "start_date": np.where(
            child,
            _dates(rng, "2022-01-01", "2024-04-01", n),
            _dates(rng, "2015-01-01", "2024-04-01", n),
        ),
        "end_date": ended,
    }
    columns = {**placement, **_people(rng, child), **_providers(rng, n), **_costs(rng, care, child)}
    schema = get_schema("placements", 1)
    return pd.DataFrame({field.name: columns[field.name] for field in schema.raw_fields})


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure_vectorised(frame: pd.DataFrame) -> dict[str, Any]:
    """Validate the whole frame once: seconds, rows per second, problems and peak memory."""
    schema = get_schema("placements", 1)
    before = _peak_rss_mb()
    started = time.perf_counter()
    result = schema.validate_frame(frame, "raw", period=PERIOD)
    seconds = time.perf_counter() - started
    return {
        "vectorised_seconds": round(seconds, 3),
        "vectorised_rows_per_second": round(len(frame) / seconds),
        "errors_found": int((result.problems["severity"] == "error").sum()),
        "queries_found": int((result.problems["severity"] == "query").sum()),
        "peak_rss_mb_before_validation": round(before, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def measure_marshmallow(frame: pd.DataFrame, sample: int) -> dict[str, Any]:
    """Validate the first ``sample`` rows one record at a time through marshmallow."""
    head = frame.head(sample)
    records = [
        {str(name): value for name, value in row.items()}
        for row in head.astype(object).where(head.notna(), None).to_dict("records")
    ]
    record_schema = get_schema("placements", 1).record_schema("raw")
    started = time.perf_counter()
    refused = sum(1 for record in records if record_schema.validate(record))
    seconds = time.perf_counter() - started
    return {
        "marshmallow_sample_rows": len(records),
        "marshmallow_seconds": round(seconds, 3),
        "marshmallow_rows_per_second": round(len(records) / seconds),
        "marshmallow_records_refused": refused,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to validate")
    parser.add_argument("--sample", type=int, default=20_000, help="rows for marshmallow")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    frame = build_placements(args.rows)
    figures: dict[str, Any] = {
        "rows": args.rows,
        "fields": len(frame.columns),
        "build_seconds": round(time.perf_counter() - started, 3),
    }
    figures |= measure_vectorised(frame)
    figures |= measure_marshmallow(frame, args.sample)
    rate, per_record = figures["vectorised_rows_per_second"], figures["marshmallow_rows_per_second"]
    figures |= {
        "speedup": round(rate / per_record, 1),
        "target_rows_per_second": TARGET_ROWS_PER_SECOND,
        "meets_target": rate >= TARGET_ROWS_PER_SECOND and rate >= 10 * per_record,
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "cpus": os.cpu_count(),
    }
    for name, value in figures.items():
        print(f"{name:32} {value}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
