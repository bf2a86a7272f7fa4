"""Read an authority's export as a return: one text column per field, rows numbered as in Excel.

:func:`read_return` is the one entry point. It recognises the file by its bytes,
finds the header row below any preamble, maps the columns to the schema's
fields (by their common names or a mapping file), refuses a file that cannot
be used, and returns the data rows as a DataFrame of strings whose index is
the row number Excel shows for each row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from anonymiser.errors import UnusableInput
from anonymiser.reading.csv_file import CsvPlan, RawTable, read_csv_table
from anonymiser.reading.fitting import (
    headers_only,
    require_data_below,
    require_fields,
    require_header,
    require_rows,
)
from anonymiser.reading.header import HeaderRow, HeaderVocabulary, find_header_row
from anonymiser.reading.limits import ReadLimits
from anonymiser.reading.mapping import (
    ColumnMapping,
    ColumnMatch,
    MappedVocabulary,
    MappingFile,
    load_mapping_file,
    map_columns,
)
from anonymiser.reading.sniffing import FileKind, SniffedFile, sniff
from anonymiser.reading.text import TextLayout, choose_delimiter, detect_encoding, read_head_text
from anonymiser.reading.xlsx_file import choose_sheet, open_workbook, read_sheet_table

_EXTENSIONS = {FileKind.CSV: {".csv", ".txt", ".tsv"}, FileKind.XLSX: {".xlsx", ".xlsm"}}


@dataclass(frozen=True)
class ReturnFile:
    """An export read as a return: its rows as text by field, and how its columns were read."""

    path: Path
    kind: FileKind
    #: Excel's number for the header row.
    header_row: int
    #: One column per field read, all values ``str``; index: Excel row numbers ("row").
    frame: pd.DataFrame
    mapping: ColumnMapping
    #: The worksheet read (XLSX only).
    sheet: str | None = None
    #: Excel rows holding values to the right of the last column header.
    overflow_rows: tuple[int, ...] = ()
    #: Things the officer may want to know that are not problems.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Head:
    """The header row found among the opening rows, and the columns it maps."""

    rows: tuple[tuple[str, ...], ...]
    header: HeaderRow
    mapping: ColumnMapping


@dataclass(frozen=True)
class _Settler:
    """Finds the header in a file's opening rows and decides whether the file fits its type."""

    path: Path
    vocabulary: HeaderVocabulary
    mapping_file: MappingFile | None
    alternatives: Sequence[HeaderVocabulary]

    @property
    def finder(self) -> HeaderVocabulary:
        """The names a header row is recognised by: the schema's, and the mapping file's."""
        if self.mapping_file is None:
            return self.vocabulary
        return MappedVocabulary(self.vocabulary, self.mapping_file)

    @property
    def vocabularies(self) -> tuple[HeaderVocabulary, ...]:
        return (self.finder, *self.alternatives)

    def __call__(self, rows: tuple[tuple[str, ...], ...], complete: bool) -> _Head:
        """Settle the header and mapping, or refuse the file."""
        require_rows(self.path, rows)
        found = find_header_row(rows, self.finder)
        header = require_header(self.path, found, rows, self.finder, self.alternatives)
        if complete:
            require_data_below(self.path, rows, header)
        mapping = map_columns(header.cells, self.vocabulary, self.mapping_file)
        require_fields(self.path, header, rows, mapping, self.vocabulary, self.alternatives)
        return _Head(rows, header, mapping)


def read_return(
    path: Path,
    vocabulary: HeaderVocabulary,
    *,
    mapping_file: Path | None = None,
    limits: ReadLimits | None = None,
    alternatives: Sequence[HeaderVocabulary] = (),
) -> ReturnFile:
    """Read ``path`` as a return of ``vocabulary``'s type, or raise :class:`UnusableInput`.

    ``alternatives`` are the other return types, used to tell an officer who
    checks a file as the wrong type which type it looks like.
    """
    limits = limits or ReadLimits()
    sniffed = sniff(path, limits)
    mapping_doc = load_mapping_file(mapping_file, vocabulary) if mapping_file else None
    settle = _Settler(path, vocabulary, mapping_doc, tuple(alternatives))
    notes = [note for note in (_extension_note(sniffed),) if note]
    if sniffed.kind is FileKind.CSV:
        head, table, sheet = _read_csv(sniffed, limits, settle)
    else:
        head, table, sheet = _read_xlsx(sniffed, limits, settle)
        notes.extend(_sheet_note(sheet))
    notes.extend(f'mapping file entry "{h}" matches no column' for h in head.mapping.unused_mapping)
    return _assemble(sniffed, head, table, sheet[0] if sheet else None, tuple(notes))


def _read_csv(
    sniffed: SniffedFile, limits: ReadLimits, settle: _Settler
) -> tuple[_Head, RawTable, None]:
    encoding = detect_encoding(sniffed.head, complete=sniffed.size <= len(sniffed.head))
    text, complete = read_head_text(sniffed.path, encoding)
    count = limits.header_search_rows
    delimiter, rows = choose_delimiter(text, complete, settle.vocabularies, count)
    head = settle(rows.rows, complete and len(rows.rows) < count)
    plan = CsvPlan(
        layout=TextLayout(encoding, delimiter),
        skip_lines=rows.lines_through[head.header.index],
        header_row=head.header.excel_row,
        width=len(head.header.cells),
        positions=_positions(head.mapping),
    )
    return head, read_csv_table(sniffed.path, plan), None


def _read_xlsx(
    sniffed: SniffedFile, limits: ReadLimits, settle: _Settler
) -> tuple[_Head, RawTable, tuple[str, int]]:
    count = limits.header_search_rows
    with open_workbook(sniffed.path) as workbook:
        chosen = choose_sheet(sniffed.path, workbook, settle.vocabularies, count)
        head = settle(chosen.rows, len(chosen.rows) < count)
        table = read_sheet_table(
            sniffed.path,
            workbook,
            chosen.title,
            head.header.excel_row,
            _positions(head.mapping),
            len(head.header.cells),
        )
    return head, table, (chosen.title, chosen.sheet_count)


def _positions(mapping: ColumnMapping) -> tuple[int, ...]:
    """The columns to read: every mapped column, and unnamed ones to see if they hold values."""
    unnamed = [column.position for column in mapping.dropped if not column.header]
    return tuple(sorted({match.position for match in mapping.matches} | set(unnamed)))


def _assemble(
    sniffed: SniffedFile, head: _Head, table: RawTable, sheet: str | None, notes: tuple[str, ...]
) -> ReturnFile:
    """Name the columns by field, drop unnamed empty ones, and refuse a file with no rows."""
    frame = table.frame
    if frame.empty:
        raise UnusableInput(headers_only(sniffed.path, head.header))
    dropped = tuple(
        column
        for column in head.mapping.dropped
        if column.header or _has_values(frame[column.position])
    )
    matches = sorted(head.mapping.matches, key=lambda match: match.position)
    read_positions = _fields_at(matches)
    unread = [position for position in frame.columns if position not in read_positions]
    if unread:
        frame = frame.drop(columns=unread)
    frame.columns = pd.Index([match.field for match in matches])
    mapping = ColumnMapping(head.mapping.matches, dropped, head.mapping.unused_mapping)
    return ReturnFile(
        path=sniffed.path,
        kind=sniffed.kind,
        header_row=head.header.excel_row,
        frame=frame,
        mapping=mapping,
        sheet=sheet,
        overflow_rows=table.overflow_rows,
        notes=notes,
    )


def _fields_at(matches: Sequence[ColumnMatch]) -> set[int]:
    """The positions of the columns read as fields."""
    return {match.position for match in matches}


def _has_values(column: pd.Series) -> bool:
    return bool(column.str.strip().ne("").any())


def _extension_note(sniffed: SniffedFile) -> str | None:
    """A note when the file's name says one kind and its bytes another."""
    suffix = sniffed.path.suffix.lower()
    other = FileKind.XLSX if sniffed.kind is FileKind.CSV else FileKind.CSV
    if suffix in _EXTENSIONS[other]:
        kind = sniffed.kind.value.upper()
        return f"{sniffed.path.name} is named {suffix} but is {kind}; read as {kind}"
    return None


def _sheet_note(sheet: tuple[str, int]) -> list[str]:
    title, count = sheet
    return (
        [f'read sheet "{title}"; the other {count - 1} sheet(s) were ignored'] if count > 1 else []
    )
