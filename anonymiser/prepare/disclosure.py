"""Apply each field's disclosure policy: from the parsed raw frame to the shared frame.

Every step is a whole-column operation (the pseudonymiser computes each distinct value
once; generalisation rules are vectorised; suppliers are classified by distinct name):

* ``drop`` — the field is not carried over;
* ``pseudonymise(domain)`` — the regional key's pseudonym of the schema-normalised value
  (the keys package normalises again, so every Excel-damaged form meets one pseudonym);
* ``generalise(rule)`` — ``ReturnSchema.generalise`` (age band, district, month, weekly cost);
* ``redact_if_individual`` — the name, or :data:`schemas.REDACTION_MARKER` when the
  suppliers classifier says it names a private individual;
* ``keep`` — the parsed, normalised value.

The outcome records, per field, what happened and how many values it touched, and every
distinct supplier name decided to be an individual, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from anonymiser.suppliers import SupplierLists, classify
from keys import Pseudonymiser
from schemas import REDACTION_MARKER, Field, ReturnPeriod, ReturnSchema, SharedField

ACTIONS = {
    "drop": "dropped",
    "pseudonymise": "pseudonymised",
    "generalise": "generalised",
    "redact_if_individual": "redacted if an individual",
    "keep": "kept",
}


@dataclass(frozen=True)
class FieldOutcome:
    """What happened to one field: its policy, and how many values came in and left."""

    field: str
    policy: str
    action: str
    leaves_as: str | None
    in_file: bool
    values_in: int
    values_out: int
    redacted: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class SupplierDecision:
    """A distinct supplier or provider name decided to be a private individual."""

    field: str
    name: str
    reason: str
    rows: int

    def as_dict(self) -> dict[str, Any]:
        """The decision as JSON-ready data."""
        return asdict(self)


Columns = dict[str, pd.Series]


def pseudonymised_columns(
    schema: ReturnSchema, parsed: pd.DataFrame, pseudonymiser: Pseudonymiser | None
) -> Columns:
    """``<field>_pseudonym`` for every pseudonymised field."""
    columns: Columns = {}
    for field in _with_policy(schema, "pseudonymise"):
        if pseudonymiser is None:
            raise ValueError("a schema with pseudonymised fields needs a pseudonymiser")
        values = pseudonymiser.pseudonymise_many(str(field.policy.domain), parsed[field.name])
        columns[str(field.shared_name)] = values
    return columns


def generalised_columns(
    schema: ReturnSchema, parsed: pd.DataFrame, period: ReturnPeriod
) -> Columns:
    """Every generalised shared field (age band, district, months, weekly cost)."""
    generalised = schema.generalise(parsed, period=period)
    return {name: generalised[name] for name in generalised.columns}


def redacted_columns(
    schema: ReturnSchema, parsed: pd.DataFrame, suppliers: SupplierLists | None
) -> tuple[Columns, list[SupplierDecision], int]:
    """Supplier and provider names with individuals redacted; the decisions; names kept."""
    columns: Columns = {}
    decisions: list[SupplierDecision] = []
    names_kept = 0
    for field in _with_policy(schema, "redact_if_individual"):
        columns[field.name], found, kept = _redacted(field.name, parsed[field.name], suppliers)
        decisions.extend(found)
        names_kept += kept
    return columns, decisions, names_kept


def kept_columns(schema: ReturnSchema, parsed: pd.DataFrame) -> Columns:
    """Every kept field, parsed and normalised."""
    return {field.name: parsed[field.name] for field in _with_policy(schema, "keep")}


def shared_frame(schema: ReturnSchema, columns: Columns, index: pd.Index) -> pd.DataFrame:
    """The shared frame, in the schema's shared field order."""
    order = [field.name for field in schema.shared_fields]
    return pd.DataFrame({name: columns[name] for name in order}, index=index, copy=False)


def values_in(schema: ReturnSchema, parsed: pd.DataFrame) -> dict[str, int]:
    """How many values each raw field holds (a derived field: its first source)."""
    counts = {field.name: _count(parsed[field.name]) for field in schema.raw_fields}
    for derived in _derived(schema):
        counts[derived.name] = counts[derived.sources[0]]
    return counts


def _with_policy(schema: ReturnSchema, kind: str) -> list[Field]:
    return [field for field in schema.raw_fields if field.policy.kind == kind]


def _redacted(
    name: str, values: pd.Series, suppliers: SupplierLists | None
) -> tuple[pd.Series, list[SupplierDecision], int]:
    """The column with individuals' names replaced, the decisions, and names kept."""
    filled = values.notna()
    verdict = classify(values, lists=suppliers)
    individual = verdict["is_individual"].to_numpy(dtype=bool) & filled.to_numpy()
    redacted = values.mask(individual, REDACTION_MARKER)
    chosen = pd.DataFrame({"name": values[individual], "reason": verdict["reason"][individual]})
    grouped = chosen.groupby("name", sort=True).agg(
        reason=("reason", "first"), rows=("reason", "size")
    )
    decisions = [
        SupplierDecision(name, str(person), str(row.reason), int(row.rows))
        for person, row in grouped.iterrows()
    ]
    kept = int(values[filled.to_numpy() & ~individual].nunique())
    return redacted, decisions, kept


def field_outcomes(
    schema: ReturnSchema,
    counts_in: Mapping[str, int],
    counts_out: Mapping[str, int],
    present: set[str],
    decisions: Sequence[SupplierDecision],
) -> tuple[FieldOutcome, ...]:
    """What happened to every raw field and every derived field; ``counts_out`` are the
    filled cells of each shared column as written."""
    outcomes = []
    for field in schema.raw_fields:
        out = field.shared_name
        outcomes.append(
            FieldOutcome(
                field=field.name,
                policy=str(field.policy),
                action=ACTIONS[field.policy.kind],
                leaves_as=out,
                in_file=field.name in present,
                values_in=counts_in[field.name],
                values_out=counts_out[out] if out else 0,
                redacted=sum(d.rows for d in decisions if d.field == field.name),
            )
        )
    for derived in _derived(schema):
        outcomes.append(
            FieldOutcome(
                field=derived.name,
                policy=str(derived.policy),
                action="derived",
                leaves_as=derived.name,
                in_file=all(source in present for source in derived.sources),
                values_in=counts_in[derived.name],
                values_out=counts_out[derived.name],
            )
        )
    return tuple(outcomes)


def _derived(schema: ReturnSchema) -> list[SharedField]:
    """Shared fields made from several raw fields (weekly cost)."""
    raw_names = {field.shared_name for field in schema.raw_fields}
    return [field for field in schema.shared_fields if field.name not in raw_names]


def _count(values: pd.Series) -> int:
    return int(np.count_nonzero(values.notna().to_numpy()))
