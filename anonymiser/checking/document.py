"""The check report as one JSON document, for scripts (``anonymiser check --json``).

The document's shape is stable and pinned by a test::

    {"file", "type", "version", "period", "sheet", "header_row", "rows",
     "mapping": [{"column", "header", "field", "source"}],
     "dropped_columns": [{"column", "header", "reason"}],
     "problems": [{"row", "column", "header", "field", "value", "code",
                   "severity", "message", "hint"}],
     "summary": {"rows", "columns_mapped", "columns_dropped", "errors", "queries"},
     "notes": [...]}

An unusable file gives ``{"file", "type", "version", "error": {"message", "exit_code"}}``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from anonymiser.checking.report import CheckReport


def report_document(report: CheckReport) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "file": str(report.file),
        "type": report.return_type,
        "version": report.version,
        "period": report.period,
        "sheet": report.sheet,
        "header_row": report.header_row,
        "rows": report.rows,
        "mapping": [
            {"column": m.letter, "header": m.header, "field": m.field, "source": m.source}
            for m in report.mapping
        ],
        "dropped_columns": [
            {"column": d.letter, "header": d.header, "reason": d.reason} for d in report.dropped
        ],
        "problems": problem_records(report.problems),
        "summary": report.summary(),
        "notes": list(report.notes),
    }


def error_document(
    file: str, return_type: str, version: int | None, message: str
) -> dict[str, Any]:
    """The document for a file that could not be used at all."""
    return {
        "file": file,
        "type": return_type,
        "version": version,
        "error": {"message": message, "exit_code": 2},
    }


def problem_records(problems: pd.DataFrame) -> list[dict[str, Any]]:
    """Problems as a list of records, with missing values as ``None`` and rows as integers."""
    table = problems.rename(columns={"letter": "column"})
    table = table[
        ["row", "column", "header", "field", "value", "code", "severity", "message", "hint"]
    ]
    table = table.astype(object).where(table.notna(), None)
    records: list[dict[str, Any]] = [
        {str(key): value for key, value in record.items()}
        for record in table.to_dict(orient="records")
    ]
    for record in records:
        if record["row"] is not None:
            record["row"] = int(record["row"])
    return records
