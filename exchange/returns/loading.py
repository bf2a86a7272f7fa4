"""Reading a verified return's payload, validating every row, loading the good ones.

The payload CSV is read in batches by pyarrow (every column as text), each batch is
validated against the agreed shared schema with :meth:`schemas.ReturnSchema.validate_frame`
(vectorised), and while no problem has been found each batch goes straight to the
bulk loader. One bad row refuses the whole return: loading stops, the remaining
batches are still validated so the report is complete, and the caller rolls back.

The report lists at most ``limit`` problems (row, field, code, message, hint) and counts
all of them by field and code. It never carries a value from the return: the shared
view has no personal data, but pseudonyms are not echoed either.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from exchange.returns.bulk import RowSink
from exchange.returns.errors import PayloadUnreadable, RowsInvalid
from keys import parse_manifest
from keys.return_file import read_envelope
from schemas import ReturnPeriod, ReturnSchema

#: Spreadsheet row of the first data row: the header is row 1.
FIRST_ROW = 2
_HEADER_BYTES = 1 << 16


class ProblemReport:
    """Problems found in a return's rows: the first ``limit`` listed, all counted."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0
        self.listed: list[dict[str, Any]] = []
        self.counts: Counter[tuple[str, str]] = Counter()
        self._columns_seen: set[tuple[str, str]] = set()

    def __bool__(self) -> bool:
        return self.total > 0

    def add(self, errors: pd.DataFrame) -> None:
        """Count (and list, up to the limit) the error rows of a validation's problems."""
        columns = errors[errors["row"].isna()]
        # A missing or unexpected column is reported by every batch; once is enough.
        fresh = [
            label
            for label, field, code in zip(
                columns.index, columns["field"], columns["code"], strict=True
            )
            if (field, code) not in self._columns_seen
        ]
        columns = columns.loc[fresh]
        self._columns_seen.update(zip(columns["field"], columns["code"], strict=True))
        errors = pd.concat([columns, errors[errors["row"].notna()]])
        self.total += len(errors)
        for key, count in errors.groupby(["field", "code"]).size().items():
            field, code = cast(tuple[str, str], key)
            self.counts[(str(field), str(code))] += int(count)
        for problem in errors.head(max(self.limit - len(self.listed), 0)).itertuples():
            self.listed.append(
                {
                    "row": _row_number(problem.row),
                    "field": str(problem.field),
                    "code": str(problem.code),
                    "message": str(problem.message),
                    "hint": str(problem.hint),
                }
            )

    def details(self) -> dict[str, Any]:
        """The report as error details (JSON-ready)."""
        return {
            "problem_count": self.total,
            "problems": self.listed,
            "listed": len(self.listed),
            "by_field": [
                {"field": field, "code": code, "count": count}
                for (field, code), count in sorted(self.counts.items())
            ],
        }


def _row_number(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def load_payload(
    payload: StoredPayload,
    *,
    schema: ReturnSchema,
    period: ReturnPeriod | None,
    sink: RowSink,
    batch_bytes: int,
    report_limit: int,
) -> int:
    """Validate and load every row of ``payload``; the number of rows loaded.

    Raises :class:`RowsInvalid` (with the report) if any row breaks the shared schema,
    :class:`PayloadUnreadable` if the CSV cannot be read.
    """
    report = ProblemReport(report_limit)
    loaded = 0
    for first, frame in read_batches(payload, batch_bytes=batch_bytes):
        result = schema.validate_frame(frame, "shared", period=period)
        if not result.ok:
            report.add(result.errors)
        if not report:
            sink.write(result.parsed, first)
            loaded += len(frame)
    if report:
        raise RowsInvalid(
            f"{report.total:,} problem(s) in the rows: the return was refused whole. Fix them "
            "in the authority's data, prepare the return again and upload it.",
            details=report.details(),
        )
    return loaded


@dataclass(frozen=True)
class StoredPayload:
    """Where a verified return file's payload starts, and whether it is gzipped."""

    path: Path
    offset: int
    gzipped: bool

    @classmethod
    def of(cls, path: Path) -> StoredPayload:
        """The payload of the return file at ``path`` (already verified)."""
        with open(path, "rb") as stream:
            manifest = parse_manifest(read_envelope(stream).payload)
            return cls(path, stream.tell(), manifest.payload.format == "csv+gzip")

    def open(self) -> pa.NativeFile:
        """The payload's CSV bytes, read natively by Arrow (gunzipped if need be)."""
        raw = pa.OSFile(str(self.path))
        raw.seek(self.offset)
        return pa.CompressedInputStream(raw, "gzip") if self.gzipped else raw


def read_batches(payload: StoredPayload, *, batch_bytes: int) -> Iterator[tuple[int, pd.DataFrame]]:
    """Frames of text cells (``None`` where empty), each with its first row number.

    A frame's index holds spreadsheet row numbers (the header is row 1); the first row
    number yielded is the data row's position, 1 for the first row after the header.
    """
    with payload.open() as stream:
        header = _header(stream.read(_HEADER_BYTES))
    first = 1
    with payload.open() as stream:
        try:
            for batch in _open(stream, header, batch_bytes):
                frame = batch.to_pandas()
                frame.index = pd.RangeIndex(
                    first + FIRST_ROW - 1, first + FIRST_ROW - 1 + len(frame)
                )
                yield first, frame
                first += len(frame)
        except (pa.ArrowInvalid, OSError) as err:
            raise _unreadable(err) from None
    if first == 1:
        yield 1, pd.DataFrame({name: pd.Series(dtype=object) for name in header})


def _header(head: bytes) -> list[str]:
    """The CSV's column names, read from its first line."""
    line = head.split(b"\n", 1)[0]
    if not line.strip():
        raise PayloadUnreadable(
            "The payload has no header row; prepare the return again with the anonymiser."
        )
    try:
        return next(csv.reader(io.StringIO(line.decode("utf-8"))))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        raise PayloadUnreadable(
            "The payload's header row cannot be read as UTF-8 CSV; prepare the return again."
        ) from None


def _open(payload: pa.NativeFile, header: list[str], batch_bytes: int) -> pacsv.CSVStreamingReader:
    try:
        return pacsv.open_csv(
            payload,
            read_options=pacsv.ReadOptions(block_size=batch_bytes),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid as err:
        raise _unreadable(err) from None


def _unreadable(err: Exception) -> PayloadUnreadable:
    """A refusal that explains the CSV problem without quoting the row (pyarrow would)."""
    text = str(err)
    if "columns" in text and "Expected" in text:
        cause = "a row has a different number of fields from the header"
    elif "UTF8" in text or "utf8" in text.lower():
        cause = "it is not valid UTF-8"
    else:
        cause = "it is not well-formed CSV"
    return PayloadUnreadable(
        f"The payload cannot be read: {cause}. Prepare the return again with the anonymiser."
    )
