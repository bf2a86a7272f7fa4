"""REPORTED TO THE LEAD — bugs this suite found outside the modules its author may change.

Each test states the expected behaviour and FAILS until the owning module is fixed; it
is deliberately neither skipped nor xfailed. Found by schemathesis and the injection
check (tests/security): integers beyond PostgreSQL's range in ``exchange/suppliers``
reach the database and come back as 500 instead of a refusal (400/404/422).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.exchange.conftest import bearer
from tests.security.conftest import SecurityRecord

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/suppliers/candidates/549755813889/confirm"),
        ("post", "/api/v1/suppliers/candidates/549755813889/reject"),
        ("get", f"/api/v1/suppliers?offset={HUGE}"),
    ],
)
def test_reported_suppliers_api_huge_integers_are_refused_not_500(
    client: Any, hub: Any, method: str, path: str, security: SecurityRecord
) -> None:
    """exchange/suppliers: an out-of-range id or offset must be 4xx (it is 500 on PG)."""
    token = hub.token(hub.user("regional_lead"))
    answer = getattr(client, method)(path, headers=bearer(token))
    security.cases()
    if answer.status_code >= 500:
        security.finding(f"exchange/suppliers: {method.upper()} {path} -> {answer.status_code}")
    assert answer.status_code < 500


def test_reported_suppliers_page_huge_page_number_is_refused_not_500(
    client: Any, hub: Any, security: SecurityRecord
) -> None:
    """exchange/suppliers: /suppliers?page=<huge> must not be a 500."""
    hub.login(client, hub.user("regional_lead"))
    answer = client.get(f"/suppliers?page={HUGE}")
    security.cases()
    if answer.status_code >= 500:
        security.finding(f"exchange/suppliers: GET /suppliers?page={HUGE} -> 500")
    assert answer.status_code < 500
