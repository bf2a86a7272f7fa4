"""Whole or not at all: two workers racing with the same return store it once, a hub
killed mid-ingest leaves nothing partial and a retry succeeds, and an audit write that
fails makes the upload fail too."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from exchange.audit.events import APPEND_LOCK_KEY
from exchange.db import database, get_session
from exchange.returns.models import Return
from exchange.returns.rows import rows_table
from tests.exchange.conftest import ORIGIN, SECRET_KEY
from tests.exchange.returns_kit import Officer, make_return, ready_authority

ROOT = Path(__file__).resolve().parents[2]
SERVER = """
from werkzeug.serving import make_server
from exchange import create_app
server = make_server("127.0.0.1", 0, create_app(), threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@pytest.fixture
def officer(app: Flask) -> Officer:
    """Derby, ready to upload."""
    return ready_authority(app)


def counts(app: Flask) -> tuple[int, int]:
    """How many returns and placements rows the database holds (committed)."""
    table = rows_table("placements", 1)
    with app.app_context():
        session = get_session()
        found = (
            session.scalar(select(func.count(Return.id))) or 0,
            session.scalar(select(func.count()).select_from(table)) or 0,
        )
        session.rollback()
    return found


def stored_files(app: Flask) -> list[Path]:
    """Return files kept by the hub (staged uploads aside)."""
    return sorted((Path(app.instance_path) / "returns").glob("E*/*.return"))


@contextmanager
def hub_process(app: Flask, database_url: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The hub on the test's database and instance, as a real server in its own process."""
    env = {
        **os.environ,
        "EXCHANGE_DATABASE_URL": database_url,
        "EXCHANGE_INSTANCE_PATH": app.instance_path,
        "EXCHANGE_SECRET_KEY": SECRET_KEY,
        "EXCHANGE_AUDIT_ORIGIN": ORIGIN,
        "EXCHANGE_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    port = int(process.stdout.readline())
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()


def post_in_background(url: str, officer: Officer, data: bytes) -> threading.Thread:
    """Upload from a thread that tolerates the server dying under it."""

    def send() -> None:
        try:
            httpx.post(f"{url}/api/v1/returns", content=data, headers=officer.headers, timeout=60)
        except httpx.HTTPError:
            return

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    """Poll ``condition`` until it holds (or fail after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def test_two_workers_racing_with_the_same_return_store_it_once(
    app: Flask, officer: Officer, tmp_path: Path
) -> None:
    """Both get the same receipt; exactly one return and one set of rows exist."""
    make_return(tmp_path / "r.return", signing_key=officer.key, rows=2000)
    data = (tmp_path / "r.return").read_bytes()
    barrier = threading.Barrier(2)
    answers: list[Any] = []

    def send() -> None:
        client = app.test_client()
        barrier.wait()
        answers.append(client.post("/api/v1/returns", data=data, headers=officer.headers))

    workers = [threading.Thread(target=send) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].get_json()["receipt"] == answers[1].get_json()["receipt"]
    assert counts(app) == (1, 2000)


def test_two_different_returns_racing_for_one_period_store_one(
    app: Flask, officer: Officer, tmp_path: Path
) -> None:
    """Two returns for the same period, neither superseding: one is accepted, one refused."""
    bodies = []
    for sequence in (1, 2):
        path = tmp_path / f"r{sequence}.return"
        make_return(path, signing_key=officer.key, rows=1500, sequence=sequence, seed=sequence)
        bodies.append(path.read_bytes())
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send(data: bytes) -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(
            client.post("/api/v1/returns", data=data, headers=officer.headers).status_code
        )

    workers = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert sorted(statuses) == [201, 409]
    assert counts(app) == (1, 1500)


def _audit_failure(app: Flask, *, install: bool) -> None:
    """Install (or remove) a trigger that makes writing an acceptance's audit entry fail."""
    engine = database(app).engine
    postgres = engine.dialect.name == "postgresql"
    statements = {
        (True, True): [
            "CREATE FUNCTION test_audit_fails() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit storage failed'; END; $$",
            "CREATE TRIGGER test_audit_fails BEFORE INSERT ON audit_entries FOR EACH ROW "
            "WHEN (NEW.tag = 'returns:return:accepted') EXECUTE FUNCTION test_audit_fails()",
        ],
        (True, False): [
            "CREATE TRIGGER test_audit_fails BEFORE INSERT ON audit_entries "
            "WHEN NEW.tag = 'returns:return:accepted' "
            "BEGIN SELECT RAISE(ABORT, 'audit storage failed'); END"
        ],
        (False, True): ["DROP TRIGGER test_audit_fails ON audit_entries"],
        (False, False): ["DROP TRIGGER test_audit_fails"],
    }[(install, postgres)]
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_when_the_audit_write_fails_the_upload_fails_too(
    app: Flask, officer: Officer, tmp_path: Path
) -> None:
    """The audit entry cannot be written: 500, no return, no rows, no file; a retry once
    the log works again is accepted."""
    make_return(tmp_path / "r.return", signing_key=officer.key, rows=300)
    data = (tmp_path / "r.return").read_bytes()
    client = app.test_client()
    _audit_failure(app, install=True)
    response = client.post("/api/v1/returns", data=data, headers=officer.headers)
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert counts(app) == (0, 0)
    assert stored_files(app) == []
    _audit_failure(app, install=False)
    assert client.post("/api/v1/returns", data=data, headers=officer.headers).status_code == 201
    assert counts(app) == (1, 300)


def _postgres_connection(database_url: str) -> psycopg.Connection[Any]:
    url = make_url(database_url)
    return psycopg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password,
        dbname=url.database, autocommit=True,
    )  # fmt: skip


def _waiting_on_the_audit_lock(connection: psycopg.Connection[Any]) -> list[int]:
    rows = connection.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
    ).fetchall()
    return [row[0] for row in rows]


def _killed_mid_ingest_postgres(
    app: Flask, database_url: str, officer: Officer, data: bytes
) -> None:
    """Hold the audit log's append lock so the hub stops after loading the rows, check
    nothing is visible, then kill the hub's process."""
    with _postgres_connection(database_url) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (APPEND_LOCK_KEY,))
        with hub_process(app, database_url) as (process, url):
            post_in_background(url, officer, data)
            wait_for(lambda: bool(_waiting_on_the_audit_lock(holder)))
            backend = _waiting_on_the_audit_lock(holder)[0]
            assert counts(app) == (0, 0)  # rows loaded, not committed: invisible
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        holder.execute("SELECT pg_advisory_unlock(%s)", (APPEND_LOCK_KEY,))
        gone = "SELECT count(*) FROM pg_stat_activity WHERE pid = %s"
        wait_for(lambda: holder.execute(gone, (backend,)).fetchone() == (0,))


def _killed_mid_ingest_sqlite(app: Flask, database_url: str, officer: Officer, data: bytes) -> None:
    """Kill the hub once its uncommitted rows have started spilling into SQLite's WAL."""
    path = make_url(database_url).database
    assert path is not None
    wal = Path(f"{path}-wal")
    with hub_process(app, database_url) as (process, url):
        start = wal.stat().st_size if wal.exists() else 0
        post_in_background(url, officer, data)
        wait_for(lambda: wal.exists() and wal.stat().st_size > start + 8_000_000)
        with sqlite3.connect(path) as reader:
            assert reader.execute("SELECT count(*) FROM returns").fetchone() == (0,)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def test_a_hub_killed_mid_ingest_leaves_nothing_and_a_retry_succeeds(
    app: Flask, database_url: str, officer: Officer, tmp_path: Path
) -> None:
    """The hub process dies with the rows loaded but not committed: no return and no row
    is visible afterwards, and the same upload to a restarted hub is accepted."""
    postgres = database_url.startswith("postgresql")
    rows = 3000 if postgres else 150_000
    make_return(tmp_path / "r.return", signing_key=officer.key, rows=rows)
    data = (tmp_path / "r.return").read_bytes()
    kill = _killed_mid_ingest_postgres if postgres else _killed_mid_ingest_sqlite
    kill(app, database_url, officer, data)
    assert counts(app) == (0, 0)
    assert stored_files(app) == []
    with hub_process(app, database_url) as (_, url):
        retry = httpx.post(f"{url}/api/v1/returns", content=data, headers=officer.headers,
                           timeout=120)  # fmt: skip
    assert retry.status_code == 201
    assert counts(app) == (1, rows)
