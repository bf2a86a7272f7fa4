"""Errors raised by the agreed contracts.

    SchemaError              a contract cannot be used as asked
    ├── UnknownSchema        no schema for that return type and version
    ├── InvalidPeriod        a return period that is not YYYY-Qn, YYYY-MM or YYYY-YY
    └── SchemaDefinitionError  a schema module contradicts itself (a bug, found at import)

Messages say what was asked and what is available; they never quote a cell's value.
"""

from __future__ import annotations


class SchemaError(Exception):
    """A contract cannot be used as asked."""


class UnknownSchema(SchemaError):
    """No schema is registered for the return type and version asked for."""


class InvalidPeriod(SchemaError):
    """A return period label that cannot be read."""


class SchemaDefinitionError(SchemaError):
    """A schema module contradicts itself: duplicate fields, clashing aliases, bad policy."""
