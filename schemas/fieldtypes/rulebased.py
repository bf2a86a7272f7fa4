"""Field types whose whole rule is declared as data: most identifiers, money and numbers.

A :class:`RuleType` is read in this order, by both engines:

1. upper-case ASCII letters (optional);
2. ``rewrites`` — Excel-damage repairs and normalisation (strip spaces, a trailing ``.0``);
3. ``checks`` — patterns on the normalised text; the first that fails settles the value;
4. ``finish`` — rewrites into the canonical written form (``DE223AB`` -> ``DE22 3AB``);
5. conversion to the parsed kind (text or float);
6. ``value_checks`` — functions over converted values (check digits, signs, bounds).

An error empties the parsed value; a query keeps it. A type may name a ``canonical``
pattern: values already in that form pass steps 1-4 unchanged, so the column engine skips
those steps for them (the one-value engine always runs every step, and the property tests
hold the two to the same answers, which is what keeps a canonical pattern honest).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemas.fieldtypes.base import (
    ColumnOutcome,
    Failure,
    FieldType,
    ParseContext,
    ParsedKind,
    Pattern,
    Rewrite,
    TextCheck,
    ValueCheck,
    ValueOutcome,
    ascii_upper,
)


class RuleType(FieldType):
    """A field type defined by rewrites, text checks, a conversion and value checks."""

    def __init__(
        self,
        name: str,
        *,
        summary: str,
        accepts: tuple[str, ...] = (),
        upper: bool = False,
        rewrites: tuple[Rewrite, ...] = (),
        checks: tuple[TextCheck, ...] = (),
        finish: tuple[Rewrite, ...] = (),
        value_checks: tuple[ValueCheck, ...] = (),
        canonical: Pattern | None = None,
        parsed_kind: ParsedKind = "string",
        schema: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.summary = summary
        self.accepts = accepts
        self.upper = upper
        self.rewrites = rewrites
        self.checks = checks
        self.finish = finish
        self.value_checks = value_checks
        self.canonical = canonical
        self.parsed_kind = parsed_kind
        self._schema = schema or {"type": "string"}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    @property
    def failures(self) -> tuple[Failure, ...]:
        return tuple(c.failure for c in self.checks) + tuple(c.failure for c in self.value_checks)

    def json_schema(self) -> dict[str, Any]:
        return dict(self._schema)

    # -- the column engine -------------------------------------------------------------
    def parse_column(self, values: pa.Array, context: ParseContext) -> ColumnOutcome:
        n = len(values)
        present = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        todo = present & ~self.canonical.column(values) if self.canonical else present
        failures: dict[Failure, np.ndarray] = {}
        settled, errors = ~present, np.zeros(n, dtype=bool)
        text = values
        if todo.any():
            rows = np.flatnonzero(todo)
            whole = rows.size == n
            found, text_failures = self._text_stage(values if whole else values.take(rows))
            text = found if whole else pc.replace_with_mask(values, pa.array(todo), found)
            for failure, mask in text_failures.items():
                failing = np.zeros(n, dtype=bool)
                failing[rows[mask]] = True
                settled, errors = _record(failures, failure, failing, settled, errors)
        converted = self._convert_column(_emptied(text, errors))
        candidates = np.flatnonzero(~settled)
        for value_check in self.value_checks:
            if candidates.size == 0:
                break
            hit = value_check.fails(converted.take(pa.array(candidates)), context)
            failing = np.zeros(n, dtype=bool)
            failing[candidates[hit]] = True
            settled, errors = _record(failures, value_check.failure, failing, settled, errors)
            candidates = candidates[~hit]
        converted = _emptied(converted, errors)
        if self.parsed_kind == "float":
            return ColumnOutcome(
                np.array(converted.to_numpy(zero_copy_only=False), dtype=float), failures
            )
        return ColumnOutcome(converted, failures)

    def _text_stage(self, values: pa.Array) -> tuple[pa.Array, dict[Failure, np.ndarray]]:
        """Upper-case, rewrite, check and finish; masks of the rows each check settles."""
        text = pc.ascii_upper(values) if self.upper else values
        for rewrite in self.rewrites:
            text = rewrite.column(text)
        failures: dict[Failure, np.ndarray] = {}
        settled = np.zeros(len(values), dtype=bool)
        for check in self.checks:
            matched = check.pattern.column(text)
            failing = ~settled & (matched if check.fails_on_match else ~matched)
            if failing.any():
                failures[check.failure] = failing
                settled |= failing
        for rewrite in self.finish:
            text = rewrite.column(text)
        return text, failures

    def _convert_column(self, text: pa.Array) -> pa.Array:
        if self.parsed_kind == "float":
            return pc.cast(text, pa.float64())
        return text

    # -- the single-value engine -------------------------------------------------------
    def parse_one(self, value: str, context: ParseContext) -> ValueOutcome:
        text = ascii_upper(value) if self.upper else value
        for rewrite in self.rewrites:
            text = rewrite.one(text)
        query: Failure | None = None
        for check in self.checks:
            if check.pattern.one(text) == check.fails_on_match:
                if check.failure.severity == "error":
                    return ValueOutcome(failure=check.failure)
                query = check.failure
                break
        for rewrite in self.finish:
            text = rewrite.one(text)
        converted: Any = float(text) if self.parsed_kind == "float" else text
        if query is None:
            as_array = pa.array([converted])
            for value_check in self.value_checks:
                if bool(value_check.fails(as_array, context)[0]):
                    if value_check.failure.severity == "error":
                        return ValueOutcome(failure=value_check.failure)
                    return ValueOutcome(value=converted, failure=value_check.failure)
        return ValueOutcome(value=converted, failure=query)


def _emptied(values: pa.Array, rows: np.ndarray) -> pa.Array:
    """``values`` with the given rows made null."""
    return pc.if_else(pa.array(~rows), values, None) if rows.any() else values


def _record(
    failures: dict[Failure, np.ndarray],
    failure: Failure,
    failing: np.ndarray,
    settled: np.ndarray,
    errors: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Note a failure's rows; they are settled, and emptied if it is an error."""
    if failing.any():
        failures[failure] = failing
        settled = settled | failing
        if failure.severity == "error":
            errors = errors | failing
    return settled, errors
