"""A return schema: one return type at one version, in its raw and shared views.

Declared in one module per return type and version (``schemas/placements_v1.py``), it
holds the raw fields with their types and policies, derives the shared fields from the
policies, and offers everything the anonymiser and the hub need: header matching,
frame validation, marshmallow schemas, JSON Schema and the policy document with its hash.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, Literal

import marshmallow as ma
import pandas as pd

from schemas import documents
from schemas.errors import SchemaDefinitionError, SchemaError
from schemas.fields import Field, SharedField, header_key
from schemas.fieldtypes import PSEUDONYM, ParseContext
from schemas.generalise import RULES
from schemas.hierarchies import widened_type
from schemas.period import ReturnPeriod
from schemas.policy import REDACTION_MARKER
from schemas.problems import FrameValidation
from schemas.records import envelope_schema_class, record_schema_class
from schemas.rules import FrameRule
from schemas.validation import validate_frame

View = Literal["raw", "shared"]
VIEWS: tuple[View, ...] = ("raw", "shared")


class ReturnSchema:
    """An agreed return contract: see the module docstring."""

    def __init__(
        self,
        *,
        return_type: str,
        version: int,
        description: str,
        fields: Sequence[Field],
        derived: Sequence[SharedField] = (),
        rules: Sequence[FrameRule] = (),
        shared_rules: Sequence[FrameRule] = (),
        quasi_identifiers: Sequence[str] = (),
        k_threshold: int = 5,
    ) -> None:
        self.return_type = return_type
        self.version = version
        self.description = description
        self.k_threshold = k_threshold
        self.quasi_identifiers = tuple(quasi_identifiers)
        self.raw_fields = tuple(fields)
        self.shared_fields = _with_risk_levels(
            [_shared(field) for field in fields if field.policy.leaves] + list(derived),
            self.quasi_identifiers,
        )
        self.rules = tuple(rules)
        self.shared_rules = tuple(shared_rules)
        self._headers = _header_table(self.raw_fields)
        _check_definition(self)

    def __repr__(self) -> str:
        return f"<ReturnSchema {self.return_type} v{self.version}>"

    # -- fields -----------------------------------------------------------------------
    def field(self, name: str) -> Field:
        """The raw field called ``name``."""
        for field in self.raw_fields:
            if field.name == name:
                return field
        raise SchemaError(f"{self.return_type} v{self.version} has no raw field {name!r}")

    def shared_field(self, name: str) -> SharedField:
        """The shared field called ``name``."""
        for field in self.shared_fields:
            if field.name == name:
                return field
        raise SchemaError(f"{self.return_type} v{self.version} has no shared field {name!r}")

    def fields_of(self, view: str) -> tuple[Field, ...] | tuple[SharedField, ...]:
        """The fields of a view, in order."""
        if view == "raw":
            return self.raw_fields
        if view == "shared":
            return self.shared_fields
        raise SchemaError(f"Unknown view {view!r}: use 'raw' or 'shared'")

    def match_header(self, header: str) -> str | None:
        """The raw field a column header names (``"NHS No."`` -> ``"nhs_number"``)."""
        return self._headers.get(header_key(header))

    # -- validation -------------------------------------------------------------------
    def validate_frame(
        self,
        df: pd.DataFrame,
        view: View = "raw",
        *,
        rehearsal: bool = False,
        period: ReturnPeriod | None = None,
        on_parsed: Callable[[str, Any], None] | None = None,
    ) -> FrameValidation:
        """Parse and check a frame of text cells; see :mod:`schemas.validation`."""
        rules = self.rules if view == "raw" else self.shared_rules
        return validate_frame(
            df,
            self.fields_of(view),
            rules,
            view=view,
            rehearsal=rehearsal,
            period=period,
            on_parsed=on_parsed,
        )

    def generalise(self, parsed: pd.DataFrame, *, period: ReturnPeriod | None) -> pd.DataFrame:
        """Every generalised shared field, made from a parsed raw frame."""
        columns = {
            field.name: RULES[str(field.policy.rule)].apply(parsed, field.sources, period)
            for field in self.shared_fields
            if field.policy.kind == "generalise"
        }
        return pd.DataFrame(columns, index=parsed.index)

    # -- marshmallow ------------------------------------------------------------------
    def record_schema(self, view: View = "raw", *, rehearsal: bool = False) -> ma.Schema:
        """A marshmallow schema for one record of a view (same rules as the frame path)."""
        return _record_class(self, view, rehearsal)()

    def envelope_schema(self) -> ma.Schema:
        """A marshmallow schema for a shared return: return_type, schema_version, period,
        authority and rows."""
        return _envelope_class(self)()

    # -- documents --------------------------------------------------------------------
    def json_schema(self, view: View = "shared") -> dict[str, Any]:
        """The JSON Schema (2020-12) of one row of a view."""
        return documents.row_json_schema(self, view)

    def envelope_json_schema(self) -> dict[str, Any]:
        """The JSON Schema (2020-12) of a whole shared return."""
        return documents.envelope_json_schema(self)

    def policy_document(self) -> dict[str, Any]:
        """The disclosure policy, as a JSON-ready document."""
        return documents.policy_document(self)

    def policy_hash(self) -> str:
        """sha256 hex of the policy document's canonical JSON."""
        return documents.sha256_hex(self.policy_document())


@cache
def _record_class(schema: ReturnSchema, view: View, rehearsal: bool) -> type[ma.Schema]:
    name = f"{schema.return_type.title().replace('_', '')}V{schema.version}{view.title()}Record"
    return record_schema_class(
        name,
        schema.fields_of(view),
        schema.rules if view == "raw" else schema.shared_rules,
        unknown=ma.EXCLUDE if view == "raw" else ma.RAISE,
        context=ParseContext(rehearsal=rehearsal),
    )


@cache
def _envelope_class(schema: ReturnSchema) -> type[ma.Schema]:
    name = f"{schema.return_type.title().replace('_', '')}V{schema.version}Return"
    rows = _record_class(schema, "shared", False)
    return envelope_schema_class(name, schema.return_type, schema.version, rows)


def _shared(field: Field) -> SharedField:
    """The shared field a raw field's policy makes."""
    policy, name = field.policy, field.shared_name
    if policy.kind == "pseudonymise":
        description = f"Keyed pseudonym of {field.name} (domain {policy.domain})."
        return SharedField(str(name), PSEUDONYM, field.required, policy, (field.name,), description)
    if policy.kind == "generalise":
        rule = RULES[str(policy.rule)]
        description = f"{rule.summary[:1].upper()}{rule.summary[1:]}, from {field.name}."
        return SharedField(
            str(name), rule.output, field.required, policy, (field.name,), description
        )
    description = field.description
    if policy.kind == "redact_if_individual":
        description += f" Replaced by {REDACTION_MARKER!r} when it names a private individual."
    return SharedField(
        field.name, field.type.strict(), field.required, policy, (field.name,), description
    )


def _with_risk_levels(
    fields: Sequence[SharedField], quasi_identifiers: Sequence[str]
) -> tuple[SharedField, ...]:
    """Shared fields, with each quasi-identifier open to the risk check's remediation.

    The anonymiser may generalise a quasi-identifier further up its hierarchy, or
    suppress it (leave it empty), before it signs; the shared view accepts both.
    """
    return tuple(
        dataclasses.replace(field, type=widened_type(field.name, field.type), required=False)
        if field.name in quasi_identifiers
        else field
        for field in fields
    )


def _header_table(fields: Sequence[Field]) -> dict[str, str]:
    table: dict[str, str] = {}
    for field in fields:
        for header in (field.name, *field.aliases):
            key = header_key(header)
            if table.setdefault(key, field.name) != field.name:
                raise SchemaDefinitionError(
                    f"The header {header!r} would be read as both {table[key]} and {field.name}"
                )
    return table


def _check_definition(schema: ReturnSchema) -> None:
    """Refuse a schema module that contradicts itself (caught when it is imported)."""
    for view in VIEWS:
        names = [field.name for field in schema.fields_of(view)]
        if len(names) != len(set(names)):
            raise SchemaDefinitionError(f"{schema!r}: a {view} field name is repeated")
    for field in schema.raw_fields:
        policy = field.policy
        if policy.kind == "pseudonymise" and not policy.domain:
            raise SchemaDefinitionError(f"{schema!r}: {field.name} needs a pseudonym domain")
        if policy.kind == "generalise" and (policy.rule not in RULES or not field.generalised_as):
            raise SchemaDefinitionError(f"{schema!r}: {field.name} needs a known rule and a name")
    shared = {field.name for field in schema.shared_fields}
    raw = {field.name for field in schema.raw_fields}
    missing = [q for q in schema.quasi_identifiers if q not in shared]
    missing += [r.field for r in schema.rules if r.field not in raw]
    missing += [r.field for r in schema.shared_rules if r.field not in shared]
    if missing:
        raise SchemaDefinitionError(f"{schema!r}: unknown fields named: {', '.join(missing)}")
