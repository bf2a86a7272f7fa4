"""Every table of the hub, imported in one place so the metadata is complete.

Alembic's ``env.py`` and the schema test import this module. A new domain adds its
``models`` module here.
"""

from __future__ import annotations

from exchange.accounts.models import ApiToken, User
from exchange.audit.models import AuditCheckpoint, AuditEntry
from exchange.db import Base
from exchange.registry.models import Authority, AuthorityKey, KeyRotation
from exchange.returns.models import RefusedUpload, Return, SharingAgreement, TrackedPeriod
from exchange.returns.rows import ROW_TABLES

__all__ = [
    "ROW_TABLES",
    "ApiToken",
    "AuditCheckpoint",
    "AuditEntry",
    "Authority",
    "AuthorityKey",
    "Base",
    "KeyRotation",
    "RefusedUpload",
    "Return",
    "SharingAgreement",
    "TrackedPeriod",
    "User",
]
