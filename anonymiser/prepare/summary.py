"""The preview document of a prepared return (see :mod:`anonymiser.preview.document`).

Built from what the pipeline did: field outcomes, unknown columns dropped, supplier
decisions, risk figures and remediation log, and a sample of rows side by side (the
export's value, then what leaves). Sample values of identifier fields never appear: a
pseudonymised identifier is shown masked the way ``check`` masks it (``999•••••18``), and
every other identifier (names, address, postcode, date of birth, notes) is withheld.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from anonymiser.prepare.disclosure import FieldOutcome, SupplierDecision
from anonymiser.preview.document import PREVIEW_FORMAT
from anonymiser.reading import ColumnMapping, DroppedColumn
from anonymiser.risk import Remediation, RiskReport
from anonymiser.scanning import ChanceMatches
from keys import SignedReturn
from schemas import Field, ReturnSchema, mask_identifier

SAMPLE_ROWS = 5
WITHHELD = "(withheld)"
_LONGEST = 80


@dataclass(frozen=True)
class Source:
    """The export a return was made from, as the reader found it."""

    file: str
    kind: str
    sheet: str | None
    header_row: int
    rows: int
    mapping: ColumnMapping


@dataclass(frozen=True)
class Made:
    """Everything the preview shows, apart from the signed manifest."""

    schema: ReturnSchema
    source: Source
    rehearsal: bool
    fields: tuple[FieldOutcome, ...]
    individuals: tuple[SupplierDecision, ...]
    names_kept: int
    scanned_columns: tuple[str, ...]
    chance_matches: tuple[ChanceMatches, ...]
    queries: list[dict[str, Any]]
    risk: RiskReport
    remediation: Remediation
    sample: list[dict[str, Any]]
    timings: dict[str, float]


def preview_document(made: Made, signed: SignedReturn, return_file: str) -> dict[str, Any]:
    """The preview document of a signed return."""
    manifest = signed.manifest
    schema, mapping = made.schema, made.source.mapping
    return {
        "format": PREVIEW_FORMAT,
        "return_file": return_file,
        "manifest": manifest.to_dict(),
        "manifest_sha256": signed.manifest_hash,
        "source": {
            "file": made.source.file,
            "kind": made.source.kind,
            "sheet": made.source.sheet,
            "header_row": made.source.header_row,
            "rows": made.source.rows,
        },
        "rehearsal": made.rehearsal,
        "policy": {
            "schema": schema.return_type,
            "version": schema.version,
            "sha256": manifest.disclosure_policy_sha256,
        },
        "keys": {
            "signing_key_id": manifest.key_id,
            "pseudonym_key_version": manifest.pseudonym_key_version,
        },
        "fields": [_field_entry(outcome, mapping) for outcome in made.fields],
        "unknown_columns": [_dropped_entry(column) for column in mapping.dropped],
        "suppliers": {
            "individuals": [decision.as_dict() for decision in made.individuals],
            "names_kept": made.names_kept,
        },
        "scanned_columns": list(made.scanned_columns),
        "chance_matches": [_chance_entry(chance, mapping) for chance in made.chance_matches],
        "queries": made.queries,
        "risk": {"report": made.risk.as_dict(), "remediation": made.remediation.as_dict()},
        "sample": made.sample,
        "timings": made.timings,
    }


def _field_entry(outcome: FieldOutcome, mapping: ColumnMapping) -> dict[str, Any]:
    match = next((m for m in mapping.matches if m.field == outcome.field), None)
    return {
        "header": match.header if match else None,
        "column": match.letter if match else None,
        **outcome.as_dict(),
    }


def _chance_entry(chance: ChanceMatches, mapping: ColumnMapping) -> dict[str, Any]:
    match = next((m for m in mapping.matches if m.field == chance.column), None)
    return {
        "header": match.header if match else None,
        "column": match.letter if match else None,
        **chance.as_dict(),
    }


def _dropped_entry(column: DroppedColumn) -> dict[str, Any]:
    return {"column": column.letter, "header": column.header, "reason": column.reason}


def sample_positions(rows: int, count: int = SAMPLE_ROWS) -> np.ndarray:
    """Positions of ``count`` rows spread through the file (all of them if fewer)."""
    if rows <= count:
        return np.arange(rows)
    return np.unique(np.linspace(0, rows - 1, count).round().astype(np.int64))


def sample_rows(
    schema: ReturnSchema, raw: pd.DataFrame, shared: pd.DataFrame
) -> list[dict[str, Any]]:
    """Each sampled row: every field's value in the export (masked) beside what leaves."""
    rows = []
    for label in raw.index:
        cells = [
            {
                "field": field.name,
                "raw": shown_raw(field, raw.at[label, field.name]) if field.name in raw else "",
                "leaves_as": field.shared_name,
                "leaves": _shown(shared.at[label, field.shared_name])
                if field.shared_name
                else None,
            }
            for field in schema.raw_fields
        ]
        raw_names = {field.shared_name for field in schema.raw_fields}
        cells += [
            {
                "field": derived.name,
                "raw": "from " + ", ".join(derived.sources),
                "leaves_as": derived.name,
                "leaves": _shown(shared.at[label, derived.name]),
            }
            for derived in schema.shared_fields
            if derived.name not in raw_names
        ]
        rows.append({"row": int(label), "cells": cells})
    return rows


def shown_raw(field: Field, value: object) -> str:
    """A raw value as the preview may show it: identifiers masked or withheld."""
    text = _shown(value) or ""
    if not text or not field.identifier:
        return text
    if field.policy.kind == "pseudonymise":
        return mask_identifier(text)
    return WITHHELD


def _shown(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float):
        return f"{value:.2f}"
    text = " ".join(str(value).split())
    return text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "…"


def query_counts(problems: pd.DataFrame) -> list[dict[str, Any]]:
    """Queries found when validating, counted by code and field."""
    queries = problems[problems["severity"] == "query"]
    if queries.empty:
        return []
    counted = queries.groupby(["code", "field"], dropna=False).size().reset_index(name="n")
    records = counted.astype(object).to_dict(orient="records")
    return [
        {
            "code": str(record["code"]),
            "field": None if pd.isna(record["field"]) else str(record["field"]),
            "count": int(record["n"]),
        }
        for record in records
    ]
