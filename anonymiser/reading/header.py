"""Find the header row below any preamble, by the column names it recognises.

Exports often open with a title, a run date or a blank line before the column
names. The header row is the row, among the first few, with the most cells that
name a field of the return type; the earliest wins a tie.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class FieldLike(Protocol):
    """What the reader needs to know of a schema field."""

    @property
    def name(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


class HeaderVocabulary(Protocol):
    """What the reader needs of a return schema: its fields and how headers map to them."""

    @property
    def return_type(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def raw_fields(self) -> Sequence[FieldLike]: ...
    def match_header(self, header: str) -> str | None: ...


@dataclass(frozen=True)
class HeaderRow:
    """The row holding the column names: its 0-based index among the rows read, and cells."""

    index: int
    cells: tuple[str, ...]
    score: int

    @property
    def excel_row(self) -> int:
        """The row number Excel shows for the header."""
        return self.index + 1


def header_score(cells: Sequence[str], vocabulary: HeaderVocabulary) -> int:
    """How many distinct fields of ``vocabulary`` the cells name."""
    fields = {vocabulary.match_header(cell) for cell in cells if cell and cell.strip()}
    fields.discard(None)
    return len(fields)


def find_header_row(
    rows: Sequence[Sequence[str]], vocabulary: HeaderVocabulary
) -> HeaderRow | None:
    """The row naming the most fields, or ``None`` when no row names any."""
    best: HeaderRow | None = None
    for index, cells in enumerate(rows):
        score = header_score(cells, vocabulary)
        if score > 0 and (best is None or score > best.score):
            best = HeaderRow(index, tuple(cells), score)
    return best


def best_score(rows: Sequence[Sequence[str]], vocabulary: HeaderVocabulary) -> int:
    """The highest header score any of ``rows`` reaches for ``vocabulary``."""
    return max((header_score(cells, vocabulary) for cells in rows), default=0)
