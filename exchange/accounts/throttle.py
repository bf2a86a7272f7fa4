"""Login throttling: failed logins counted per account and per client address.

Counts live in the rate limiter's storage (Redis in production), so every worker
sees the same numbers. An account is keyed by a hash of its username: the storage
never holds a username.
"""

from __future__ import annotations

import hashlib

from limits import RateLimitItem, parse
from limits.strategies import RateLimiter

ACCOUNT = "login-account"
ADDRESS = "login-address"


def account_key(username: str) -> str:
    """The throttle's name for an account: a hash, never the username itself."""
    return hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()[:32]


class LoginThrottle:
    """Counts failed logins and says when to stop accepting attempts."""

    def __init__(
        self, limiter: RateLimiter, *, per_account: str, per_address: str, namespace: str = ""
    ) -> None:
        self._limiter = limiter
        self._namespace = namespace or "exchange"
        self._account: RateLimitItem = parse(per_account)
        self._address: RateLimitItem = parse(per_address)

    def attempt(self, *, account: str, address: str) -> bool:
        """Take one of the address's attempts and one of the account's before the password
        is checked; whether both had one left.

        Counting first, each in one atomic step of the storage, is what stops concurrent
        guesses from all passing a check made before any of them is counted: however many
        arrive at once, from however many workers, no more than the limit are checked. A
        refused attempt gives the address its count back, and a good login gives back both
        (:meth:`succeeded`), so only failures use up an allowance and an office's
        successful logins never use up its address's.
        """
        if not self._limiter.hit(self._address, self._namespace, ADDRESS, address):
            self._give_back(address)
            return False
        if not self._limiter.hit(self._account, self._namespace, ACCOUNT, account):
            self._give_back(address)
            return False
        return True

    def succeeded(self, *, account: str, address: str) -> None:
        """After a good login: forget the account's failures, give the address its attempt
        back (its earlier failures still count)."""
        self._limiter.clear(self._account, self._namespace, ACCOUNT, account)
        self._give_back(address)

    def _give_back(self, address: str) -> None:
        # A negative hit: one atomic decrement in the fixed-window storage (Flask-Limiter's
        # default strategy, the hub's). Should the window end between the attempt and this,
        # the new window starts one attempt richer; that is all it can cost.
        self._limiter.hit(self._address, self._namespace, ADDRESS, address, cost=-1)
