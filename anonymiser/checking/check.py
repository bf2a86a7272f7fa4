"""Check one export against its agreed schema: read it, validate it, point every problem at a cell.

:func:`check_return` reads the file (:mod:`anonymiser.reading`), validates its
rows with the schema's vectorised rules, adds a query for every supplier or
provider who looks like a private individual (their name is redacted before
the return leaves), and places each problem at its Excel row and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from anonymiser.checking.report import ERROR, PROBLEM_COLUMNS, QUERY, CheckReport
from anonymiser.reading import ReadLimits, ReturnFile, read_return
from anonymiser.suppliers import SupplierLists, classify
from schemas import ReturnPeriod, ReturnSchema, get_schema, return_types

INDIVIDUAL = "supplier.private_individual"
OVERFLOW = "row.extra_cells"
INDIVIDUAL_MESSAGE = (
    "{who} looks like a private individual; their name will be redacted before the return leaves"
)
INDIVIDUAL_HINT = (
    "Nothing to fix if this is a person ({reason}). If it is an organisation, list it under "
    "organisations in a --suppliers file to keep its name."
)


@dataclass(frozen=True)
class CheckOptions:
    """How a file is checked, beyond its return type."""

    period: ReturnPeriod | None = None
    mapping_file: Path | None = None
    rehearsal: bool = False
    limits: ReadLimits | None = None
    supplier_lists: SupplierLists | None = None


def check_return(
    path: Path, schema: ReturnSchema, options: CheckOptions | None = None
) -> CheckReport:
    """Read and validate ``path`` as a return of ``schema``; unusable files raise UnusableInput."""
    options = options or CheckOptions()
    read = read_return(
        path,
        schema,
        mapping_file=options.mapping_file,
        limits=options.limits,
        alternatives=_other_types(schema),
    )
    validation = schema.validate_frame(
        read.frame, "raw", rehearsal=options.rehearsal, period=options.period
    )
    parts = [
        validation.problems,
        _individual_queries(read, schema, options.supplier_lists),
        _overflow_errors(read),
    ]
    return CheckReport(
        file=path,
        return_type=schema.return_type,
        version=schema.version,
        period=options.period.label if options.period else None,
        rows=len(read.frame),
        header_row=read.header_row,
        mapping=read.mapping.matches,
        dropped=read.mapping.dropped,
        problems=_located(parts, read),
        sheet=read.sheet,
        notes=read.notes,
    )


def _other_types(schema: ReturnSchema) -> tuple[ReturnSchema, ...]:
    """The latest version of every other return type, to recognise a file of the wrong type."""
    return tuple(get_schema(kind) for kind in return_types() if kind != schema.return_type)


def _individual_queries(
    read: ReturnFile, schema: ReturnSchema, lists: SupplierLists | None
) -> pd.DataFrame:
    """A query for each row whose supplier or provider looks like a private individual."""
    parts = []
    for field in schema.raw_fields:
        if field.policy.kind == "redact_if_individual" and field.name in read.frame.columns:
            parts.append(_individuals_in(read.frame[field.name], field.name, lists))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _individuals_in(names: pd.Series, field: str, lists: SupplierLists | None) -> pd.DataFrame:
    verdict = classify(names, lists=lists)
    flagged = verdict["is_individual"].to_numpy(dtype=bool)
    reasons = verdict["reason"].to_numpy(dtype=object)[flagged]
    return pd.DataFrame(
        {
            "row": names.index[flagged].astype(object),
            "field": field,
            "value": names.to_numpy()[flagged],
            "code": INDIVIDUAL,
            "severity": QUERY,
            "message": INDIVIDUAL_MESSAGE.format(who=field.split("_")[0]),
            "hint": [INDIVIDUAL_HINT.format(reason=reason) for reason in reasons],
        }
    )


def _overflow_errors(read: ReturnFile) -> pd.DataFrame:
    """An error for each row holding values to the right of the last column header."""
    if not read.overflow_rows:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "row": list(read.overflow_rows),
            "field": None,
            "value": None,
            "code": OVERFLOW,
            "severity": ERROR,
            "message": "the row has more cells than the header has columns",
            "hint": "A value probably holds an unquoted comma, which shifts the cells after it: "
            "quote that value, or remove the stray cells, and export again.",
        }
    )


def _located(parts: list[pd.DataFrame], read: ReturnFile) -> pd.DataFrame:
    """All problems with each field's column letter and header, in row then column order."""
    parts = [part for part in parts if not part.empty]
    if not parts:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in PROBLEM_COLUMNS})
    table = pd.concat(parts, ignore_index=True)
    matches = read.mapping.matches
    field = table["field"]
    table["letter"] = field.map({match.field: match.letter for match in matches})
    table["header"] = field.map({match.field: match.header for match in matches})
    position = field.map({match.field: match.position for match in matches}).fillna(-1)
    row = pd.to_numeric(table["row"], errors="coerce").fillna(-1).to_numpy()
    order = np.lexsort((position.to_numpy(), row))
    table = table.iloc[order].reset_index(drop=True)
    table["row"] = pd.array(pd.to_numeric(table["row"], errors="coerce"), dtype="Int64")
    return table.loc[:, list(PROBLEM_COLUMNS)]
