"""``/healthz`` and ``/readyz``: liveness without the database, readiness naming what is
missing, no login and no rate limit for either, and a request id on every answer."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from exchange.db import database

REDIS_URL = "redis://127.0.0.1:6379/15"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_healthz_answers_without_login(client: Any) -> None:
    """The liveness probe needs no login and says ok."""
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}


def test_readyz_is_ok_when_every_dependency_answers(client: Any) -> None:
    """A migrated database and a working rate-limit store: 200, every check ok."""
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "ok"
    assert body["not_ready"] == []
    assert set(body["checks"]) == {"database", "ratelimit_store", "migrations"}


def test_readyz_is_503_when_redis_cannot_be_reached(app_with: Any) -> None:
    """A rate-limit store on a closed port: 503 naming it; the database still counts as ok."""
    broken = app_with(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}/0")
    answer = broken.test_client().get("/readyz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["not_ready"] == ["ratelimit_store"]
    assert body["checks"]["database"] == {"status": "ok"}
    assert "127.0.0.1" not in answer.get_data(as_text=True)


def test_readyz_is_503_when_the_database_is_behind_the_code(app: Flask) -> None:
    """A database not at the migrations' head must not serve: 503 naming migrations."""
    with database(app).engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["not_ready"] == ["migrations"]
    assert "0001" in body["checks"]["migrations"]["reason"]


def test_healthz_does_not_need_the_database(app_with: Any) -> None:
    """With the database unreachable the process is still alive, but not ready."""
    broken = app_with(DATABASE_URL=f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/x")
    client = broken.test_client()
    assert client.get("/healthz").status_code == 200
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert set(answer.get_json()["not_ready"]) == {"database", "migrations"}


def test_probes_are_not_rate_limited(app_with: Any) -> None:
    """A tight default limit throttles pages but never the probes."""
    limited = app_with(RATELIMIT_DEFAULT="2 per minute")
    client = limited.test_client()
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
    statuses = [client.get("/login").status_code for _ in range(3)]
    assert statuses[-1] == 429


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [("edge-0123456789abcdef", True), ("bad id with spaces", False), ("x" * 200, False)],
)
def test_request_ids_are_honoured_when_sane_and_echoed(
    client: Any, sent: str, echoed: bool
) -> None:
    """A sane X-Request-ID from the proxy comes back; anything else is replaced by a new id."""
    answer = client.get("/healthz", headers={"X-Request-ID": sent})
    returned = answer.headers["X-Request-ID"]
    assert (returned == sent) is echoed
    assert 8 <= len(returned) <= 64
