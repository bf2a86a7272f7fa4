"""Map the authority's own column names to the schema's fields.

Common names are recognised by the schema itself (``schema.match_header``).
Anything else is named in a mapping file the officer writes once::

    # mapping.toml
    [columns]
    "Client Ref" = "local_person_id"
    "Weekly Fee (£)" = "unit_cost"

A mapping file naming an unknown field, or two headers for one field, is
refused. Columns that map to nothing are reported as dropped: their values
never leave the reader.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter

from anonymiser.errors import UnusableInput
from anonymiser.reading.header import FieldLike, HeaderVocabulary

RECOGNISED = "recognised header"
MAPPED = "mapping file"


@dataclass(frozen=True)
class ColumnMatch:
    """A column of the file read as a schema field."""

    position: int
    header: str
    field: str
    source: str

    @property
    def letter(self) -> str:
        """The column's letter as Excel shows it: A, B, ..., AA."""
        return get_column_letter(self.position + 1)


@dataclass(frozen=True)
class DroppedColumn:
    """A column of the file that is not read, and why."""

    position: int
    header: str
    reason: str

    @property
    def letter(self) -> str:
        """The column's letter as Excel shows it."""
        return get_column_letter(self.position + 1)


@dataclass(frozen=True)
class MappingFile:
    """The officer's own header names for fields, keyed by normalised header."""

    path: Path
    columns: Mapping[str, str]
    #: Each normalised header as the officer wrote it, for messages.
    labels: Mapping[str, str]


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns are read as which fields, which are dropped, and unused mapping entries."""

    matches: tuple[ColumnMatch, ...]
    dropped: tuple[DroppedColumn, ...]
    unused_mapping: tuple[str, ...] = ()

    def fields(self) -> set[str]:
        """The fields some column provides."""
        return {match.field for match in self.matches}


@dataclass(frozen=True)
class MappedVocabulary:
    """A schema's header names, extended by a mapping file's: used to find the header row."""

    schema: HeaderVocabulary
    mapping_file: MappingFile

    @property
    def return_type(self) -> str:
        return self.schema.return_type

    @property
    def version(self) -> int:
        return self.schema.version

    @property
    def raw_fields(self) -> Sequence[FieldLike]:
        return self.schema.raw_fields

    def match_header(self, header: str) -> str | None:
        """The field the mapping file names for ``header``, else the schema's own match."""
        mapped = self.mapping_file.columns.get(normalise_header(header))
        return mapped or self.schema.match_header(header)


def normalise_header(text: str) -> str:
    """A header as compared: case-folded, whitespace collapsed."""
    return " ".join(text.split()).casefold()


def load_mapping_file(path: Path, vocabulary: HeaderVocabulary) -> MappingFile:
    """Read and validate a ``[columns]`` mapping file for ``vocabulary``'s return type."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UnusableInput(f"mapping file {path} does not exist: check its name.") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise UnusableInput(
            f"mapping file {path.name} cannot be read as TOML ({type(err).__name__}): "
            'write it as a [columns] table of "Your header" = "field_name" lines.'
        ) from None
    columns = document.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise UnusableInput(
            f'mapping file {path.name} has no [columns] table: add one, with "Your header" = '
            '"field_name" lines under it.'
        )
    validated = _validated_columns(path, columns, vocabulary)
    labels = {normalise_header(header): header for header in columns}
    return MappingFile(path, validated, labels)


def _validated_columns(
    path: Path, columns: Mapping[str, object], vocabulary: HeaderVocabulary
) -> dict[str, str]:
    """The mapping keyed by normalised header, refusing unknown and duplicate targets."""
    known = [field.name for field in vocabulary.raw_fields]
    unknown = sorted({str(target) for target in columns.values()} - set(known))
    if unknown:
        raise UnusableInput(
            f"mapping file {path.name} names fields that {vocabulary.return_type} "
            f"v{vocabulary.version} does not have: {', '.join(unknown)}. "
            f"The fields are: {', '.join(known)}."
        )
    seen: dict[str, str] = {}
    for header, target in columns.items():
        if str(target) in seen:
            raise UnusableInput(
                f'mapping file {path.name} maps both "{seen[str(target)]}" and "{header}" to '
                f"{target}: keep one of them."
            )
        seen[str(target)] = header
    return {normalise_header(header): str(target) for header, target in columns.items()}


def map_columns(
    headers: Sequence[str], vocabulary: HeaderVocabulary, mapping_file: MappingFile | None
) -> ColumnMapping:
    """Match each header to a field: the mapping file first, then the schema's own names."""
    mapped = dict(mapping_file.columns) if mapping_file else {}
    labels = dict(mapping_file.labels) if mapping_file else {}
    claimed = {field: labels[header] for header, field in mapped.items()}
    matches: list[ColumnMatch] = []
    dropped: list[DroppedColumn] = []
    taken: dict[str, ColumnMatch] = {}
    for position, raw in enumerate(headers):
        header = raw.strip()
        key = normalise_header(header)
        field, source = (mapped[key], MAPPED) if key in mapped else (None, RECOGNISED)
        field = field or (vocabulary.match_header(header) if header else None)
        reason = _drop_reason(header, field, source, claimed, taken, vocabulary)
        if reason:
            dropped.append(DroppedColumn(position, header, reason))
        elif field:
            taken[field] = ColumnMatch(position, header, field, source)
            matches.append(taken[field])
    used = {normalise_header(match.header) for match in matches if match.source == MAPPED}
    unused = tuple(labels[header] for header in mapped if header not in used)
    return ColumnMapping(tuple(matches), tuple(dropped), unused)


def _drop_reason(
    header: str,
    field: str | None,
    source: str,
    claimed: Mapping[str, str],
    taken: Mapping[str, ColumnMatch],
    vocabulary: HeaderVocabulary,
) -> str | None:
    """Why a column is dropped, or ``None`` when it is read."""
    if not header:
        return "no header"
    if field is None:
        return f"not a {vocabulary.return_type} field; will be dropped"
    if field in taken:
        return f"also {field}, already read from column {taken[field].letter}; will be dropped"
    if source == RECOGNISED and field in claimed:
        return f'the mapping file reads {field} from "{claimed[field]}"; will be dropped'
    return None
