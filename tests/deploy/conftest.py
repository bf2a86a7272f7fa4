"""Fixtures for the deployment tests: the hub's own (``app``, ``client``, ``hub``) reused.

The hub fixtures live in ``tests/exchange/conftest.py``; importing them here registers
them for this folder too, parametrised over SQLite and PostgreSQL as they are there.
"""

from __future__ import annotations

from tests.exchange.conftest import (  # noqa: F401 - fixtures, registered by import
    app,
    app_with,
    client,
    database_url,
    hub,
    postgres_template,
    runner,
    sqlite_template,
)
