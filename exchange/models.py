"""Every table of the hub, imported in one place so the metadata is complete.

Alembic's ``env.py`` and the schema test import this module. A new domain adds its
``models`` module here.
"""

from __future__ import annotations

from exchange.accounts.models import ApiToken, User
from exchange.audit.models import AuditCheckpoint, AuditEntry
from exchange.db import Base
from exchange.registry.models import Authority, AuthorityKey, KeyRotation

__all__ = [
    "ApiToken",
    "AuditCheckpoint",
    "AuditEntry",
    "Authority",
    "AuthorityKey",
    "Base",
    "KeyRotation",
    "User",
]
