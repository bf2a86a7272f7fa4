"""Decide whether a file fits the return type it is checked as.

A file fits when a header row is found and every required field has a column.
When it does not, the message says which columns are missing and which header
names are accepted for them, or, when the header matches another return type
much better, that the file looks like that other type.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from anonymiser.errors import UnusableInput
from anonymiser.reading.header import FieldLike, HeaderRow, HeaderVocabulary, best_score
from anonymiser.reading.mapping import ColumnMapping

_SHOWN_ALIASES = 5


def require_rows(path: Path, head_rows: Sequence[Sequence[str]]) -> None:
    """Refuse a file (or workbook) whose opening holds no values at all."""
    if not any(cell.strip() for row in head_rows for cell in row):
        raise UnusableInput(
            f"{path.name} has no data (no values in its first rows): export it again."
        )


def require_data_below(path: Path, head_rows: Sequence[Sequence[str]], header: HeaderRow) -> None:
    """Refuse a file whose rows, all read, hold nothing below the header."""
    below = head_rows[header.index + 1 :]
    if not any(cell.strip() for row in below for cell in row):
        raise UnusableInput(headers_only(path, header))


def headers_only(path: Path, header: HeaderRow) -> str:
    """The message for a file with a header and nothing below it."""
    return (
        f"{path.name} has column headers (row {header.excel_row}) but no rows of data below "
        "them: export it again with the data."
    )


def require_header(
    path: Path,
    header: HeaderRow | None,
    head_rows: Sequence[Sequence[str]],
    vocabulary: HeaderVocabulary,
    alternatives: Sequence[HeaderVocabulary],
) -> HeaderRow:
    """The header row, or refuse the file saying what kind of file it seems to be."""
    if header is not None:
        return header
    _refuse_if_other_type(path, head_rows, 0, vocabulary, alternatives)
    fields = [field for field in vocabulary.raw_fields if field.required]
    raise UnusableInput(
        f"{path.name} has no row of {vocabulary.return_type} column names in its first "
        f"{len(head_rows)} rows: the header row should name columns such as "
        f"{_examples(fields)}. Name your columns so, or map them with --map MAPPING.toml."
    )


def require_fields(
    path: Path,
    header: HeaderRow,
    head_rows: Sequence[Sequence[str]],
    mapping: ColumnMapping,
    vocabulary: HeaderVocabulary,
    alternatives: Sequence[HeaderVocabulary],
) -> None:
    """Refuse the file when a required field has no column."""
    present = mapping.fields()
    missing = [f for f in vocabulary.raw_fields if f.required and f.name not in present]
    if not missing:
        return
    _refuse_if_other_type(path, head_rows, header.score, vocabulary, alternatives)
    listed = "; ".join(f"{field.name} ({_accepted(field)})" for field in missing)
    plural = "columns" if len(missing) > 1 else "column"
    raise UnusableInput(
        f"{path.name} (header in row {header.excel_row}) is missing the required {plural} "
        f"{listed}. If your file names it differently, map it with --map MAPPING.toml, a file "
        f'with a [columns] table of "Your header" = "{missing[0].name}" lines.'
    )


def _refuse_if_other_type(
    path: Path,
    head_rows: Sequence[Sequence[str]],
    own_score: int,
    vocabulary: HeaderVocabulary,
    alternatives: Sequence[HeaderVocabulary],
) -> None:
    """Refuse the file as the wrong type when another return type's names fit it better."""
    scored = [(best_score(head_rows, other), other) for other in alternatives]
    scored = [(score, other) for score, other in scored if score >= 2 and score > own_score]
    if not scored:
        return
    score, other = max(scored, key=lambda pair: pair[0])
    raise UnusableInput(
        f"{path.name} looks like a {other.return_type} return, not {vocabulary.return_type}: "
        f"its column names match {score} {other.return_type} fields and {own_score} "
        f"{vocabulary.return_type} fields. Check it with --type {other.return_type}."
    )


def _accepted(field: FieldLike) -> str:
    """The header names accepted for a field, for a message."""
    names = list(dict.fromkeys((field.name, *field.aliases)))[:_SHOWN_ALIASES]
    return "accepted headers: " + ", ".join(f'"{name}"' for name in names)


def _examples(fields: Sequence[FieldLike]) -> str:
    """A few example header names, one per field."""
    names = [field.aliases[0] if field.aliases else field.name for field in fields]
    return ", ".join(f'"{name}"' for name in names[:_SHOWN_ALIASES])
