"""SQL injection in every filter and query parameter of the API and the pages.

Each parameter the OpenAPI document lists (and each one the pages read) gets classic
injection strings. The answer must be a refusal (400/422) or an ordinary answer (200:
for the list endpoints, an empty list, since no real value matches), never a 5xx; and
every table must still be there afterwards, with the same number of returns and audit
entries that the requests themselves added (refusals and downloads are audited).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import inspect

from exchange.db import database
from tests.exchange.conftest import Hub, bearer
from tests.exchange.returns_kit import PERIOD
from tests.security.conftest import SecurityRecord
from tests.security.region import Region, build_region

INJECTIONS = [
    "' OR 1=1 --", "' OR '1'='1", "1; DROP TABLE returns", "1; DROP TABLE returns --",
    "'); DROP TABLE audit_entries; --", "\" OR \"\"=\"", "1 UNION SELECT username, password_hash "
    "FROM users --", "%' AND 1=0 UNION SELECT NULL --", "E06000015' --", "2026-Q2'; SELECT "
    "pg_sleep(5) --", "\\'; DELETE FROM users; --", "1e999", "-1", "99999999999999999999999",
]  # fmt: skip
PAGES = {
    "/picture": ["period", "q", "sort", "page"],
    "/picture/supplier_picture": ["period", "q", "sort", "page", "care_type"],
    "/picture/fair-price": ["period", "care_type", "support_reason", "provider_type"],
    "/suppliers": ["q", "page"],
    "/returns": ["tracked", "return_type", "period"],
    "/audit": ["authority", "actor", "action", "since", "until", "before"],
    "/audit/download": ["authority", "actor", "action", "since", "until"],
}
LISTS = {"/api/v1/returns": "returns", "/api/v1/audit/entries": "entries",
         "/api/v1/suppliers": "suppliers"}  # fmt: skip


@pytest.fixture
def region(app_with: Callable[..., Flask], tmp_path: Path) -> Region:
    return build_region(app_with, tmp_path, rows=60, RATELIMIT_DEFAULT="100000 per minute")


def _api_parameters(app: Flask) -> list[tuple[str, str]]:
    document = app.test_client().get("/api/v1/openapi.json").json
    assert document is not None
    found = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        concrete = path.replace("{period}", PERIOD).replace("{name}", "supplier_picture")
        for parameter in get.get("parameters", []):
            if parameter["in"] == "query":
                found.append((concrete, parameter["name"]))
        for parameter in get.get("parameters", []) + operations.get("parameters", []):
            if parameter["in"] == "path":
                found.append((path, "{" + parameter["name"] + "}"))
    return sorted(set(found))


def _state(app: Flask) -> tuple[set[str], int]:
    with app.app_context():
        engine = database().engine
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            returns = connection.exec_driver_sql("SELECT count(*) FROM returns").scalar_one()
    return tables, int(returns)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_injection_in_every_parameter_is_harmless(region: Region, security: SecurityRecord) -> None:
    """Every API parameter and page filter: no 5xx, no rows from nowhere, tables intact."""
    app, hub = region.app, region.hub
    before = _state(app)
    token = hub.token(hub.user("regional_lead"))
    ig_token = hub.token(hub.user("ig_officer"))
    lead = region.client("regional_lead")
    ig = region.client("ig_officer")
    problems: list[str] = []
    api = _api_parameters(app)
    assert len(api) >= 20, api
    for path, name in api:
        for value in INJECTIONS:
            for who in (ig_token,) if "/audit" in path else (token,):
                if name.startswith("{"):
                    url, query = path.replace(name, value.replace("/", "%2F")), {}
                else:
                    url, query = path, {name: value}
                answer = app.test_client().get(url, query_string=query, headers=bearer(who))
                security.cases()
                if answer.status_code >= 500:
                    problems.append(f"GET {url} {query}: {answer.status_code}")
                elif answer.status_code == 200 and path in LISTS and answer.json is not None:
                    exact = {"authority", "period", "return_type", "actor", "action"}
                    if answer.json[LISTS[path]] and name in exact:
                        problems.append(f"GET {url} {query}: rows came back")
    for path, names in PAGES.items():
        for name in names:
            for value in INJECTIONS:
                for client in (ig,) if path.startswith("/audit") else (lead,):
                    answer = client.get(path, query_string={name: value})
                    security.cases()
                    if answer.status_code >= 500:
                        problems.append(f"page {path} {name}={value!r}: {answer.status_code}")
    for problem in problems:
        security.finding(problem)
    assert problems == []
    after = _state(app)
    assert after[0] == before[0], "a table disappeared"
    assert after[1] == before[1], "returns changed"


def test_login_fields_are_not_injectable(client: Any, hub: Hub, security: SecurityRecord) -> None:
    """Injection in the username or password is a failed login (401), never a way in."""
    hub.user("admin", username="admin-user")
    for value in INJECTIONS:
        for data in ({"username": value, "password": "x" * 20},
                     {"username": "admin-user", "password": value}):  # fmt: skip
            answer = client.post("/login", data={**data, "csrf_token": hub.csrf_token(client)})
            security.cases()
            assert answer.status_code in (401, 429), (data, answer.status_code)
    assert client.get("/audit").status_code in (302, 401)
