"""Benchmark the keys package: pseudonymising a million identifiers, and signing and
verifying a return of a million rows.

Prints the figures and writes them to tests/benchmarks/results/keys.json. Targets
(issue 3): at least 500,000 ids/s using both cores; signing plus verifying a
1,000,000-row return in under 1 s beyond reading the file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from keys import (  # noqa: E402 - the repository root must be on the path first
    ManifestDraft,
    Pseudonymiser,
    RegionalKey,
    SigningKey,
    TrustedKey,
    TrustStore,
    verify_return,
    write_return,
)
from keys.parallel import usable_cores  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "keys.json"
NOW = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)


def best_of(repeats: int, action: Callable[[], object]) -> float:
    """The fastest of ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def bench_pseudonyms(count: int, repeats: int) -> dict[str, object]:
    """ids/s for distinct NHS numbers (all cores, one core) and for repeated ids."""
    rng = np.random.default_rng(2026)
    distinct = [f"{n:010d}" for n in rng.choice(10**10, size=count, replace=False)]
    people = distinct[: max(1, count // 5)]
    repeated = [people[i] for i in rng.integers(0, len(people), size=count)]
    key = RegionalKey(1, hashlib.sha256(b"benchmark only").digest())
    cores = usable_cores()
    figures: dict[str, object] = {"identifiers": count, "cores": cores}
    for label, workers, values in (
        ("distinct_all_cores", cores, distinct),
        ("distinct_one_core", 1, distinct),
        ("repeated_5x_all_cores", cores, repeated),
    ):
        pseudonymiser = Pseudonymiser(key, workers=workers)

        def run(p: Pseudonymiser = pseudonymiser, v: list[str] = values) -> object:
            return p.pseudonymise_many("nhs_number", v)

        seconds = best_of(repeats, run)
        rate = count / seconds
        figures[f"{label}_s"] = round(seconds, 3)
        figures[f"{label}_ids_per_s"] = round(rate)
        print(f"pseudonymise {count:,} ids, {label:>22}: {seconds:6.3f} s = {rate:>12,.0f} ids/s")
    return figures


def write_csv(path: Path, rows: int) -> None:
    """A shared placements-like CSV: pseudonyms, codes, a quoted provider name, money."""
    key = RegionalKey(1, hashlib.sha256(b"benchmark only").digest())
    pseudonyms = Pseudonymiser(key).pseudonymise_many(
        "local_person_id", [f"LP{i:08d}" for i in range(rows)]
    )
    header = (
        "local_person_id_pseudonym,age_band,sex,district,care_type,provider_name,"
        "start_month,weekly_cost\n"
    )
    providers = ['"Oak House, Belper"', "Elm Lodge", '"Care ""Plus"" Ltd"', "Willow Court"]
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(header)
        lines = (
            f"{p},65-74,F,E07000032,residential,{providers[i % 4]},2026-04,{900 + i % 500}.50\n"
            for i, p in enumerate(pseudonyms)
        )
        out.writelines(lines)


def read_file(path: Path) -> None:
    with open(path, "rb") as stream:
        while stream.read(1 << 20):
            pass


def bench_return(rows: int, repeats: int, work: Path) -> dict[str, object]:
    """Seconds to read, sign (write) and verify a return of ``rows`` CSV rows."""
    csv_path, return_path = work / "shared.csv", work / "bench.return"
    write_csv(csv_path, rows)
    key = SigningKey.from_seed(hashlib.sha256(b"benchmark only").digest())
    trust = TrustStore([TrustedKey(key.key_id, "E06000015", key.public_key, NOW - timedelta(1))])
    draft = ManifestDraft(
        authority="E06000015", return_type="placements", schema_version=1, period="2026-Q2",
        sequence=1, disclosure_policy_sha256="0" * 64, pseudonym_key_version=1,
        anonymiser_version="bench",
    )  # fmt: skip

    def sign() -> None:
        write_return(return_path, csv_path, draft=draft, signing_key=key, now=NOW)

    def verify() -> None:
        result = verify_return(return_path, trust=trust, known_schemas={"placements": {1}}, now=NOW)
        assert result.manifest.payload.rows == rows

    read_s = best_of(repeats, lambda: read_file(csv_path))
    sign_s = best_of(repeats, sign)
    verify_s = best_of(repeats, verify)
    size = csv_path.stat().st_size
    figures: dict[str, object] = {
        "rows": rows,
        "payload_mb": round(size / 1e6, 1),
        "read_file_s": round(read_s, 3),
        "sign_s": round(sign_s, 3),
        "verify_s": round(verify_s, 3),
        "sign_plus_verify_s": round(sign_s + verify_s, 3),
        # Signing reads the payload twice (measure, then copy) and verifying once.
        "beyond_reading_s": round(sign_s + verify_s - 3 * read_s, 3),
        "beyond_one_read_s": round(sign_s + verify_s - read_s, 3),
    }
    print(
        f"return of {rows:,} rows ({size / 1e6:.0f} MB): read {read_s:.3f} s, sign {sign_s:.3f} s, "
        f"verify {verify_s:.3f} s; sign+verify beyond reading {figures['beyond_reading_s']:.3f} s "
        f"(beyond a single read {figures['beyond_one_read_s']:.3f} s)"
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=1_000_000, help="identifiers to pseudonymise")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the signed return")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (best kept)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-keys-") as work:
        figures: dict[str, dict[str, object]] = {
            "pseudonymise": bench_pseudonyms(args.ids, args.repeats),
            "signed_return": bench_return(args.rows, args.repeats, Path(work)),
        }
    figures["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # Other work on the machine slows every figure; the load says how busy it was.
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
