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
import pyarrow as pa

from anonymiser.suppliers import SupplierLists, classify
from keys import PendingPseudonyms, Pseudonymiser, WorkerPool
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
    with WorkerPool(pseudonymiser.workers if pseudonymiser else 0) as pool:
        return start_pseudonyms(schema, parsed, pseudonymiser, pool).result()


def start_pseudonyms(
    schema: ReturnSchema,
    parsed: pd.DataFrame,
    pseudonymiser: Pseudonymiser | None,
    pool: WorkerPool,
) -> PendingPseudonyms:
    """Start the ``<field>_pseudonym`` columns in ``pool``'s workers (see
    :meth:`keys.Pseudonymiser.start_many`): this process goes on meanwhile."""
    fields = _with_policy(schema, "pseudonymise")
    if fields and pseudonymiser is None:
        raise ValueError("a schema with pseudonymised fields needs a pseudonymiser")
    batches = {
        str(field.shared_name): (str(field.policy.domain), parsed[field.name]) for field in fields
    }
    if pseudonymiser is None:
        return PendingPseudonyms([], None, [])
    return pseudonymiser.start_many(batches, pool)


class EarlyPseudonyms:
    """Pseudonyms started as validation parses each identifier column (``on_parsed``), so
    the workers hash while the rest of the file is still being checked. Nothing of them
    is used unless the validation passes."""

    def __init__(
        self,
        schema: ReturnSchema,
        index: pd.Index,
        pseudonymiser: Pseudonymiser | None,
        pool: WorkerPool,
    ) -> None:
        self._fields = {field.name: field for field in _with_policy(schema, "pseudonymise")}
        if self._fields and pseudonymiser is None:
            raise ValueError("a schema with pseudonymised fields needs a pseudonymiser")
        self._index, self._pseudonymiser, self._pool = index, pseudonymiser, pool
        self._pending: list[PendingPseudonyms] = []

    def parsed(self, name: str, values: Any) -> None:
        """Validation parsed column ``name``: start it if it is pseudonymised."""
        field = self._fields.get(name)
        if field is None or self._pseudonymiser is None:
            return
        column = pd.Series(values, index=self._index, name=name, copy=False)
        batch = {str(field.shared_name): (str(field.policy.domain), column)}
        self._pending.append(self._pseudonymiser.start_many(batch, self._pool))

    def result(self) -> Columns:
        """Every pseudonymised column (waiting for the workers as needed), as Arrow text."""
        columns: Columns = {}
        for pending in self._pending:
            for name, values in pending.arrow_result().items():
                text = pd.arrays.ArrowExtensionArray(values.cast(pa.string()))
                columns[name] = pd.Series(text, index=self._index, name=name, copy=False)
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
    """The shared frame, in the schema's shared field order (fields not in ``columns``,
    such as pseudonyms still being computed, are left out until :func:`with_columns`)."""
    order = [field.name for field in schema.shared_fields if field.name in columns]
    return pd.DataFrame({name: columns[name] for name in order}, index=index, copy=False)


def with_columns(schema: ReturnSchema, shared: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """``shared`` with ``columns`` added, each aligned on its rows, in schema order."""
    added = {
        name: values if values.index.equals(shared.index) else values.reindex(shared.index)
        for name, values in columns.items()
    }
    every = {name: shared[name] for name in shared.columns} | added
    order = [field.name for field in schema.shared_fields if field.name in every]
    return pd.DataFrame({name: every[name] for name in order}, index=shared.index, copy=False)


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
        SupplierDecision(name, str(person), str(reason), int(rows))
        for person, reason, rows in zip(
            grouped.index, grouped["reason"], grouped["rows"], strict=True
        )
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
