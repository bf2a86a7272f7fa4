"""Documents made from a schema: its JSON Schema (2020-12) and its policy document.

The JSON Schema describes one row of a view (and, for the shared view, the whole return
envelope). The policy document is what an information governance officer signs off: every
field, its type and what leaves; its hash (sha256 of the canonical JSON: sorted keys, no
spaces, UTF-8) is what a return quotes to say which policy it was made under.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from schemas.fields import Field, SharedField
from schemas.geography import AUTHORITIES, HISTORIC_AUTHORITIES
from schemas.policy import REDACTION_MARKER

if TYPE_CHECKING:
    from schemas.return_schema import ReturnSchema

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PERIOD_PATTERN = r"^[0-9]{4}(?:-Q[1-4]|-(?:0[1-9]|1[0-2])|[-/][0-9]{2})$"


def canonical_json(document: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8 (non-ASCII kept as is)."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(document: Any) -> str:
    """The sha256 hex digest of a document's canonical JSON."""
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _property(field: Field | SharedField, view: str) -> dict[str, Any]:
    value: dict[str, Any] = field.type.json_schema() if view == "shared" else {"type": "string"}
    schema: dict[str, Any] = dict(value) if field.required else {"anyOf": [value, {"type": "null"}]}
    schema["description"] = field.description
    schema["x-type"] = field.type.name
    schema["x-policy"] = str(field.policy)
    if isinstance(field, Field):
        schema["x-aliases"] = list(field.aliases)
        schema["x-identifier"] = field.identifier
        schema["x-shared-as"] = field.shared_name
    else:
        schema["x-from"] = list(field.sources)
    return schema


def row_json_schema(schema: ReturnSchema, view: str) -> dict[str, Any]:
    """The JSON Schema of one row of a view."""
    fields: Sequence[Field | SharedField] = schema.fields_of(view)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:regional-exchange:schema:{schema.return_type}:{schema.version}:{view}",
        "title": f"{schema.return_type} v{schema.version}, {view} view: one row",
        "description": (
            "What an authority exports (cells as text; see x-type for the accepted forms)."
            if view == "raw"
            else "What the hub receives for one row, after the disclosure policy."
        ),
        "type": "object",
        "properties": {field.name: _property(field, view) for field in fields},
        "required": [field.name for field in fields if field.required],
        "additionalProperties": view == "raw",
    }


def envelope_json_schema(schema: ReturnSchema) -> dict[str, Any]:
    """The JSON Schema of a whole shared return: the envelope and its rows."""
    row = row_json_schema(schema, "shared")
    row.pop("$schema")
    row.pop("$id")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:regional-exchange:schema:{schema.return_type}:{schema.version}:envelope",
        "title": f"{schema.return_type} v{schema.version} return",
        "type": "object",
        "properties": {
            "return_type": {"const": schema.return_type},
            "schema_version": {"const": schema.version},
            "period": {"type": "string", "pattern": PERIOD_PATTERN},
            "authority": {"enum": sorted({*AUTHORITIES, *HISTORIC_AUTHORITIES})},
            "rows": {"type": "array", "items": {"$ref": "#/$defs/row"}},
        },
        "required": ["return_type", "schema_version", "period", "authority", "rows"],
        "additionalProperties": False,
        "$defs": {"row": row},
    }


def policy_document(schema: ReturnSchema) -> dict[str, Any]:
    """The disclosure policy of a schema, as a plain JSON-ready document.

    Descriptions and header aliases are left out: they explain and help read files, but
    do not change what leaves, so rewording them does not change the policy hash.
    """
    return {
        "return_type": schema.return_type,
        "schema_version": schema.version,
        "k_threshold": schema.k_threshold,
        "quasi_identifiers": list(schema.quasi_identifiers),
        "redaction_marker": REDACTION_MARKER,
        "pseudonym_format": "v<key version>:<64 lower-case hex>",
        "fields": [
            {
                "name": field.name,
                "type": field.type.name,
                "required": field.required,
                "identifier": field.identifier,
                "policy": field.policy.to_document(),
                "shared_as": field.shared_name,
            }
            for field in schema.raw_fields
        ],
        "shared_fields": [
            {
                "name": field.name,
                "type": field.type.name,
                "required": field.required,
                "from": list(field.sources),
                "policy": field.policy.to_document(),
                **({"codes": list(field.codes)} if field.codes is not None else {}),
            }
            for field in schema.shared_fields
        ],
    }
