"""Benchmark: a 1,000,000-row placements return uploaded over HTTP into PostgreSQL.

Builds a valid shared placements return of ``--rows`` rows (default 1,000,000), signed
as ``anonymiser prepare`` signs it, on a fresh PostgreSQL database (created and
migrated for the run, dropped afterwards). Starts the hub under gunicorn (one sync
worker) as its own process, uploads the file with httpx, and measures:

* request to receipt: seconds from the first byte sent to the signed receipt received
  (and checked with the hub's public key);
* the hub worker's peak memory (its ``VmHWM``, the peak resident set);
* the phases the hub logs: receiving and verifying, validating and bulk loading;
* the bulk load's rows per second, next to a plain ``COPY`` of the same rows into an
  identical table on the same server in the same run.

Prints the figures and writes them to ``tests/benchmarks/results/ingest.json``.
Targets (issue 5): at most 15 s request to receipt, under 1 GB peak for the hub.
Figures are evidence, never assertions. Needs a PostgreSQL server:
``EXCHANGE_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1/postgres``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exchange import create_app  # noqa: E402
from exchange.db import dispose, upgrade  # noqa: E402
from exchange.hub_key import HUB_KEY_FILE, create_hub_key, verifier_key  # noqa: E402
from keys import verify_receipt  # noqa: E402
from tests.exchange.returns_kit import make_return, ready_authority  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "ingest.json"
ADMIN_URL = os.environ.get(
    "EXCHANGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ORIGIN = "bench.exchange.invalid/audit"
SECRET = "bench-secret-" + "b" * 40
TARGET_SECONDS = 15.0
TARGET_PEAK_MB = 1024.0
ROWS_TABLE = "placements_v1_rows"


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database for the run; dropped at the end."""
    name = f"exchange_bench_{secrets.token_hex(4)}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        engine = create_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _settings(url: str, instance: Path) -> dict[str, str]:
    return {
        "EXCHANGE_DATABASE_URL": url,
        "EXCHANGE_INSTANCE_PATH": str(instance),
        "EXCHANGE_SECRET_KEY": SECRET,
        "EXCHANGE_AUDIT_ORIGIN": ORIGIN,
        "EXCHANGE_LOG_LEVEL": "INFO",
    }


def prepare_hub(url: str, instance: Path, rows: int, folder: Path) -> tuple[Any, Path, str]:
    """Register Derby on the hub and sign its return; the officer, the file, the hub key."""
    config = {
        key.removeprefix("EXCHANGE_"): value for key, value in _settings(url, instance).items()
    }
    app = create_app(config)
    hub_key = create_hub_key(instance / HUB_KEY_FILE)
    officer = ready_authority(app)
    dispose(app)
    path = folder / "derby-2026-Q2.return"
    started = time.perf_counter()
    make_return(path, signing_key=officer.key, rows=rows)
    print(f"built a {rows:,}-row return ({path.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - started:.1f}s")  # fmt: skip
    return officer, path, str(verifier_key(hub_key, ORIGIN))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def gunicorn(url: str, instance: Path, log: Path) -> Iterator[tuple[str, int]]:
    """The hub under gunicorn with one sync worker; its address and the worker's pid."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--timeout", "600",
               "--bind", f"127.0.0.1:{port}", "exchange:create_app()"]  # fmt: skip
    env = {**os.environ, **_settings(url, instance)}
    with open(log, "w", encoding="utf-8") as stream:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stderr=stream)
        try:
            address = f"http://127.0.0.1:{port}"
            _wait_until_up(address)
            yield address, _worker_pid(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_up(address: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{address}/api/v1/openapi.json", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the hub did not start")


def _worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def _memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def upload(address: str, officer: Any, path: Path, hub_key: str) -> tuple[float, int]:
    """POST the file streamed from disk; seconds to the checked receipt, and its status."""

    def chunks() -> Iterator[bytes]:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                yield chunk

    headers = {**officer.headers, "Content-Length": str(path.stat().st_size),
               "Content-Type": "application/octet-stream"}  # fmt: skip
    started = time.perf_counter()
    response = httpx.post(f"{address}/api/v1/returns", content=chunks(), headers=headers,
                          timeout=600)  # fmt: skip
    receipt = json.dumps(response.json()["receipt"]).encode()
    verify_receipt(receipt, hub_public_key=hub_key)
    return time.perf_counter() - started, response.status_code


def logged_phases(log: Path) -> dict[str, float]:
    """The hub's own timings of the upload, from its JSON log lines."""
    phases: dict[str, float] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        if event.get("event") == "return_received":
            phases["receive_and_verify_seconds"] = event["seconds"]
        elif event.get("event") == "return_accepted":
            phases["load_seconds"] = event["load_seconds"]
            phases["accept_seconds"] = event["seconds"]
    return phases


def plain_copy(url: str) -> tuple[float, int]:
    """Seconds to COPY the stored rows, as CSV, into an identical empty table."""
    target = make_url(url)
    with psycopg.connect(
        host=target.host, port=target.port, user=target.username, password=target.password,
        dbname=target.database,
    ) as connection:  # fmt: skip
        buffer = io.BytesIO()
        with connection.cursor().copy(f"COPY {ROWS_TABLE} TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
        connection.execute(f"CREATE TABLE plain_copy (LIKE {ROWS_TABLE} INCLUDING ALL)")
        connection.commit()
        data = memoryview(buffer.getbuffer())
        started = time.perf_counter()
        with connection.cursor().copy("COPY plain_copy FROM STDIN WITH (FORMAT csv)") as copy:
            for offset in range(0, len(data), 1 << 20):
                copy.write(data[offset : offset + (1 << 20)])
        connection.commit()
        seconds = time.perf_counter() - started
        rows = connection.execute("SELECT count(*) FROM plain_copy").fetchone()
    return seconds, int(rows[0]) if rows else 0


def run(rows: int) -> dict[str, Any]:
    """Build, upload and measure; the figures."""
    with tempfile.TemporaryDirectory() as folder, fresh_database() as url:
        instance = Path(folder) / "instance"
        officer, path, hub_key = prepare_hub(url, instance, rows, Path(folder))
        log = Path(folder) / "hub.log"
        with gunicorn(url, instance, log) as (address, worker):
            idle_mb = _memory_mb(worker, "VmRSS")
            seconds, status = upload(address, officer, path, hub_key)
            peak_mb = _memory_mb(worker, "VmHWM")
        phases = logged_phases(log)
        copy_seconds, copied = plain_copy(url)
        file_bytes = path.stat().st_size
    load = phases.get("load_seconds") or float("nan")
    return {
        "rows": rows,
        "file_mb": round(file_bytes / 1e6, 1),
        "status": status,
        "request_to_receipt_seconds": round(seconds, 2),
        "hub_worker_idle_mb": round(idle_mb, 1),
        "hub_worker_peak_mb": round(peak_mb, 1),
        **phases,
        "bulk_load_rows_per_second": round(rows / load),
        "plain_copy_seconds": round(copy_seconds, 2),
        "plain_copy_rows_per_second": round(copied / copy_seconds),
        "bulk_load_vs_plain_copy": round(copy_seconds / load, 2),
        "target_seconds": TARGET_SECONDS,
        "target_peak_mb": TARGET_PEAK_MB,
        "meets_targets": seconds <= TARGET_SECONDS and peak_mb < TARGET_PEAK_MB,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the figures and write them to results/ingest.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Rows in the return.")
    args = parser.parse_args(argv)
    try:
        figures = run(args.rows)
    except OperationalError:
        print(f"PostgreSQL is not reachable at {make_url(ADMIN_URL).host}; this benchmark "
              "needs it (set EXCHANGE_TEST_POSTGRES_URL).", file=sys.stderr)  # fmt: skip
        return 2
    for name, value in figures.items():
        print(f"{name:>30}: {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
