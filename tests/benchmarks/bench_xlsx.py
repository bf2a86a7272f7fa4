"""Benchmark reading a 100,000-row placements workbook: calamine (the reader) against openpyxl.

Writes the workbook once with the synthetic export generator (a council's own
style: preamble, messy headers, typed dates and amounts), cached under
``tests/benchmarks/data/``. Then times, best of ``--repeat`` runs each:

* ``read_return`` end to end (sniffing, zip checks, header search, column
  mapping, the rows as text) with the calamine reader;
* the calamine reader's own part: the sheet chosen, its data rows as text;
* openpyxl's read-only iteration with ``cell_text`` on every cell, as the
  reader before calamine did it (the "before" figure).

Also the peak memory of ``read_return`` in a child process (calamine loads the
sheet whole). Prints rows/s for each and writes ``tests/benchmarks/results/xlsx.json``.
Not a test: nothing here asserts.

    python tests/benchmarks/bench_xlsx.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from anonymiser.reading import read_return
from anonymiser.reading.xlsx_file import cell_text, choose_sheet, open_workbook, read_sheet_table
from anonymiser.synth import write_export
from schemas import get_schema

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results" / "xlsx.json"
SCHEMA = get_schema("placements", 1)
AUTHORITY = "Derby"


def workbook(rows: int) -> tuple[Path, float | None]:
    """The cached workbook of ``rows`` rows, written now (timed) if missing."""
    path = DATA / f"placements-{AUTHORITY.lower()}-{rows}.xlsx"
    if path.exists():
        return path, None
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    write_export(
        path,
        return_type="placements",
        authority=AUTHORITY,
        rows=rows,
        seed=2026,
        period="2026-Q2",
        fmt="xlsx",
        corrected=True,
    )
    return path, time.perf_counter() - started


def best_of(repeat: int, run: Callable[[], int]) -> tuple[float, int]:
    """The fastest of ``repeat`` runs, in seconds, and the rows the run read."""
    times = []
    rows = 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - started)
    return min(times), rows


def read_whole(path: Path) -> int:
    """``read_return`` end to end: the rows of the return, as text by field."""
    return len(read_return(path, SCHEMA).frame)


def read_calamine(path: Path) -> int:
    """The calamine reader alone: choose the sheet, then every column of every data row."""
    with open_workbook(path) as book:
        head = choose_sheet(path, book, [SCHEMA], 20)
        header = max(range(len(head.rows)), key=lambda n: sum(bool(c) for c in head.rows[n]))
        width = len(head.rows[header])
        table = read_sheet_table(path, book, head.title, header + 1, tuple(range(width)), width)
    return len(table.frame)


def read_openpyxl(path: Path) -> int:
    """openpyxl's read-only mode, every cell through ``cell_text``, as the earlier reader."""
    rows = 0
    with path.open("rb") as stream, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True, keep_links=False)
        sheet: Any = book.worksheets[0]
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            if any(cell_text(value).strip() for value in row):
                rows += 1
        book.close()
    return rows


def peak_of_read_return(path: Path) -> float:
    """Peak memory (MB) of a child process that imports the reader and reads the workbook."""
    code = (
        "import resource, sys; from pathlib import Path; "
        "from anonymiser.reading import read_return; from schemas import get_schema; "
        "read_return(Path(sys.argv[1]), get_schema('placements', 1)); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1]) / 1024


def machine() -> dict[str, Any]:
    """The CPU model and core count (from lscpu where it is installed)."""
    model = platform.processor() or platform.machine()
    try:
        listing = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in listing.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version()}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the figures and save them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000, help="data rows in the workbook")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each reader; best kept")
    args = parser.parse_args(argv)
    path, wrote = workbook(args.rows)
    size = path.stat().st_size
    print(
        f"workbook: {path} ({size / 2**20:.1f} MiB)"
        + (f", written in {wrote:.1f}s" if wrote else "")
    )
    figures: dict[str, dict[str, float]] = {}
    for name, run in (
        ("read_return", read_whole),
        ("calamine_reader", read_calamine),
        ("openpyxl_read_only", read_openpyxl),
    ):
        seconds, rows = best_of(args.repeat, lambda run=run: run(path))
        figures[name] = {
            "seconds": round(seconds, 3),
            "rows": rows,
            "rows_per_second": round(rows / seconds),
        }
        print(f"{name:>20}: {rows:,} rows in {seconds:.2f}s = {rows / seconds:,.0f} rows/s")
    speedup = figures["openpyxl_read_only"]["seconds"] / figures["calamine_reader"]["seconds"]
    print(f"calamine reader is {speedup:.1f}x openpyxl read-only")
    peak = peak_of_read_return(path)
    print(f"read_return peak memory (child process): {peak:,.0f} MB")
    results = {
        "benchmark": "xlsx",
        "rows": args.rows,
        "file_mib": round(size / 2**20, 1),
        "repeat": args.repeat,
        "readers": figures,
        "speedup_calamine_over_openpyxl": round(speedup, 1),
        "peak_memory_mb_read_return": round(peak, 1),
        "machine": machine(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
