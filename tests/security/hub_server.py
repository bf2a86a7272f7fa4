"""The hub as production runs it, for the attack suite and the load benchmark.

Gunicorn with ``deploy/gunicorn.conf.py`` (workers and threads as given) in production
mode, on a fresh PostgreSQL database made for the run and dropped afterwards, with its
rate-limit counts in Redis. The instance is set up with ``exchange init``, as an
administrator would (the pattern of ``tests/deploy/test_deploy_server.py``). Not a test
module: imported by ``tests/security`` and ``tests/benchmarks/bench_load.py``.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get(
    "EXCHANGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("EXCHANGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
#: CI sets EXCHANGE_REQUIRE_REDIS=1: a Redis that cannot be reached is then a failure.
REQUIRE_REDIS = os.environ.get("EXCHANGE_REQUIRE_REDIS") == "1"
PASSWORD = "a long enough test password"


def redis_reachable() -> bool:
    """Whether Redis answers at ``REDIS_URL``."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def real_server_marks(group: str) -> list[pytest.MarkDecorator]:
    """The marks of a module that runs the hub under gunicorn on PostgreSQL and Redis:
    slow, in its own xdist group, and skipped without the servers unless
    EXCHANGE_REQUIRE_POSTGRES=1 (as in CI), which makes that a failure."""
    from tests.exchange.conftest import POSTGRES_REACHABLE, REQUIRE_POSTGRES

    return [
        pytest.mark.slow,
        pytest.mark.postgres,
        pytest.mark.xdist_group(group),
        pytest.mark.skipif(
            not (POSTGRES_REACHABLE and redis_reachable()) and not REQUIRE_POSTGRES,
            reason="needs PostgreSQL and Redis; EXCHANGE_REQUIRE_POSTGRES=1 makes this a failure",
        ),
    ]


def free_port() -> int:
    """A loopback port free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def fresh_postgres_database(prefix: str = "exchange_security") -> Iterator[str]:
    """A new, empty PostgreSQL database; its URL. Dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class HubServer:
    """A running hub: its address, environment, instance folder, log and process."""

    url: str
    port: int
    env: dict[str, str]
    instance: Path
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def exchange(self, *args: str) -> str:
        """Run ``exchange ARGS`` as the hub's administrator would; its output."""
        done = subprocess.run(
            [str(BIN / "exchange"), *args], env=self.env, capture_output=True, text=True,
            check=False, timeout=300,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"exchange {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def worker_pids(self) -> list[int]:
        """The gunicorn workers' process ids (children of the arbiter)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


def hub_environment(
    database_url: str, instance: Path, port: int, *, workers: int, threads: int,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:  # fmt: skip
    """The environment a production hub runs with under gunicorn."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXCHANGE_", "GUNICORN_"))}
    env.update({
        "EXCHANGE_ENV": "production",
        "EXCHANGE_SECRET_KEY": secrets.token_urlsafe(48),
        "EXCHANGE_INSTANCE_PATH": str(instance),
        "EXCHANGE_DATABASE_URL": database_url,
        "EXCHANGE_RATELIMIT_STORAGE_URI": REDIS_URL,
        "EXCHANGE_RATELIMIT_KEY_PREFIX": f"security-{secrets.token_hex(6)}",
        "EXCHANGE_AUDIT_ORIGIN": "security-tests.exchange.invalid/audit",
        "EXCHANGE_NEW_USER_PASSWORD": PASSWORD,
        "EXCHANGE_LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_LOG_LEVEL": "warning",
        **(extra or {}),
    })  # fmt: skip
    return env


@contextmanager
def gunicorn_hub(
    database_url: str, folder: Path, *, workers: int = 4, threads: int = 4,
    extra_env: Mapping[str, str] | None = None, init: bool = True,
) -> Iterator[HubServer]:  # fmt: skip
    """``exchange init`` then gunicorn with ``deploy/gunicorn.conf.py``; stopped afterwards."""
    port = free_port()
    instance = folder / "instance"
    env = hub_environment(database_url, instance, port, workers=workers, threads=threads,
                          extra=extra_env)  # fmt: skip
    hub = HubServer(f"http://127.0.0.1:{port}", port, env, instance, folder / "gunicorn.log")
    if init:
        hub.exchange("init")
    with hub.log.open("wb") as log:
        hub.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
            env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_ready(hub, workers)
        yield hub
    finally:
        stop(hub.process, seconds=40)


def stop(process: subprocess.Popen[bytes], *, seconds: float) -> None:
    """Stop a server as systemd does: SIGTERM, then SIGKILL if it is still there after
    SECONDS."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_ready(hub: HubServer, workers: int) -> None:
    assert hub.process is not None
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {hub.log.read_text()}")
        try:
            ready = httpx.get(f"{hub.url}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            ready = False
        if ready and len(hub.worker_pids()) >= workers:
            return
        time.sleep(0.3)
    raise RuntimeError(f"the hub was not ready within 90 s: {hub.log.read_text()}")
