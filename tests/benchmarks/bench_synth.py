"""Benchmark: how fast `anonymiser synth` writes large exports, and how little memory it holds.

Writes a 1,000,000-row placements CSV and supplier spend CSV (timed, no tracing),
a placements XLSX, and a 200,000-row placements CSV under tracemalloc for the
peak memory the generator itself allocates. Prints the figures and saves them
to tests/benchmarks/results/synth.json. Not a test: nothing here asserts.

    python tests/benchmarks/bench_synth.py [--rows 1000000] [--memory-rows 200000]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from anonymiser.synth import write_export
from anonymiser.synth.styles import Format

RESULTS = Path(__file__).parent / "results" / "synth.json"


def _timed(folder: Path, return_type: str, rows: int, fmt: Format) -> dict[str, Any]:
    path = folder / f"{return_type}-{rows}.{fmt}"
    started = time.perf_counter()
    write_export(
        path,
        return_type=return_type,
        authority="Derby",
        rows=rows,
        seed=2026,
        period="2026-Q2",
        fmt=fmt,
    )
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    path.unlink()
    return {
        "return_type": return_type,
        "format": fmt,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "file_mib": round(size / 2**20, 1),
    }


def _traced_peak(folder: Path, rows: int) -> dict[str, Any]:
    path = folder / f"traced-{rows}.csv"
    tracemalloc.start()
    try:
        write_export(
            path,
            return_type="placements",
            authority="Derby",
            rows=rows,
            seed=2026,
            period="2026-Q2",
            fmt="csv",
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    path.unlink()
    return {
        "rows": rows,
        "peak_traced_mib": round(peak / 2**20, 1),
        "file_mib": round(size / 2**20, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the figures and save them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the timed CSVs")
    parser.add_argument("--xlsx-rows", type=int, default=200_000, help="rows in the timed XLSX")
    parser.add_argument(
        "--memory-rows", type=int, default=200_000, help="rows written under tracemalloc"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        folder = Path(tmp)
        timings = [
            _timed(folder, "placements", args.rows, "csv"),
            _timed(folder, "supplier_spend", args.rows, "csv"),
            _timed(folder, "placements", args.xlsx_rows, "xlsx"),
        ]
        memory = _traced_peak(folder, args.memory_rows)
    results = {
        "benchmark": "synth",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "timings": timings,
        "memory": memory,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    for timing in timings:
        print(
            f"{timing['return_type']:<15} {timing['format']:<5} {timing['rows']:>9,} rows "
            f"{timing['seconds']:>7.2f} s  {timing['rows_per_second']:>9,} rows/s  "
            f"{timing['file_mib']:>7.1f} MiB"
        )
    print(
        f"tracemalloc peak writing {memory['rows']:,} placements: "
        f"{memory['peak_traced_mib']} MiB (file {memory['file_mib']} MiB)"
    )
    print(f"peak RSS of this process: {results['peak_rss_mib']} MiB")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"saved to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
