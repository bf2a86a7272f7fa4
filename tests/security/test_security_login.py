"""Login brute force: guessing is cut off per account and per client address.

Unlike ``tests/exchange/test_login.py`` (the throttle's rules), these are attacks: a
dictionary of passwords against one account, with the right one late in the list, and a
spray of one password over many accounts from one address.
"""

from __future__ import annotations

from typing import Any

from exchange.audit import tags
from tests.exchange.conftest import PASSWORD
from tests.security.conftest import SecurityRecord

GUESSES = [f"guess number {n} of a dictionary" for n in range(40)]


def test_a_password_dictionary_against_one_account_is_cut_off(
    client: Any, hub: Any, security: SecurityRecord
) -> None:
    """After five wrong passwords every guess is refused, the right one included."""
    name = hub.user("regional_lead")
    statuses = []
    for guess in [*GUESSES[:20], PASSWORD, *GUESSES[20:]]:
        statuses.append(hub.login(client, name, guess).status_code)
        security.cases()
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}, "a guess got through after the account was throttled"
    assert hub.entries(tags.LOGIN_SUCCEED) == []
    security.note(f"account: {statuses.count(401)} guesses checked, {statuses.count(429)} refused")


def test_a_password_spray_from_one_address_is_cut_off(
    app_with: Any, hub: Any, security: SecurityRecord
) -> None:
    """One password tried on many accounts from one address is refused past the limit."""
    client = app_with(LOGIN_FAILURES_PER_ADDRESS="10 per 15 minutes").test_client()
    names = [hub.user("admin") for _ in range(25)]
    statuses = []
    for name in names:
        statuses.append(hub.login(client, name, "Winter2026!").status_code)
        security.cases()
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    # Another account from the same address is refused too, even with its right password.
    assert hub.login(client, hub.user("admin")).status_code == 429
    security.note("address: 10 failures allowed, then every attempt refused (configured limit)")


def test_the_default_limits_are_the_documented_ones(app: Any) -> None:
    """Production gets 5 failures per account and 30 per address per 15 minutes."""
    from exchange.config import current_settings

    with app.app_context():
        settings = current_settings()
    assert settings.login_failures_per_account == "5 per 15 minutes"
    assert settings.login_failures_per_address == "30 per 15 minutes"
