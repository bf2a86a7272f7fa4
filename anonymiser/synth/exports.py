"""One authority's raw export, written as a stream: the library entry points.

:func:`write_placements_export` and :func:`write_spend_export` generate rows
chunk by chunk, render each chunk in the authority's style and append it to
the file, so memory stays flat whatever the row count. They return an
:class:`ExportReport` describing the file for the region manifest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from anonymiser.synth import cells, mess
from anonymiser.synth.cells import Column
from anonymiser.synth.errors import SynthError
from anonymiser.synth.period import Period
from anonymiser.synth.placements import CHUNK_ROWS, Chunk, Export, placement_chunks
from anonymiser.synth.planted import plant
from anonymiser.synth.providers import COUNCIL_NAMES
from anonymiser.synth.spend import spend_chunks
from anonymiser.synth.styles import ExportStyle, Format, clean_style, profile_of
from anonymiser.synth.writers import CsvSink, Sink, XlsxSink

#: Rows an Excel worksheet can hold (some are kept for preamble, blank rows and a footer).
XLSX_MAX_ROWS = 1_048_576
_REPORT_TITLES = {"placements": "Placements report", "supplier_spend": "Payments over £500"}


@dataclass(frozen=True)
class ExportReport:
    """What was written to one export file."""

    authority: str
    return_type: str
    path: Path
    fmt: Format
    rows: int
    seed: int
    period: str
    header_row: int
    headers: tuple[str, ...]
    fields: tuple[str | None, ...]
    mess: dict[str, object]
    encoding: str
    sheet: str | None
    planted_errors: list[dict[str, object]] = field(default_factory=list)
    mapping: Path | None = None

    def to_json(self, root: Path) -> dict[str, object]:
        """The manifest entry, with paths relative to ``root``."""
        return {
            "authority": self.authority,
            "authority_name": profile_of(self.authority).name,
            "return_type": self.return_type,
            "schema_version": 1,
            "path": self.path.relative_to(root).as_posix(),
            "format": self.fmt,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "rows": self.rows,
            "seed": self.seed,
            "period": self.period,
            "header_row": self.header_row,
            "headers": list(self.headers),
            "fields": list(self.fields),
            "mess": self.mess,
            "planted_errors": self.planted_errors,
            "mapping": self.mapping.relative_to(root).as_posix() if self.mapping else None,
        }


def write_placements_export(
    path: Path,
    *,
    authority: str,
    rows: int,
    seed: int = 2026,
    period: str = "2026-Q2",
    fmt: Format = "csv",
    mess: bool = True,
) -> ExportReport:
    """Write one authority's placements export (``mess=False``: clean, schema headers)."""
    return write_export(
        path,
        return_type="placements",
        authority=authority,
        rows=rows,
        seed=seed,
        period=period,
        fmt=fmt,
        mess=mess,
    )


def write_spend_export(
    path: Path,
    *,
    authority: str,
    rows: int,
    seed: int = 2026,
    period: str = "2026-Q2",
    fmt: Format = "csv",
    mess: bool = True,
) -> ExportReport:
    """Write one authority's supplier spend export (``mess=False``: clean, schema headers)."""
    return write_export(
        path,
        return_type="supplier_spend",
        authority=authority,
        rows=rows,
        seed=seed,
        period=period,
        fmt=fmt,
        mess=mess,
    )


def write_export(
    path: Path,
    *,
    return_type: str,
    authority: str,
    rows: int,
    seed: int,
    period: str,
    fmt: Format,
    mess: bool = True,
    corrected: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> ExportReport:
    """Write one export of either return type, in the authority's style or clean.

    ``corrected`` leaves out the planted data errors and the footer total row: the
    export as a data officer sends it after fixing what ``anonymiser check`` reported,
    with the rest of its mess (headers, formats, damaged ids) kept.

    ``chunk_rows`` is how many rows are generated and held at once. Each chunk has
    its own random stream, so another chunk size writes other (equally valid) rows:
    keep the default for files that match the region's.
    """
    _check_size(rows, fmt)
    profile = profile_of(authority)
    export = Export(profile, rows, seed, Period.parse(period))
    style = profile.style(return_type).as_format(fmt) if mess else clean_style(return_type, fmt)
    if corrected:
        style = dataclasses.replace(style, planted_errors=False, footer_total=False)
    stream = _Stream(export, return_type, style, chunk_rows)
    with _sink(path, style, run_date(export.period)) as sink:
        stream.write(sink)
    return ExportReport(
        authority=profile.code,
        return_type=return_type,
        path=path,
        fmt=fmt,
        rows=rows,
        seed=seed,
        period=export.period.label,
        header_row=len(style.preamble) + 1,
        headers=stream.layout.headers,
        fields=stream.layout.fields,
        mess=_mess_summary(style, stream),
        encoding=style.encoding,
        sheet=style.sheet if fmt == "xlsx" else None,
        planted_errors=stream.planted_rows(),
    )


def _check_size(rows: int, fmt: Format) -> None:
    if rows < 1:
        raise SynthError(f"An export needs at least one row, not {rows}.")
    if fmt == "xlsx" and rows > XLSX_MAX_ROWS - 1_000:
        raise SynthError(
            f"A worksheet holds at most {XLSX_MAX_ROWS:,} rows; write {rows:,} rows as CSV."
        )


class _Stream:
    """Writes an export's preamble, header, chunks and footer to a sink."""

    def __init__(
        self, export: Export, return_type: str, style: ExportStyle, chunk_rows: int
    ) -> None:
        self.export = export
        self.chunk_rows = chunk_rows
        self.return_type = return_type
        self.style = style
        self.layout = mess.layout(style, export.index)
        stream = 21 if return_type == "placements" else 22
        self.blanks = mess.blank_positions(export.rows, style, export.rng(stream))
        self.planted: list[tuple[int, str, str]] = []
        self.total = 0.0

    def write(self, sink: Sink) -> None:
        for line in preamble(self.style, self.export, self.return_type):
            sink.write_line([line] if line else [])
        sink.write_line(self.layout.headers)
        start = 0
        for chunk in self._chunks():
            size = len(next(iter(chunk.values())))
            sink.write_columns(self._render(chunk, start, size))
            start += size
        if self.style.footer_total:
            sink.write_columns(self._footer())

    def _chunks(self) -> Iterator[Chunk]:
        if self.return_type == "placements":
            return placement_chunks(self.export, self.chunk_rows)
        return spend_chunks(self.export, self.chunk_rows)

    def _render(self, chunk: Chunk, start: int, size: int) -> list[Column]:
        if self.style.planted_errors:
            for error in plant(chunk, self.return_type, start, self.export.rows):
                self.planted.append((error.data_row, error.field, error.problem))
        if "net_amount" in chunk:
            self.total += float(np.nansum(chunk["net_amount"]))
        rng = self.export.rng(31 if self.return_type == "placements" else 32, start)
        columns = mess.render(
            chunk, layout=self.layout, style=self.style, rng=rng, seed=self.export.seed
        )
        here = self.blanks[(self.blanks >= start) & (self.blanks < start + size)] - start
        return mess.insert_blank_rows(columns, here)

    def _footer(self) -> list[Column]:
        total = cells.money(np.array([round(self.total, 2)]), self.style)
        return [
            total if name == "net_amount" else Column("text", ["Total" if n == 0 else ""])
            for n, name in enumerate(self.layout.fields)
        ]

    def planted_rows(self) -> list[dict[str, object]]:
        """Planted errors with the row number a spreadsheet shows for each."""
        first_data_row = len(self.style.preamble) + 2
        return [
            {
                "row": first_data_row + row + int(np.sum(self.blanks < row)),
                "field": name,
                "problem": problem,
            }
            for row, name, problem in self.planted
        ]


def run_date(period: Period) -> dt.datetime:
    """When the report was run: a few days after the period closed, before the office opened."""
    return dt.datetime.combine(period.end + dt.timedelta(days=3), dt.time(7, 42))


def preamble(style: ExportStyle, export: Export, return_type: str) -> list[str]:
    """The lines above the header, filled in."""
    council = COUNCIL_NAMES[export.profile.code]
    values = {
        "council": council,
        "council_upper": council.upper(),
        "report": _REPORT_TITLES[return_type],
        "run_date": run_date(export.period).strftime("%d/%m/%Y %H:%M"),
        "period": export.period.label,
        "start": export.period.start.strftime("%d/%m/%Y"),
        "end": export.period.end.strftime("%d/%m/%Y"),
    }
    return [line.format(**values) for line in style.preamble]


def _sink(path: Path, style: ExportStyle, created: dt.datetime) -> Sink:
    path.parent.mkdir(parents=True, exist_ok=True)
    if style.fmt == "xlsx":
        return XlsxSink(path, sheet=style.sheet, created=created)
    return CsvSink(path, encoding=style.encoding)


def _mess_summary(style: ExportStyle, stream: _Stream) -> dict[str, object]:
    return mess.describe(style, blank_rows=len(stream.blanks), planted=len(stream.planted))


def write_mapping(path: Path, report: ExportReport) -> Path:
    """A mapping file for an export whose headers no alias list knows: ``[columns]`` TOML."""
    lines = [
        f"# Column mapping for {profile_of(report.authority).name}'s {report.return_type} export.",
        f"# Use: anonymiser check FILE --type {report.return_type} --map {path.name}",
        "# Columns not listed here are not in the schema and are dropped.",
        "",
        "[columns]",
    ]
    for header, name in zip(report.headers, report.fields, strict=True):
        if name is not None:
            lines.append(f"{json.dumps(header)} = {json.dumps(name)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
