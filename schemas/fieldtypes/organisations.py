"""Identifiers of providers and suppliers: CQC locations, Ofsted URNs, organisation ids.

Organisation ids follow the org-id.guide scheme the transparency code recommends:
``GB-COH-`` and the 8-character Companies House number (``01234567``, ``SC123456``), or
``GB-CHC-`` and the 6-8 digit Charity Commission number. The prefix is required (a bare
number could be either register) but its case and spacing are not: ``gb coh 1234567``
becomes ``GB-COH-01234567``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from schemas.fieldtypes.base import (
    SPACE_CLASS,
    ColumnOutcome,
    Failure,
    FieldType,
    ParseContext,
    Pattern,
    Rewrite,
    TextCheck,
    ValueOutcome,
)
from schemas.fieldtypes.rulebased import RuleType
from schemas.fieldtypes.text import DASHES, TRAILING_POINT_ZERO

CQC_PATTERN = "1-[0-9]{9,11}"
CQC_LOCATION_ID = RuleType(
    "cqc_location_id",
    summary="CQC location id: 1- and 9 to 11 digits (1-123456789)",
    accepts=("1-123456789", "1 - 1234567890"),
    rewrites=(Rewrite(SPACE_CLASS + "+", ""), Rewrite(f"[{DASHES}]", "-")),
    checks=(
        TextCheck(
            Failure(
                "cqc_location_id.format",
                "The value is not a CQC location id (1- followed by 9 to 11 digits)",
                "Copy the location id from the provider's page on the CQC website.",
            ),
            Pattern(CQC_PATTERN),
        ),
    ),
    schema={"type": "string", "pattern": f"^{CQC_PATTERN}$"},
)

OFSTED_PATTERN = "SC[0-9]{6}|[0-9]{6,7}"
OFSTED_URN = RuleType(
    "ofsted_urn",
    summary="Ofsted URN: SC and 6 digits, or 6 to 7 digits",
    accepts=("SC123456", "sc 123456", "1234567"),
    upper=True,
    rewrites=(Rewrite(SPACE_CLASS + "+", ""), TRAILING_POINT_ZERO),
    checks=(
        TextCheck(
            Failure(
                "ofsted_urn.format",
                "The value is not an Ofsted URN (SC and 6 digits, or 6 to 7 digits)",
                "Copy the URN from the setting's Ofsted report.",
            ),
            Pattern(OFSTED_PATTERN),
        ),
    ),
    schema={"type": "string", "pattern": f"^(?:{OFSTED_PATTERN})$"},
)

ORG_ID_PATTERN = "GB-COH-(?:[0-9]{8}|[A-Z]{2}[0-9]{6})|GB-CHC-[0-9]{6,8}"
ORG_ID = RuleType(
    "org_id",
    summary="organisation id: GB-COH-<company number> or GB-CHC-<charity number>",
    accepts=("GB-COH-01234567", "gb-coh-SC123456", "GB COH 1234567", "GB-CHC-1234567"),
    upper=True,
    rewrites=(
        Rewrite(f"{SPACE_CLASS}|[-_{DASHES}]", ""),
        Rewrite("^GB(COH|CHC)", r"GB-\1-"),
        Rewrite("^GB-COH-([0-9]{7})$", r"GB-COH-0\1"),
        Rewrite("^GB-COH-([0-9]{6})$", r"GB-COH-00\1"),
    ),
    checks=(
        TextCheck(
            Failure(
                "org_id.format",
                "The value is not an organisation id (GB-COH- and a Companies House number, "
                "or GB-CHC- and a charity number)",
                "Write GB-COH- before a company number (GB-COH-01234567) or GB-CHC- before a "
                "charity number (GB-CHC-1234567).",
            ),
            Pattern(ORG_ID_PATTERN),
        ),
    ),
    schema={"type": "string", "pattern": f"^(?:{ORG_ID_PATTERN})$"},
)


class EitherType(FieldType):
    """A value that may be any one of several types, tried in order."""

    def __init__(self, name: str, options: tuple[FieldType, ...], failure: Failure) -> None:
        self.name = name
        self.options = options
        self.failure = failure
        self.summary = " or ".join(option.summary for option in options)
        self.accepts = tuple(form for option in options for form in option.accepts)

    @property
    def failures(self) -> tuple[Failure, ...]:
        return (self.failure,)

    def strict(self) -> FieldType:
        return EitherType(self.name, tuple(o.strict() for o in self.options), self.failure)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [option.json_schema() for option in self.options]}

    def parse_column(self, values: pa.Array, context: ParseContext) -> ColumnOutcome:
        remaining = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        parsed = np.full(len(values), None, dtype=object)
        failures: dict[Failure, np.ndarray] = {}
        for option in self.options:
            rows = np.flatnonzero(remaining)
            if rows.size == 0:
                break
            outcome = option.parse_column(values.take(pa.array(rows)), context)
            refused = np.zeros(rows.size, dtype=bool)
            for failure, mask in outcome.failures.items():
                if failure.severity == "error":
                    refused |= mask
                else:
                    failures.setdefault(failure, np.zeros(len(values), dtype=bool))[rows[mask]] = (
                        True
                    )
            parsed[rows[~refused]] = outcome.numpy_values()[~refused]
            remaining[rows[~refused]] = False
        if remaining.any():
            failures[self.failure] = remaining
        return ColumnOutcome(parsed, failures)

    def parse_one(self, value: str, context: ParseContext) -> ValueOutcome:
        for option in self.options:
            outcome = option.parse_one(value, context)
            if outcome.failure is None or outcome.failure.severity != "error":
                return outcome
        return ValueOutcome(failure=self.failure)


SUPPLIER_ID = EitherType(
    "supplier_id",
    (ORG_ID, CQC_LOCATION_ID),
    Failure(
        "supplier_id.format",
        "The value is not an organisation id (GB-COH-/GB-CHC-) or a CQC location id",
        "Write GB-COH- before a company number, GB-CHC- before a charity number, or give "
        "the CQC location id (1-123456789).",
    ),
)
