"""The per-address login limit: counted before the password is checked, atomically, and
given back by a good login (``exchange.accounts.throttle``).

Login attempts through the app check what is counted; attempts taken at once from many
threads, on the in-memory store and on Redis, check that no more than the limit pass.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from exchange.accounts.throttle import LoginThrottle
from tests.security.hub_server import REDIS_URL, redis_reachable
from tests.services import missing

WRONG = "not the password at all"
REDIS_REACHABLE = redis_reachable()


def test_good_logins_never_use_up_the_address_allowance(app_with: Any, hub: Any) -> None:
    """Ten good logins from one address, then its three failures are still all allowed."""
    app = app_with(LOGIN_FAILURES_PER_ADDRESS="3 per 15 minutes")
    for _ in range(10):
        assert hub.login(app.test_client(), hub.user("admin")).status_code == 302
    client = app.test_client()
    statuses = [hub.login(client, hub.user("admin"), WRONG).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_an_attempt_refused_for_its_account_costs_the_address_nothing(
    app_with: Any, hub: Any
) -> None:
    """Five failures lock an account; trying it again is refused without using up one of
    the address's six, so one more failure on another account is still checked."""
    client = app_with(LOGIN_FAILURES_PER_ADDRESS="6 per 15 minutes").test_client()
    locked = hub.user("admin")
    assert [hub.login(client, locked, WRONG).status_code for _ in range(5)] == [401] * 5
    assert [hub.login(client, locked, WRONG).status_code for _ in range(3)] == [429] * 3
    assert hub.login(client, hub.user("admin"), WRONG).status_code == 401
    assert hub.login(client, hub.user("admin"), WRONG).status_code == 429


@pytest.fixture(params=["memory", "redis"])
def storage(request: pytest.FixtureRequest) -> Iterator[Storage]:
    """The rate limiter's storage: in memory, or Redis (skipped when unreachable, unless
    EXCHANGE_REQUIRE_REDIS=1 makes that a failure)."""
    if request.param == "memory":
        yield MemoryStorage()
        return
    if not REDIS_REACHABLE:
        missing(f"Redis is not reachable at {REDIS_URL}", required_by="EXCHANGE_REQUIRE_REDIS")
    yield RedisStorage(REDIS_URL)


def test_concurrent_attempts_from_one_address_stop_at_its_limit(storage: Storage) -> None:
    """40 attempts on 40 accounts from one address, all at once: exactly 5 are let through."""
    throttle = LoginThrottle(
        FixedWindowRateLimiter(storage), per_account="5 per 15 minutes",
        per_address="5 per 15 minutes", namespace=f"test-{secrets.token_hex(6)}",
    )  # fmt: skip
    start = threading.Barrier(8)

    def attempt(number: int) -> bool:
        if number < 8:
            start.wait()
        return throttle.attempt(account=f"account-{number}", address="192.0.2.7")

    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = list(pool.map(attempt, range(40)))
    assert allowed.count(True) == 5
