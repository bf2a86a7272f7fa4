"""Stray identifiers in the text that would leave: every hit stops the return.

The kept free-text columns of the shared frame (``text`` and ``body`` fields that are
kept, or kept unless they name an individual) are scanned, after redaction, with
:func:`anonymiser.scanning.scan`, for NHS numbers, National Insurance numbers, postcodes,
email addresses, phone numbers, dates and the names in the file's own name columns. Each
hit is placed at the cell the officer can find: the Excel row, and the column's letter and
header in the export.

A name hit in a supplier or provider name that the officer has listed as an organisation
(the ``organisations`` supplier list) is not a hit: "Nurture Foster Care Ltd" is a
company, whatever the family names in the file. Every other kind of hit stands.

Bare digit runs in a column of finance references (``5100123456``) that pass for NHS or
phone numbers by chance are not hits (:mod:`anonymiser.scanning.references`); what was let
through is returned, for the preview to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from anonymiser.prepare.errors import StrayIdentifiers
from anonymiser.reading import ColumnMapping
from anonymiser.scanning import ChanceMatches, scan_with_notes
from anonymiser.suppliers import SupplierLists
from schemas import ReturnSchema

SCANNED_TYPES = frozenset({"text", "body"})
NAME_FIELDS = ("given_name", "family_name")
HIT_COLUMNS = ("row", "column", "header", "field", "kind", "masked", "message")


def scanned_columns(schema: ReturnSchema, shared: pd.DataFrame) -> list[str]:
    """The kept free-text columns that are present in the shared frame."""
    return [
        field.name
        for field in schema.shared_fields
        if field.type.name in SCANNED_TYPES
        and field.policy.kind in ("keep", "redact_if_individual")
        and field.name in shared.columns
    ]


@dataclass(frozen=True)
class StrayCheck:
    """The columns scanned (no identifier found), and chance matches let through."""

    columns: tuple[str, ...]
    chance: tuple[ChanceMatches, ...]


def check_for_stray_identifiers(
    schema: ReturnSchema,
    shared: pd.DataFrame,
    raw: pd.DataFrame,
    mapping: ColumnMapping,
    suppliers: SupplierLists | None = None,
) -> StrayCheck:
    """Scan the kept text; raise :class:`StrayIdentifiers` on any hit."""
    columns = scanned_columns(schema, shared)
    names = [name for name in NAME_FIELDS if name in raw.columns]
    result = scan_with_notes(shared, columns=columns, names=raw[names] if names else None)
    found = result.hits
    if len(found) and suppliers is not None and suppliers.organisations:
        found = _without_listed_organisations(schema, shared, found, suppliers)
    if len(found):
        hits = located(found, mapping)
        raise StrayIdentifiers(
            f"{len(hits)} identifier(s) were found in text that would leave the authority "
            f"(first at {hits['column'].iloc[0]}{hits['row'].iloc[0]}). No return was made: "
            "remove them from the export and run again. A name found inside an "
            "organisation's name is not a person: list that organisation under organisations "
            "in the suppliers list.",
            hits=hits,
        )
    return StrayCheck(tuple(columns), result.chance)


def _without_listed_organisations(
    schema: ReturnSchema, shared: pd.DataFrame, found: pd.DataFrame, suppliers: SupplierLists
) -> pd.DataFrame:
    """The hits less name hits in supplier names the officer listed as organisations."""
    named = {f.name for f in schema.shared_fields if f.policy.kind == "redact_if_individual"}
    keep = []
    for row, column, kind in zip(found["row"], found["column"], found["kind"], strict=True):
        value = shared.at[row, column] if column in named and kind == "name" else None
        keep.append(value is None or _key(value) not in suppliers.organisations)
    return found[keep]


def _key(name: object) -> str:
    """A name as the supplier lists compare it: spacing evened out, case folded."""
    return " ".join(str(name).split()).casefold()


def located(found: pd.DataFrame, mapping: ColumnMapping) -> pd.DataFrame:
    """Scanner hits with the column's letter and header in the export."""
    letters = {match.field: match.letter for match in mapping.matches}
    headers = {match.field: match.header for match in mapping.matches}
    return pd.DataFrame(
        {
            "row": found["row"].astype(object),
            "column": found["column"].map(letters),
            "header": found["column"].map(headers),
            "field": found["column"],
            "kind": found["kind"],
            "masked": found["masked"],
            "message": found["message"],
        },
        columns=list(HIT_COLUMNS),
    ).reset_index(drop=True)
