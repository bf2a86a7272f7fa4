"""The agreed contracts: what an authority exports, and what leaves it.

Knows nothing of Flask, HTTP or files on disk. Looked up by return type and
version with :func:`get_schema`::

    s = get_schema("placements", 1)
    result = s.validate_frame(df, "raw", rehearsal=False, period=ReturnPeriod.parse("2026-Q2"))
    result.ok, result.problems, result.parsed
"""

from __future__ import annotations

from schemas.errors import InvalidPeriod, SchemaDefinitionError, SchemaError, UnknownSchema
from schemas.fields import Field, SharedField
from schemas.fieldtypes import PSEUDONYM_PATTERN, Failure, FieldType
from schemas.period import ReturnPeriod
from schemas.policy import REDACTION_MARKER, Policy
from schemas.problems import PROBLEM_COLUMNS, FrameValidation, mask_identifier
from schemas.registry import get_schema, latest_version, list_schemas, return_types
from schemas.return_schema import ReturnSchema

__all__ = [
    "PROBLEM_COLUMNS",
    "PSEUDONYM_PATTERN",
    "REDACTION_MARKER",
    "Failure",
    "Field",
    "FieldType",
    "FrameValidation",
    "InvalidPeriod",
    "Policy",
    "ReturnPeriod",
    "ReturnSchema",
    "SchemaDefinitionError",
    "SchemaError",
    "SharedField",
    "UnknownSchema",
    "get_schema",
    "latest_version",
    "list_schemas",
    "mask_identifier",
    "return_types",
]
