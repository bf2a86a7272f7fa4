"""Errors of accounts, each a kind of :mod:`exchange.errors` error.

UnknownUser(NotFound)                 no user by that name
DuplicateUser(Conflict)               the username is taken
WeakPassword(InvalidRequest)          too short to be a password
LoginFailed(AuthenticationRequired)   wrong username or password (never says which)
LoginThrottled(Throttled)             too many failed logins for the account or address
TokenRejected(AuthenticationRequired) missing, malformed, unknown, expired or revoked token
UnknownToken(NotFound)                no token with that prefix
"""

from __future__ import annotations

from exchange.errors import AuthenticationRequired, Conflict, InvalidRequest, NotFound, Throttled


class UnknownUser(NotFound):
    """No user has that username."""


class DuplicateUser(Conflict):
    """The username is already taken."""


class WeakPassword(InvalidRequest):
    """The password is too short."""


class LoginFailed(AuthenticationRequired):
    """The username or password is wrong, or the account is disabled."""

    code = "login_failed"


class LoginThrottled(Throttled):
    """Too many failed logins recently; logins are refused for a while."""


class TokenRejected(AuthenticationRequired):
    """The API token is missing, malformed, unknown, expired or revoked."""

    code = "invalid_token"


class UnknownToken(NotFound):
    """No token has that prefix."""
