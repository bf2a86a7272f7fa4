"""Work out how a CSV file is written: its encoding, its delimiter, and its opening rows.

Exports come as UTF-8 (with or without Excel's byte-order mark), as Windows
cp1252 from older systems (a ``£`` is byte A3), or as UTF-16 from Excel's
"Unicode text". Delimiters are commas, semicolons, tabs or pipes. The delimiter
chosen is the one under which some row of the file's opening reads best as a
header for a known return type.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from anonymiser.reading.header import HeaderVocabulary, best_score

HEAD_TEXT_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
UTF8 = "utf-8-sig"
CP1252 = "cp1252"
UTF16 = "utf-16"


@dataclass(frozen=True)
class TextLayout:
    """How the text is written: encoding and delimiter."""

    encoding: str
    delimiter: str


@dataclass(frozen=True)
class HeadRows:
    """The opening rows of a CSV file and, after each, how many physical lines it ends on."""

    rows: tuple[tuple[str, ...], ...]
    lines_through: tuple[int, ...]


def detect_encoding(head: bytes, complete: bool) -> str:
    """UTF-16 by its byte-order mark, else UTF-8 when the bytes decode as it, else cp1252."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return UTF16
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        return CP1252
    return UTF8


def read_head_text(path: Path, encoding: str) -> tuple[str, bool]:
    """The file's opening text (up to 1 MB) and whether it is the whole file."""
    with path.open("rb") as stream:
        raw = stream.read(HEAD_TEXT_BYTES + 1)
    complete = len(raw) <= HEAD_TEXT_BYTES
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(raw[:HEAD_TEXT_BYTES], final=complete), complete


def head_rows(text: str, complete: bool, delimiter: str, count: int) -> HeadRows:
    """The first ``count`` rows of ``text`` split on ``delimiter``, leaving out a cut-off row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []
    try:
        for record in reader:
            rows.append(tuple(record))
            lines.append(reader.line_num)
            if len(rows) == count:
                return HeadRows(tuple(rows), tuple(lines))
    except csv.Error:
        pass  # a malformed row ends the head; the full read reports it
    if not complete and rows:
        rows, lines = rows[:-1], lines[:-1]
    return HeadRows(tuple(rows), tuple(lines))


def choose_delimiter(
    text: str, complete: bool, vocabularies: Sequence[HeaderVocabulary], count: int
) -> tuple[str, HeadRows]:
    """The delimiter under which the head reads best as a header of any known return type."""
    best: tuple[int, int, str, HeadRows] | None = None
    for rank, delimiter in enumerate(DELIMITERS):
        rows = head_rows(text, complete, delimiter, count)
        score = max((best_score(rows.rows, vocab) for vocab in vocabularies), default=0)
        if best is None or score > best[0]:
            best = (score, -rank, delimiter, rows)
    assert best is not None
    if best[0] > 0:
        return best[2], best[3]
    fallback = _sniffed_delimiter(text)
    return fallback, head_rows(text, complete, fallback, count)


def _sniffed_delimiter(text: str) -> str:
    """The standard library's guess at the delimiter when no header is recognised."""
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return ","
