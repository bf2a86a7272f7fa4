"""Benchmark ``anonymiser prepare`` on a 1,000,000-row placements export, read to signed file.

Generates (once, kept under ``tests/benchmarks/data/``) a synthetic placements export with
``anonymiser.synth.write_placements_export``: Leicestershire's CSV style, messy the way its
system writes it (shuffled and renamed headers, labels for codes, lower-case ids, date-time
cells, an unknown column), 999 test-range NHS numbers. Then, in the same run:

* times the installed ``anonymiser prepare ... --rehearsal --json`` in a child process, and
  reads the child's peak memory (``ru_maxrss`` of it and the workers it forks);
* measures a **floor** for the same file: reading it with pandas (every cell as text),
  the SHA-256 of its bytes, and the keyed pseudonyms (HMAC) of the three id columns alone;
* reports the ratio of prepare's time to the floor, and prepare's own time per step.

Prints the figures and writes them to ``tests/benchmarks/results/prepare.json``.
Targets (issue 4): at most 10 s wall and 2 GB peak memory on this 2-core machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from anonymiser.synth import write_placements_export
from anonymiser.synth.providers import region_providers
from keys import Keyring, Pseudonymiser, RegionalKey

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "prepare.json"
DATA = HERE / "data"
AUTHORITY = "E10000018"  # Leicestershire: CSV, messy headers, no planted errors
PERIOD = "2026-Q2"
SEED = 2026
PASSPHRASE = "benchmark passphrase (not a secret)"
#: Leicestershire's own headers for the three identifiers, as its export writes them.
ID_HEADERS = {
    "placement": "Placement ID",
    "local_person_id": "Person ID",
    "nhs_number": "NHS Number",
}


def export_path(rows: int) -> Path:
    """Where the benchmark export is kept (generated on first use)."""
    return DATA / f"prepare-placements-{AUTHORITY}-{rows}.csv"


def generate(path: Path, rows: int) -> None:
    """Write the export (streamed: memory stays flat), then move it into place."""
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    write_placements_export(
        partial, authority=AUTHORITY, rows=rows, seed=SEED, period=PERIOD, fmt="csv"
    )
    partial.replace(path)


def setup(folder: Path) -> tuple[Path, Path]:
    """A keyring with the regional key, and the officer's list of known providers."""
    keyring = Keyring.initialise(folder / "keyring", AUTHORITY, PASSPHRASE)
    keyring.add_regional_key(RegionalKey(1, bytes(range(32))), PASSPHRASE)
    suppliers = folder / "suppliers.toml"
    names = sorted({variant for p in region_providers(SEED) for variant in p.variants})
    suppliers.write_text(f"organisations = {json.dumps(names)}\n", encoding="utf-8")
    return keyring.directory, suppliers


#: A small parent whose only child is prepare, so the peak it reads is prepare's own (with
#: the workers prepare forks), never the memory of the process that started it.
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "with open(sys.argv[1], 'wb') as out:\n"
    "    done = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)\n"
    "seconds = time.perf_counter() - started\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(done.returncode, seconds, peak, done.stderr.decode()[-2000:].replace('\\n', ' '))\n"
)


def run_prepare(path: Path, keyring: Path, suppliers: Path, folder: Path) -> dict[str, Any]:
    """The installed command in a child process: wall time, peak memory, its --json output."""
    output = folder / "placements.return"
    printed = folder / "prepare.json"
    command = Path(sys.executable).with_name("anonymiser")
    args = [
        str(command), "prepare", str(path), "--type", "placements", "--period", PERIOD,
        "--rehearsal", "--json", "--keyring", str(keyring), "--suppliers", str(suppliers),
        "-o", str(output),
    ]  # fmt: skip
    env = {
        **os.environ,
        "ANONYMISER_KEY_PASSPHRASE": PASSPHRASE,
        "ANONYMISER_LEDGER": str(folder / "ledger.json"),
    }
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(printed), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    status, seconds, peak_kb, *stderr = measured.stdout.split(maxsplit=3)
    if int(status) != 0:
        raise SystemExit(f"anonymiser prepare failed ({status}): {' '.join(stderr)}")
    document = json.loads(printed.read_bytes())
    return {
        "seconds": float(seconds),
        "peak_memory_mb": int(peak_kb) / 1024,
        "steps": document["timings"],
        "return_mb": output.stat().st_size / 2**20,
        "rows_out": document["manifest"]["payload"]["rows"],
        "risk_passed": document["risk"]["passed"],
    }


def floor(path: Path) -> dict[str, float]:
    """What any tool must do: read the file, hash it, and key the pseudonyms of the ids."""
    started = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    read = time.perf_counter() - started
    started = time.perf_counter()
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    hashed = time.perf_counter() - started
    pseudonymiser = Pseudonymiser(RegionalKey(1, bytes(range(32))))
    started = time.perf_counter()
    for domain, header in ID_HEADERS.items():
        pseudonymiser.pseudonymise_many(domain, frame[header].to_numpy(dtype=object))
    keyed = time.perf_counter() - started
    return {
        "read_seconds": read,
        "sha256_seconds": hashed,
        "hmac_seconds": keyed,
        "total_seconds": read + hashed + keyed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = export_path(args.rows)
    if args.generate_only:
        generate(path, args.rows)
        return 0
    if not path.exists():
        # Generated in a child, so this process stays small before prepare is started.
        started = time.perf_counter()
        generator = [sys.executable, __file__, "--rows", str(args.rows), "--generate-only"]
        subprocess.run(generator, check=True)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f}s: {path}")
    with tempfile.TemporaryDirectory(prefix="bench-prepare-") as folder:
        keyring, suppliers = setup(Path(folder))
        prepared = run_prepare(path, keyring, suppliers, Path(folder))
    print(
        f"anonymiser prepare (subprocess): {prepared['seconds']:.2f}s, "
        f"peak {prepared['peak_memory_mb']:,.0f} MB, return {prepared['return_mb']:,.0f} MB"
    )
    for step, seconds in prepared["steps"].items():
        print(f"  {step:<40} {seconds:6.2f}s")
    base = floor(path)
    ratio = prepared["seconds"] / base["total_seconds"]
    print(
        f"floor: read {base['read_seconds']:.2f}s + sha256 {base['sha256_seconds']:.2f}s + "
        f"HMAC of ids {base['hmac_seconds']:.2f}s = {base['total_seconds']:.2f}s; "
        f"prepare is {ratio:.2f}x the floor"
    )
    results = _results(args.rows, path, prepared, base, ratio)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {RESULTS}")
    return 0


def _results(
    rows: int, path: Path, prepared: dict[str, Any], base: dict[str, float], ratio: float
) -> dict[str, Any]:
    return {
        "benchmark": "prepare",
        "rows": rows,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "prepare_seconds": round(prepared["seconds"], 3),
        "rows_per_second": round(rows / prepared["seconds"]),
        "peak_memory_mb": round(prepared["peak_memory_mb"], 1),
        "return_mb": round(prepared["return_mb"], 1),
        "rows_out": prepared["rows_out"],
        "risk_passed": prepared["risk_passed"],
        "steps_seconds": prepared["steps"],
        "floor_seconds": {name: round(value, 3) for name, value in base.items()},
        "ratio_to_floor": round(ratio, 2),
        "targets": {"seconds": 10, "peak_memory_mb": 2048},
        "machine": {
            "python": platform.python_version(),
            "processor": platform.machine(),
            "cores": os.cpu_count(),
        },
    }


if __name__ == "__main__":
    sys.exit(main())
