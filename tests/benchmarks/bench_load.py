"""Benchmark: 50 dashboard users while every authority uploads at once, through gunicorn.

The hub runs as production runs it: gunicorn with ``deploy/gunicorn.conf.py`` (4 gthread
workers x 4 threads), a fresh PostgreSQL database and Redis on loopback, background
picture rebuilds. Set-up: 10 authorities each upload real signed placements returns
for two periods (``--rows`` rows each, default 20,000) through the API; the pictures are
rebuilt and the hub waits until none is stale. Then, for ``--seconds`` (default 60):

* 50 dashboard users (40 on the API with a regional lead's token, 10 logged in on the
  pages), each its own client address (``X-Forwarded-For``, trusted from loopback as
  behind nginx), loop: pick an endpoint, request it, think 0.5-1.5 s (seeded);
* 10 s in, all 10 authorities upload a supplier spend return at once (real signed
  returns); every upload must come back with a receipt that verifies with the hub key.

Recorded per endpoint class: requests, throughput, p50/p95/p99 latency, errors, 5xx;
uploads accepted/failed/lost, the machine. Written to ``results/load.json``. Targets:
dashboard API p95 <= 100 ms at 50 users on 2 cores, no failed or lost upload, no 5xx.
Figures are evidence, never assertions. The load generator shares the 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exchange import create_app  # noqa: E402
from exchange.db import dispose, get_session  # noqa: E402
from exchange.registry import services as registry  # noqa: E402
from keys import verify_receipt  # noqa: E402
from keys.strict_json import canonical_json  # noqa: E402
from schemas.geography import AUTHORITIES, HISTORIC_AUTHORITIES  # noqa: E402
from tests.exchange.returns_kit import make_return, ready_authority  # noqa: E402
from tests.security.hub_server import (  # noqa: E402
    PASSWORD,
    HubServer,
    fresh_postgres_database,
    gunicorn_hub,
)

RESULTS = Path(__file__).resolve().parent / "results" / "load.json"
CODES = tuple(sorted(AUTHORITIES))  # the region's ten current authorities
PERIODS = ("2026-Q1", "2026-Q2")
API_USERS, PAGE_USERS = 40, 10
TABLES = ("placements_by_care_type", "supplier_picture")


def machine() -> dict[str, Any]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {"cores": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "platform": platform.platform()}  # fmt: skip


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[index] * 1000, 1)


def set_up(server: HubServer, folder: Path, rows: int) -> dict[str, Any]:
    """Register the region in process, upload its returns through gunicorn, rebuild."""
    app = create_app({"DATABASE_URL": server.env["EXCHANGE_DATABASE_URL"],
                      "INSTANCE_PATH": str(server.instance), "SECRET_KEY": "x" * 48,
                      "AUDIT_ORIGIN": server.env["EXCHANGE_AUDIT_ORIGIN"]})  # fmt: skip
    with app.app_context():  # the two unitaries' predecessor, as a real region has it
        session = get_session()
        for old in sorted(HISTORIC_AUTHORITIES):
            registry.add_authority(session, code=old, name=None, successor_of=None, actor="bench")
        session.commit()
    officers = {code: ready_authority(app, code) for code in CODES}
    dispose(app)
    lead = "bench-lead"
    server.exchange("user", "add", lead, "--role", "regional_lead")
    token = server.exchange("token", "create", "--user", lead, "--days", "2").split()[-1]
    started = time.perf_counter()
    for seed, (code, officer) in enumerate(officers.items(), start=1):
        for sequence, period in enumerate(PERIODS, start=1):  # sequences rise per type
            path = folder / f"{code}-{period}.return"
            make_return(path, signing_key=officer.key, authority=code, period=period, rows=rows,
                        seed=seed, sequence=sequence)  # fmt: skip
            answer = httpx.post(f"{server.url}/api/v1/returns", content=path.read_bytes(),
                                headers={**officer.headers, "X-Forwarded-For": "192.0.2.1",
                                         "Content-Type": "application/octet-stream"},
                                timeout=300)  # fmt: skip
            assert answer.status_code == 201, answer.text
    loaded = time.perf_counter() - started
    server.exchange("picture", "recompute", "--all")
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        status = json.loads(server.exchange("picture", "status", "--json"))
        text = json.dumps(status)
        if '"stale": true' not in text and '"pending": true' not in text:
            break
        time.sleep(2)
    return {"officers": officers, "token": token, "lead": lead, "load_seconds": loaded,
            "rebuilt_seconds": time.perf_counter() - started - loaded}  # fmt: skip


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, kind: str, seconds: float, status: int | str) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.status[kind][str(status)] += 1


def login(server: HubServer, client: httpx.Client, username: str) -> None:
    first = client.get("/login")
    cookie = next(c.split(";", 1)[0] for c in first.headers.get_list("set-cookie")
                  if c.startswith("exchange_session="))  # fmt: skip
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', first.text)
    assert token is not None
    answer = client.post("/login", headers={"Cookie": cookie}, data={
        "username": username, "password": PASSWORD, "csrf_token": token.group(1)})  # fmt: skip
    assert answer.status_code == 302, answer.status_code
    session = next(c.split(";", 1)[0] for c in answer.headers.get_list("set-cookie")
                   if c.startswith("exchange_session="))  # fmt: skip
    client.headers["Cookie"] = session  # Secure cookie: sent by hand over loopback HTTP


def dashboard_user(server: HubServer, number: int, token: str | None, stop: float,
                   record: Recorder, username: str | None) -> None:  # fmt: skip
    rng = random.Random(number)
    address = f"198.51.100.{number + 1}"
    with httpx.Client(base_url=server.url, timeout=30,
                      headers={"X-Forwarded-For": address}) as client:  # fmt: skip
        if token:
            client.headers["Authorization"] = f"Bearer {token}"
            choices = [("api:overview", "/api/v1/picture/{p}/overview", 4),
                       ("api:tables", "/api/v1/picture/{p}/tables", 2),
                       ("api:table", "/api/v1/picture/{p}/tables/{t}?format=json", 3)]  # fmt: skip
        else:
            assert username is not None
            login(server, client, username)
            choices = [("page:picture", "/picture?period={p}", 3),
                       ("page:table", "/picture/{t}?period={p}", 2)]  # fmt: skip
        weights = [w for *_, w in choices]
        time.sleep(rng.uniform(0, 1.5))
        while time.monotonic() < stop:
            kind, template, _ = rng.choices(choices, weights)[0]
            path = template.format(p=rng.choice(PERIODS), t=rng.choice(TABLES))
            started = time.perf_counter()
            try:
                status: int | str = client.get(path).status_code
            except httpx.TransportError as error:
                status = type(error).__name__
            record.add(kind, time.perf_counter() - started, status)
            time.sleep(rng.uniform(0.5, 1.5))


def upload(server: HubServer, officer: Any, path: Path, public: str) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        answer = httpx.post(f"{server.url}/api/v1/returns", content=path.read_bytes(),
                            headers={**officer.headers, "X-Forwarded-For": "192.0.2.2",
                                     "Content-Type": "application/octet-stream"},
                            timeout=300)  # fmt: skip
    except httpx.TransportError as error:
        return {"authority": officer.authority, "outcome": f"lost: {type(error).__name__}"}
    seconds = time.perf_counter() - started
    if answer.status_code != 201:
        return {"authority": officer.authority, "outcome": f"failed: {answer.status_code}",
                "seconds": seconds}  # fmt: skip
    try:
        receipt = verify_receipt(canonical_json(answer.json()["receipt"]), hub_public_key=public)
        verified = receipt.authority == officer.authority
    except Exception as error:  # the receipt did not verify: counts as failed
        return {"authority": officer.authority, "outcome": f"bad receipt: {error}"}
    return {"authority": officer.authority, "seconds": round(seconds, 2),
            "outcome": "accepted, receipt verified" if verified else "receipt mismatch",
            }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--upload-rows", type=int, default=5_000)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_postgres_database("exchange_bench_load") as url,
    ):
        folder = Path(tmp)
        extra = {"EXCHANGE_PROXY_FIX_X_FOR": "1", "EXCHANGE_LOG_LEVEL": "WARNING"}
        with gunicorn_hub(url, folder, workers=4, extra_env=extra) as server:
            print(
                f"setting up: {len(CODES)} authorities x {len(PERIODS)} periods x {args.rows} rows"
            )
            setup = set_up(server, folder, args.rows)
            print(
                f"loaded in {setup['load_seconds']:.1f}s, "
                f"rebuilt in {setup['rebuilt_seconds']:.1f}s"
            )
            page_users = []
            for n in range(PAGE_USERS):
                name = f"bench-page-{n}"
                server.exchange("user", "add", name, "--role", "regional_lead")
                page_users.append(name)
            spend = {}
            for seed, (code, officer) in enumerate(setup["officers"].items(), start=1):
                spend[code] = folder / f"{code}-spend.return"
                make_return(spend[code], signing_key=officer.key, authority=code,
                            return_type="supplier_spend", period=PERIODS[1],
                            rows=args.upload_rows, seed=seed)  # fmt: skip
            public = (server.instance / "hub-signing.pub").read_text().strip()
            record = Recorder()
            started = time.monotonic()
            stop = started + args.seconds
            with ThreadPoolExecutor(max_workers=API_USERS + PAGE_USERS + len(CODES)) as pool:
                users = [pool.submit(dashboard_user, server, n, setup["token"], stop, record, None)
                         for n in range(API_USERS)]  # fmt: skip
                users += [pool.submit(dashboard_user, server, API_USERS + n, None, stop, record,
                                      name) for n, name in enumerate(page_users)]  # fmt: skip
                time.sleep(min(10, args.seconds / 4))
                uploads = [pool.submit(upload, server, setup["officers"][code], spend[code], public)
                           for code in CODES]  # fmt: skip
                upload_results = [u.result() for u in uploads]
                for user in users:
                    user.result()
            elapsed = time.monotonic() - started
            log_5xx = sum(1 for line in server.log.read_text().splitlines()
                          if '"status": 5' in line)  # fmt: skip
    endpoints = {}
    for kind in sorted(record.latency):
        values = record.latency[kind]
        statuses = dict(record.status[kind])
        endpoints[kind] = {
            "requests": len(values), "per_second": round(len(values) / elapsed, 1),
            "p50_ms": percentile(values, 50), "p95_ms": percentile(values, 95),
            "p99_ms": percentile(values, 99), "max_ms": round(max(values) * 1000, 1),
            "mean_ms": round(statistics.fmean(values) * 1000, 1), "statuses": statuses,
            "errors": sum(v for k, v in statuses.items() if k != "200"),
        }  # fmt: skip
    api = [v for k, vs in record.latency.items() if k.startswith("api:") for v in vs]
    accepted = sum(1 for u in upload_results if u["outcome"] == "accepted, receipt verified")
    five = sum(v for s in record.status.values() for k, v in s.items() if k.startswith("5"))
    result = {
        "benchmark": "load: 50 dashboard users + 10 simultaneous uploads through gunicorn",
        "machine": machine(),
        "setup": {"authorities": len(CODES), "periods": list(PERIODS), "rows_per_return": args.rows,
                  "load_seconds": round(setup["load_seconds"], 1),
                  "rebuild_seconds": round(setup["rebuilt_seconds"], 1),
                  "gunicorn": "deploy/gunicorn.conf.py, 4 gthread workers x 4 threads",
                  "database": "PostgreSQL (loopback)", "rate_limits": "Redis (loopback)"},
        "users": {"api": API_USERS, "pages": PAGE_USERS, "think_seconds": [0.5, 1.5],
                  "seconds": round(elapsed, 1)},
        "throughput_per_second": round(sum(len(v) for v in record.latency.values()) / elapsed, 1),
        "endpoints": endpoints,
        "dashboard_api": {"requests": len(api), "p50_ms": percentile(api, 50),
                          "p95_ms": percentile(api, 95), "p99_ms": percentile(api, 99)},
        "uploads": {"sent": len(upload_results), "accepted_with_verified_receipt": accepted,
                    "failed_or_lost": len(upload_results) - accepted, "each": upload_results},
        "server_errors_5xx": {"seen_by_clients": five, "in_access_log": log_5xx},
        "targets": {"dashboard_api_p95_ms": 100, "failed_or_lost_uploads": 0, "5xx": 0},
        "met": {"dashboard_api_p95": (percentile(api, 95) or 1e9) <= 100,
                "uploads": accepted == len(upload_results), "no_5xx": five == 0 and log_5xx == 0},
        "note": "the load generator runs on the same 2 cores as the hub and PostgreSQL",
    }  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("throughput_per_second", "dashboard_api", "uploads",
                                             "server_errors_5xx", "met")}, indent=2))  # fmt: skip
    for kind, figures in endpoints.items():
        print(
            f"{kind:14} n={figures['requests']:5} p50={figures['p50_ms']}ms "
            f"p95={figures['p95_ms']}ms p99={figures['p99_ms']}ms errors={figures['errors']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
