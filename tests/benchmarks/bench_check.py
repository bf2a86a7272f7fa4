"""Benchmark ``anonymiser check`` on a 1,000,000-row placements export.

Generates a valid raw placements CSV (vectorised with numpy, with a preamble
above the header, ``£`` amounts and UK dates), then:

* times the check in this process (reading and validation; generation excluded);
* runs the installed ``anonymiser check`` command in a subprocess and reads its
  peak memory (``ru_maxrss`` of the child), the most honest figure;
* times per-row marshmallow validation of a sample, for the speed-up factor.

Prints the figures and writes them to ``tests/benchmarks/results/check.json``.
Targets (issue 2): >= 200,000 rows/s, peak memory < 1.5 GB, >= 10x marshmallow.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from anonymiser.checking import CheckOptions, check_return
from schemas import ReturnPeriod, geography, get_schema
from schemas.fieldtypes.health import with_check_digits

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "check.json"
DATA = HERE / "data"
PERIOD = "2024-25"
PROVIDERS = (
    "Acorn Lodge Care Ltd", "Beech House Nursing Home", "Sunrise Healthcare Ltd",
    "Millbrook Supported Living CIC", "Riverside Care Homes Ltd", "Oakwood Trust",
    "Highfield Care Services Ltd", "Meadow View Nursing Ltd",
)  # fmt: skip
FIRST = ("Olivia", "Amelia", "Isla", "Ava", "Jack", "Harry", "Oliver", "George", "Noah", "Leo")
LAST = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Patel", "Khan", "Evans")


def generate(path: Path, rows: int, seed: int = 20240401) -> None:
    """Write a valid raw placements export of ``rows`` rows, with a short preamble."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(_columns(rng, rows))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("Placements export,,\nRun on 01/04/2025 by the finance system,,\n\n")
        frame.to_csv(stream, index=False)


def _columns(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    born = pd.Timestamp("1930-01-01") + pd.to_timedelta(rng.integers(0, 25_000, n), unit="D")
    started = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 1_800, n), unit="D")
    hourly = rng.random(n) < 0.25
    cost = np.where(hourly, rng.uniform(15, 30, n), rng.uniform(600, 1_800, n))
    outward = np.array(sorted(geography.OUTWARD_DISTRICTS))
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
    return {
        "Placement ID": np.char.add("PL", np.arange(1_000_000, 1_000_000 + n).astype(str)),
        "Person ID": rng.integers(10_000_000, 99_999_999, n).astype(str),
        "NHS Number": _nhs_numbers(rng, n),
        "First name": rng.choice(FIRST, n),
        "Surname": rng.choice(LAST, n),
        "Address": np.char.add(rng.integers(1, 300, n).astype(str), " High Street"),
        "Postcode": _join(rng.choice(outward, n), " ", rng.integers(1, 9, n).astype(str),
                          rng.choice(letters, n), rng.choice(letters, n)),
        "Date of birth": born.strftime("%d/%m/%Y").to_numpy(),
        "Gender": rng.choice(["Female", "Male"], n),
        "Ethnicity": rng.choice(["white", "asian", "black", "mixed"], n),
        "Client type": np.full(n, "adult"),
        "Service type": rng.choice(["residential", "nursing", "supported_living"], n),
        "PSR": rng.choice(["learning_disability", "mental_health", "memory_cognition"], n),
        "Provider": rng.choice(PROVIDERS, n),
        "Provider type": rng.choice(["private", "voluntary"], n),
        "Procurement route": rng.choice(["framework", "spot", "block"], n),
        "Start date": started.strftime("%Y-%m-%d").to_numpy(),
        "Unit cost": np.char.add("£", np.char.mod("%.2f", cost)),
        "Cost frequency": np.where(hourly, "hourly", "weekly"),
        "Hours per week": np.where(hourly, rng.integers(5, 40, n).astype(str), ""),
        "Quality rating": rng.choice(["good", "outstanding", "requires_improvement"], n),
    }  # fmt: skip


def _nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """NHS numbers in the 999 test range with valid check digits."""
    numbers = with_check_digits(999_000_000 + rng.integers(0, 999_999, n * 2))
    return numbers[numbers >= 0][:n].astype(str)


def _join(*parts: np.ndarray | str) -> np.ndarray:
    joined = np.asarray(parts[0]).astype(str)
    for part in parts[1:]:
        joined = np.char.add(joined, part)
    return joined


def time_in_process(path: Path, rows: int) -> dict[str, float]:
    schema = get_schema("placements", 1)
    options = CheckOptions(period=ReturnPeriod.parse(PERIOD), rehearsal=True)
    started = time.perf_counter()
    report = check_return(path, schema, options)
    seconds = time.perf_counter() - started
    if report.rows != rows or not report.errors.empty:
        raise SystemExit(f"benchmark file did not check clean: {report.summary()}")
    return {"seconds": seconds, "rows_per_second": rows / seconds, "problems": len(report.problems)}


#: A small parent whose only child is the check, so the child's peak is its own.
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "seconds = time.perf_counter() - started\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(done.returncode, seconds, peak, done.stderr.decode()[-2000:].replace('\\n', ' '))\n"
)


def run_command(path: Path) -> dict[str, float]:
    """Run the installed command in a child process; its wall time and peak memory."""
    command = Path(sys.executable).with_name("anonymiser")
    args = [str(command), "check", str(path), "--type", "placements", "--period", PERIOD]
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args, "--rehearsal", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    status, seconds, peak_kb, *stderr = measured.stdout.split(maxsplit=3)
    if int(status) not in (0, 1):
        raise SystemExit(f"anonymiser check failed: {' '.join(stderr)}")
    return {"seconds": float(seconds), "peak_memory_mb": int(peak_kb) / 1024}


def time_marshmallow(path: Path, sample: int) -> float:
    """Rows per second validating ``sample`` rows one by one with the marshmallow schema."""
    schema = get_schema("placements", 1)
    from anonymiser.reading import read_return

    frame = read_return(path, schema).frame.head(sample)
    records = [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]
    loader = schema.record_schema("raw", rehearsal=True)
    started = time.perf_counter()
    for record in records:
        loader.validate(record)
    return sample / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="rows for marshmallow")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = DATA / f"placements-{args.rows}.csv"
    if args.generate_only:
        generate(path, args.rows)
        return 0
    started = time.perf_counter()
    # Generated in a child, so this process stays small: a child forked from a large parent
    # would report the parent's memory as its own peak.
    generator = [sys.executable, __file__, "--rows", str(args.rows), "--generate-only"]
    subprocess.run(generator, check=True)
    print(f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f}s: {path}")
    command = run_command(path)
    peak = command["peak_memory_mb"]
    print(f"anonymiser check (subprocess): {command['seconds']:.2f}s, peak {peak:,.0f} MB")
    in_process = time_in_process(path, args.rows)
    speed = in_process["rows_per_second"]
    print(f"check in process: {in_process['seconds']:.2f}s, {speed:,.0f} rows/s")
    per_row = time_marshmallow(path, min(args.sample, args.rows))
    factor = in_process["rows_per_second"] / per_row
    print(f"marshmallow per row: {per_row:,.0f} rows/s; vectorised is {factor:.1f}x faster")
    results = _results(args.rows, path, in_process, command, per_row)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {RESULTS}")
    return 0


def _results(
    rows: int, path: Path, in_process: dict[str, float], command: dict[str, float], per_row: float
) -> dict[str, object]:
    return {
        "benchmark": "check",
        "rows": rows,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "in_process_seconds": round(in_process["seconds"], 3),
        "rows_per_second": round(in_process["rows_per_second"]),
        "command_seconds": round(command["seconds"], 3),
        "peak_memory_mb": round(command["peak_memory_mb"], 1),
        "marshmallow_rows_per_second": round(per_row),
        "speedup_over_marshmallow": round(in_process["rows_per_second"] / per_row, 1),
        "targets": {"rows_per_second": 200_000, "peak_memory_mb": 1536, "speedup": 10},
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
    }


if __name__ == "__main__":
    sys.exit(main())
