"""Every table of the hub, imported in one place so the metadata is complete.

Alembic's ``env.py`` and the schema test import this module. A new domain adds its
``models`` module here.
"""

from __future__ import annotations

from exchange.accounts.models import ApiToken, User
from exchange.audit.models import AuditCheckpoint, AuditEntry
from exchange.db import Base
from exchange.picture.models import (
    FrameworkPrice,
    PictureAuthorityView,
    PictureRelease,
    PictureState,
    PictureTable,
)
from exchange.registry.models import Authority, AuthorityKey, KeyRotation
from exchange.returns.models import RefusedUpload, Return, SharingAgreement, TrackedPeriod
from exchange.returns.rows import ROW_TABLES
from exchange.suppliers.models import (
    Supplier,
    SupplierCandidate,
    SupplierIdentifier,
    SupplierName,
)

__all__ = [
    "ROW_TABLES",
    "ApiToken",
    "AuditCheckpoint",
    "AuditEntry",
    "Authority",
    "AuthorityKey",
    "Base",
    "FrameworkPrice",
    "KeyRotation",
    "PictureAuthorityView",
    "PictureRelease",
    "PictureState",
    "PictureTable",
    "RefusedUpload",
    "Return",
    "SharingAgreement",
    "Supplier",
    "SupplierCandidate",
    "SupplierIdentifier",
    "SupplierName",
    "TrackedPeriod",
    "User",
]
