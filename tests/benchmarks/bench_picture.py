"""Benchmark: the regional picture over 8,000,000 placements rows on PostgreSQL.

The issue's region: 10 authorities x 8 quarters x 100,000 placements rows (and a
supplier spend return of 10,000 rows per authority and quarter), accepted through the
hub's own ingest service into a PostgreSQL database kept between runs
(``exchange_bench_picture``; ``--fresh`` rebuilds it, ``--rows`` changes the size).
Roll-up rebuilds are switched off while loading, then measured:

* full recompute: every period's release rebuilt from the stored rows, in as many
  processes as ``exchange picture recompute --all`` uses (``--jobs``; target 60 s);
* one period's rebuild, as after an accepted or superseded return;
* the overview API (``GET /api/v1/picture/<period>/overview``) served by gunicorn
  (4 workers, the deploy configuration's count) from the roll-ups: 200 requests, one at
  a time, p50/p95/max (target: at most 200 ms).

Prints the figures and writes them to ``tests/benchmarks/results/picture.json``.
Figures are evidence, never assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exchange import create_app  # noqa: E402
from exchange.accounts import services as accounts  # noqa: E402
from exchange.accounts import tokens  # noqa: E402
from exchange.db import dispose, get_session, upgrade  # noqa: E402
from exchange.hub_key import HUB_KEY_FILE, create_hub_key  # noqa: E402
from exchange.registry import services as registry  # noqa: E402
from exchange.returns import hooks  # noqa: E402
from exchange.returns.access import ingest_settings, return_store  # noqa: E402
from exchange.returns.services import Uploader, submit_return  # noqa: E402
from schemas.geography import AUTHORITIES, PREDECESSORS  # noqa: E402
from tests.exchange.returns_kit import make_return, ready_authority  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "picture.json"
DATA = Path(__file__).resolve().parent / "data" / "picture"
ADMIN_URL = os.environ.get(
    "EXCHANGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASE = "exchange_bench_picture"
ORIGIN = "bench.exchange.invalid/audit"
SECRET = "bench-secret-" + "p" * 40
PERIODS = tuple(f"{year}-Q{quarter}" for year in (2025, 2026) for quarter in (1, 2, 3, 4))
SPEND_ROWS = 10_000
TARGET_OVERVIEW_MS = 200.0
TARGET_RECOMPUTE_SECONDS = 60.0
REQUESTS = 200


def _url(name: str) -> str:
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _settings(instance: Path) -> dict[str, Any]:
    return {
        "SECRET_KEY": SECRET, "INSTANCE_PATH": str(instance), "DATABASE_URL": _url(DATABASE),
        "AUDIT_ORIGIN": ORIGIN, "LOG_LEVEL": "WARNING", "PICTURE_RECOMPUTE": "inline",
    }  # fmt: skip


def _loaded_rows() -> int | None:
    """Placements rows in the kept database, or ``None`` if it does not exist."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": DATABASE}
        ).first()
    admin.dispose()
    if found is None:
        return None
    engine = create_engine(_url(DATABASE))
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT coalesce(sum(row_count), 0) FROM returns WHERE return_type = "
                "'placements' AND status = 'accepted'"
            )
        ).scalar_one()
    engine.dispose()
    return int(rows)


def _recreate_database() -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    engine = create_engine(_url(DATABASE))
    upgrade(engine)
    engine.dispose()


def load(instance: Path, rows: int, authorities: int) -> float:
    """Accept every return of the region into the kept database; seconds taken."""
    _recreate_database()
    for leftover in DATA.glob("*.return"):
        leftover.unlink()
    instance.mkdir(parents=True, exist_ok=True)
    if not (instance / HUB_KEY_FILE).exists():
        create_hub_key(instance / HUB_KEY_FILE)
    app = create_app(_settings(instance))
    codes = list(AUTHORITIES)[:authorities]
    with app.app_context():  # Northamptonshire's successors need it registered first
        for old, successors in PREDECESSORS.items():
            if set(successors) & set(codes):
                registry.add_authority(
                    get_session(), code=old, name=None, successor_of=None, actor="bench"
                )
        get_session().commit()
    officers = {code: ready_authority(app, code) for code in codes}
    callbacks = hooks.registered()
    for callback in callbacks:  # roll-ups are rebuilt once, measured, after loading
        hooks.forget(callback)
    started = time.perf_counter()
    now = datetime.now(UTC)
    try:
        for number, code in enumerate(codes):
            sequence = 0
            for period in PERIODS:
                for return_type, count in (("placements", rows), ("supplier_spend", SPEND_ROWS)):
                    sequence += 1
                    path = DATA / f"{code}-{period}-{return_type}.return"
                    make_return(path, signing_key=officers[code].key, authority=code,
                                return_type=return_type, period=period, sequence=sequence,
                                rows=count, seed=1000 * number + sequence, now=now)  # fmt: skip
                    with app.app_context(), open(path, "rb") as body:
                        submit_return(get_session(), body=body,
                                      uploader=Uploader(f"officer:{code}", code),
                                      store=return_store(), settings=ingest_settings())  # fmt: skip
                    path.unlink()
                print(f"  loaded {code} {period}", flush=True)
        with app.app_context():
            session = get_session()
            user = accounts.create_user(session, username="bench-lead", password="bench " * 4,
                                        role="regional_lead", authority_code=None,
                                        actor="bench")  # fmt: skip
            _, token = tokens.create_token(session, user=user, days=30, max_days=365,
                                           label="bench", actor="bench")  # fmt: skip
            session.commit()
        (instance / "bench-token").write_text(token, encoding="utf-8")
    finally:
        for callback in callbacks:
            hooks.on_returns_changed(callback)
        dispose(app)
    return time.perf_counter() - started


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the recompute's workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def recompute(instance: Path, jobs: int) -> tuple[float, float, float]:
    """Seconds for a full rebuild of every period (``jobs`` processes, as ``exchange
    picture recompute --all`` runs it), the CPU seconds it took on the hub's side (the
    database's own not counted; less sensitive than wall time to other work on the
    machine), and seconds for one period's rebuild (as after a return)."""
    from exchange.picture.store import recompute as rebuild

    app = create_app(_settings(instance))
    try:
        with app.app_context():
            cpu = _cpu_seconds()
            started = time.perf_counter()
            rebuilt = rebuild(get_session(), jobs=jobs)
            full = time.perf_counter() - started
            cpu = _cpu_seconds() - cpu
            assert len(rebuilt) == len(PERIODS), [r.period for r in rebuilt]
            started = time.perf_counter()
            rebuild(get_session(), periods=[PERIODS[-1]])
            one = time.perf_counter() - started
    finally:
        dispose(app)
    return full, cpu, one


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(instance: Path, workers: int) -> Iterator[str]:
    """The hub under gunicorn with ``workers`` workers; its address."""
    port = _free_port()
    env = {**os.environ, **{f"EXCHANGE_{k}": str(v) for k, v in _settings(instance).items()}}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "exchange:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{address}/login", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)


def overview_latency(instance: Path, workers: int) -> dict[str, float]:
    """Milliseconds per overview request (one client, sequential), after a warm-up."""
    token = (instance / "bench-token").read_text(encoding="utf-8")
    headers = {"Authorization": f"Bearer {token}"}
    with gunicorn(instance, workers) as address, httpx.Client(base_url=address) as client:
        path = f"/api/v1/picture/{PERIODS[-1]}/overview"
        for _ in range(20):
            assert client.get(path, headers=headers).status_code == 200
        times = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text[:200]
        size = len(response.content)
    times.sort()
    return {
        "overview_p50_ms": round(statistics.median(times), 1),
        "overview_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "overview_max_ms": round(times[-1], 1),
        "overview_bytes": size,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Load (if needed), measure, print and write results/picture.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="Placements rows per return.")
    parser.add_argument("--authorities", type=int, default=10)
    parser.add_argument("--fresh", action="store_true", help="Reload the kept database.")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="Processes for the full recompute (default: as the CLI, the cores).",
    )
    args = parser.parse_args(argv)
    from exchange.picture.parallel import default_jobs

    jobs = args.jobs or default_jobs()
    DATA.mkdir(parents=True, exist_ok=True)
    instance = DATA / "instance"
    expected = args.rows * args.authorities * len(PERIODS)
    figures: dict[str, Any] = {"benchmark": "picture", "placements_rows": expected}
    try:
        loaded = _loaded_rows()
        if args.fresh or loaded != expected or not (instance / "bench-token").exists():
            print(f"loading {expected:,} placements rows into {DATABASE}…", flush=True)
            figures["load_seconds"] = round(load(instance, args.rows, args.authorities), 1)
        engine = create_engine(_url(DATABASE))
        upgrade(engine)  # a kept database gets any migration added since it was loaded
        engine.dispose()
        figures["load_average_before"] = round(os.getloadavg()[0], 2)  # other work running
        full, cpu, one = recompute(instance, jobs)
    except OperationalError:
        print(f"PostgreSQL is not reachable at {make_url(ADMIN_URL).host}; this benchmark "
              "needs it (set EXCHANGE_TEST_POSTGRES_URL).", file=sys.stderr)  # fmt: skip
        return 2
    figures["full_recompute_seconds"] = round(full, 2)
    figures["full_recompute_jobs"] = jobs
    figures["full_recompute_hub_cpu_seconds"] = round(cpu, 1)
    figures["one_period_recompute_seconds"] = round(one, 2)
    figures.update(overview_latency(instance, workers=4))
    figures.update({
        "target_overview_ms": TARGET_OVERVIEW_MS,
        "target_recompute_seconds": TARGET_RECOMPUTE_SECONDS,
        "meets_targets": figures["overview_p95_ms"] <= TARGET_OVERVIEW_MS
        and full <= TARGET_RECOMPUTE_SECONDS,
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    })  # fmt: skip
    for name, value in figures.items():
        print(f"{name:>32}: {value}")
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
