"""Fixtures for the hub's tests, flaskr style: ``app``, ``client``, ``runner`` and ``hub``.

``app`` is parametrised over both databases. SQLite: a copy of a migrated template
file per test. PostgreSQL (``EXCHANGE_TEST_POSTGRES_URL``): each xdist worker creates
and migrates its own template database once, then every test gets a fresh database
cloned from it (``CREATE DATABASE ... TEMPLATE``), dropped afterwards — the audit
tables cannot be emptied, by design, so tests never share a database. When the server
cannot be reached the PostgreSQL cases are skipped, unless ``EXCHANGE_REQUIRE_POSTGRES=1``
(CI), when they fail.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from faker import Faker
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from werkzeug.test import TestResponse

from exchange import create_app
from exchange.accounts import services as accounts
from exchange.accounts import tokens
from exchange.audit.models import AuditEntry
from exchange.db import create_engine_for, get_session, upgrade
from exchange.hub_key import HUB_KEY_FILE, create_hub_key
from exchange.registry import services as registry
from tests.exchange.returns_kit import close_app

POSTGRES_URL = os.environ.get(
    "EXCHANGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("EXCHANGE_REQUIRE_POSTGRES") == "1"
PASSWORD = "a long enough test password"
SECRET_KEY = "test-secret-key-" + "x" * 40
ORIGIN = "test.exchange.invalid/audit"
_CLONES = itertools.count()


def _postgres_reachable() -> bool:
    url = make_url(POSTGRES_URL)
    try:
        with psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname=url.database,
            password=url.password, connect_timeout=3,
        ):  # fmt: skip
            return True
    except psycopg.OperationalError:
        return False


POSTGRES_REACHABLE = _postgres_reachable()
_SKIP_POSTGRES = pytest.mark.skipif(
    not POSTGRES_REACHABLE and not REQUIRE_POSTGRES,
    reason=f"PostgreSQL is not reachable at {make_url(POSTGRES_URL).host}; "
    "EXCHANGE_REQUIRE_POSTGRES=1 makes this a failure",
)
DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=[pytest.mark.postgres, _SKIP_POSTGRES]),
]


def _admin_engine() -> Any:
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per worker, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "exchange.sqlite3"
    engine = create_engine_for(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A PostgreSQL database migrated once per worker, cloned for each test."""
    if not POSTGRES_REACHABLE:
        pytest.fail(f"PostgreSQL is required (EXCHANGE_REQUIRE_POSTGRES=1) but {POSTGRES_URL} "
                    "cannot be reached.")  # fmt: skip
    worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))
    name = f"exchange_test_{worker}_{secrets.token_hex(4)}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine_for(_postgres_url(name))
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _postgres_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database of each kind, for one test."""
    if request.param == "sqlite":
        path = tmp_path / "exchange.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"{template}_{next(_CLONES)}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _postgres_url(name)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_app(database_url: str, instance: Path, **overrides: Any) -> Flask:
    """A test app on ``database_url`` with its instance folder (and hub key) at ``instance``."""
    config = {
        "TESTING": True,
        "SECRET_KEY": SECRET_KEY,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "AUDIT_ORIGIN": ORIGIN,
        "RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(6)}",
        **overrides,
    }
    app = create_app(config)
    if not (instance / HUB_KEY_FILE).exists():
        create_hub_key(instance / HUB_KEY_FILE)
    return app


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The hub on a fresh database, in testing mode, with a hub key."""
    app = make_app(database_url, tmp_path / "instance")
    yield app
    close_app(app)


@pytest.fixture
def app_with(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build more apps on the test's database, with settings overridden."""
    made: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        made.append(make_app(database_url, tmp_path / "instance", **overrides))
        return made[-1]

    yield build
    for built in made:
        close_app(built)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the app's ``exchange`` commands."""
    return app.test_cli_runner()


class Hub:
    """Sets the hub up for a test through its services, and logs in through its pages."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.fake = Faker("en_GB")
        self.fake.seed_instance(5)

    def authority(self, code: str = "E06000015") -> str:
        with self.app.app_context():
            session = get_session()
            registry.add_authority(session, code=code, name=None, successor_of=None, actor="test")
            session.commit()
        return code

    def user(self, role: str, authority: str | None = None, username: str | None = None) -> str:
        name = username or self.fake.unique.user_name()
        with self.app.app_context():
            session = get_session()
            accounts.create_user(
                session, username=name, password=PASSWORD, role=role,
                authority_code=authority, actor="test",
            )  # fmt: skip
            session.commit()
        return name

    def token(self, username: str, *, days: int = 30, now: datetime | None = None) -> str:
        with self.app.app_context():
            session = get_session()
            user = accounts.find_user(session, username)
            _, secret = tokens.create_token(
                session, user=user, days=days, max_days=365, label="test", actor="test", now=now
            )
            session.commit()
        return secret

    def user_id(self, username: str) -> int:
        with self.app.app_context():
            return accounts.find_user(get_session(), username).id

    def entries(self, tag: str | None = None) -> list[AuditEntry]:
        with self.app.app_context():
            query = select(AuditEntry).order_by(AuditEntry.index)
            if tag is not None:
                query = query.where(AuditEntry.tag == tag)
            return list(get_session().scalars(query))

    @staticmethod
    def csrf_token(client: FlaskClient, path: str = "/login") -> str:
        page = client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        assert match is not None, "no CSRF token on the page"
        return match.group(1)

    def login(self, client: FlaskClient, username: str, password: str = PASSWORD) -> TestResponse:
        token = self.csrf_token(client)
        return client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )


@pytest.fixture
def hub(app: Flask) -> Hub:
    """Helpers that register authorities, users and tokens, and log in."""
    return Hub(app)


def bearer(token: str) -> dict[str, str]:
    """The header that presents an API token."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth_header() -> Any:
    """The function that builds an ``Authorization: Bearer`` header."""
    return bearer
