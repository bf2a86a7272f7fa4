"""Rate-limit counts kept in Redis are shared by every worker of the hub.

Needs Redis at ``EXCHANGE_TEST_REDIS_URL``; skipped when it cannot be reached, unless
``EXCHANGE_REQUIRE_REDIS=1`` (CI), when it fails.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.security.hub_server import REDIS_URL, REQUIRE_REDIS, redis_reachable

REDIS_REACHABLE = redis_reachable()
pytestmark = pytest.mark.skipif(
    not REDIS_REACHABLE and not REQUIRE_REDIS,
    reason="Redis is not reachable; EXCHANGE_REQUIRE_REDIS=1 makes this a failure",
)
WRONG = "not the password at all"


def test_failed_logins_counted_by_one_worker_throttle_another(app_with: Any, hub: Any) -> None:
    """Two app instances on one Redis share login failures: the second refuses the sixth try."""
    assert REDIS_REACHABLE, f"Redis is required but {REDIS_URL} cannot be reached"
    prefix = f"test-{secrets.token_hex(6)}"
    first = app_with(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    second = app_with(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    name = hub.user("admin")
    one, two = first.test_client(), second.test_client()
    for _ in range(5):
        assert hub.login(one, name, WRONG).status_code == 401
    assert hub.login(two, name).status_code == 429


def test_request_limits_are_shared_through_redis(app_with: Any) -> None:
    """The default per-route limit counts requests made to either instance."""
    assert REDIS_REACHABLE, f"Redis is required but {REDIS_URL} cannot be reached"
    prefix = f"test-{secrets.token_hex(6)}"
    settings = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_DEFAULT": "3 per minute",
    }
    first, second = app_with(**settings), app_with(**settings)
    statuses = [
        app.test_client().get("/api/v1/authorities").status_code
        for app in (first, second, first, second)
    ]
    assert statuses == [401, 401, 401, 429]
