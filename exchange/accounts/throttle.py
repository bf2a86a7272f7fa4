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
        """Take one of the account's attempts before the password is checked; whether allowed.

        Counting first, in one atomic step of the storage, is what stops concurrent
        guesses from all passing a check made before any of them is counted. A good
        login gives the attempt back (:meth:`succeeded` clears the account's count).
        The address is only tested here and counted on failure, so an office's
        successful logins never use up its address's allowance.
        """
        if not self._limiter.test(self._address, self._namespace, ADDRESS, address):
            return False
        return self._limiter.hit(self._account, self._namespace, ACCOUNT, account)

    def failed(self, *, address: str) -> None:
        """Count one failed login against the address (the account's was taken already)."""
        self._limiter.hit(self._address, self._namespace, ADDRESS, address)

    def succeeded(self, *, account: str) -> None:
        """Forget the account's failures after a good login (the address keeps its count)."""
        self._limiter.clear(self._account, self._namespace, ACCOUNT, account)
