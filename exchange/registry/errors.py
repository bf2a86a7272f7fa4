"""Errors of the registry, each a kind of :mod:`exchange.errors` error.

UnknownAuthority(NotFound)       no authority with that ONS code
DuplicateAuthority(Conflict)     the code is already registered
UnknownKey(NotFound)             no registered key with that key id
DuplicateKey(Conflict)           the key is already registered
KeyRefused(InvalidRequest)       not a usable public key, or a rotation statement refused
"""

from __future__ import annotations

from exchange.errors import Conflict, InvalidRequest, NotFound


class UnknownAuthority(NotFound):
    """No authority has that ONS code."""


class DuplicateAuthority(Conflict):
    """An authority with that ONS code is already registered."""


class UnknownKey(NotFound):
    """No registered key has that key id."""


class DuplicateKey(Conflict):
    """That public key is already registered."""


class KeyRefused(InvalidRequest):
    """The public key or the rotation statement cannot be accepted."""

    code = "key_refused"
