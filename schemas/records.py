"""Single records and return envelopes as marshmallow schemas.

The fields here hold no rules of their own: each :class:`DomainField` hands its value to
the field type's one-value engine (:func:`schemas.fieldtypes.parse_value`), and the record
schema runs the view's error rules that can be checked on one record. Queries are not
raised here: they never block a record, and the frame path reports them.

The raw record schema ignores unknown keys (an export has columns the schema does not
use); the shared record schema and the envelope refuse them, since nothing beyond the
agreed shared fields may leave an authority.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import marshmallow as ma
from marshmallow import fields as ma_fields
from marshmallow import validate

from schemas.errors import SchemaError
from schemas.fields import Field, SharedField
from schemas.fieldtypes import FieldType, ParseContext, parse_value
from schemas.geography import AUTHORITIES, HISTORIC_AUTHORITIES
from schemas.period import ReturnPeriod
from schemas.rules import FrameRule, RecordRule


class DomainField(ma_fields.Field):
    """A marshmallow field that parses with a domain type's one-value engine."""

    def __init__(self, field_type: FieldType, *, context: ParseContext, **kwargs: Any) -> None:
        required = kwargs.get("required", False)
        message = "A value is required."
        kwargs.setdefault("error_messages", {"required": message, "null": message})
        if not required:
            kwargs.setdefault("load_default", None)
            kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)
        self.field_type = field_type
        self.parse_context = context

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> Any:
        outcome = parse_value(value, self.field_type, self.parse_context)
        if outcome.missing:
            if self.required:
                raise self.make_error("required")
            return None
        if outcome.failure is not None and outcome.failure.severity == "error":
            raise ma.ValidationError(f"{outcome.failure.message}. {outcome.failure.hint}")
        return outcome.value

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else self.field_type.to_json(value)


class PeriodField(ma_fields.Field):
    """A return period label, loaded as a :class:`ReturnPeriod`."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> ReturnPeriod:
        if not isinstance(value, str):
            raise ma.ValidationError("The period must be a label such as 2026-Q2.")
        try:
            return ReturnPeriod.parse(value)
        except SchemaError as error:
            raise ma.ValidationError(str(error)) from error

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else str(value)


def record_schema_class(
    name: str,
    fields: Sequence[Field | SharedField],
    rules: Sequence[FrameRule],
    *,
    unknown: str,
    context: ParseContext,
) -> type[ma.Schema]:
    """A marshmallow schema class for one record of a view."""
    attributes: dict[str, Any] = {
        field.name: DomainField(
            field.type,
            context=context,
            required=field.required,
            metadata={"description": field.description, "type": field.type.name},
        )
        for field in fields
    }
    record_rules = [rule for rule in rules if isinstance(rule, RecordRule)]
    blocking = [rule for rule in record_rules if rule.failure.severity == "error"]

    def check_rules(self: ma.Schema, data: Mapping[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        for rule in blocking:
            if rule.failing_record(data):
                message = f"{rule.failure.message}. {rule.failure.hint}"
                errors.setdefault(rule.field, []).append(message)
        if errors:
            raise ma.ValidationError(errors)

    attributes["check_rules"] = ma.validates_schema(skip_on_field_errors=True)(check_rules)
    attributes["Meta"] = type("Meta", (), {"unknown": unknown})
    return type(name, (ma.Schema,), attributes)


def envelope_schema_class(
    name: str, return_type: str, version: int, rows: type[ma.Schema]
) -> type[ma.Schema]:
    """A marshmallow schema class for a whole shared return."""
    authorities = sorted({*AUTHORITIES, *HISTORIC_AUTHORITIES})
    attributes: dict[str, Any] = {
        "return_type": ma_fields.String(required=True, validate=validate.Equal(return_type)),
        "schema_version": ma_fields.Integer(
            required=True, strict=True, validate=validate.Equal(version)
        ),
        "period": PeriodField(required=True),
        "authority": ma_fields.String(
            required=True,
            validate=validate.OneOf(authorities, error="Not an authority in the region."),
        ),
        "rows": ma_fields.List(ma_fields.Nested(rows), required=True),
        "Meta": type("Meta", (), {"unknown": ma.RAISE}),
    }
    return type(name, (ma.Schema,), attributes)
