"""Run every benchmark script in this folder, one after another, in its own process.

Each ``bench_*.py`` prints its figures and writes them to ``results/<name>.json``.
A benchmark that fails is reported and the others still run; the exit status is
non-zero if any failed. Figures are evidence, never assertions.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    failed: list[str] = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], check=False)
        print(f"--- {script.stem}: exit {done.returncode} in {time.perf_counter() - started:.1f}s")
        if done.returncode != 0:
            failed.append(script.stem)
    ran = len(scripts) - len(failed)
    print(f"\n{ran} of {len(scripts)} benchmarks ran; results in {HERE / 'results'}")
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
