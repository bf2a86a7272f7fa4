"""The mess of real exports: how a clean chunk of rows is written out by each system.

:func:`render` turns a chunk (field -> numpy array) into the columns of the
file, in the system's order and under its headers, with its date and money
formats, code labels, extra columns, damaged identifiers (``9991234567.0``,
``999 123 4567``, lower-case ids, stripped leading zeros), trailing spaces and
blank rows. Everything is drawn from a seeded generator, so the mess is the
same on every run. :func:`describe` lists what was applied, for the manifest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from anonymiser.synth import cells
from anonymiser.synth.cells import Column
from anonymiser.synth.people import join_text, name_pool
from anonymiser.synth.styles import ExportStyle

_TRIMMABLE = frozenset(
    {
        "given_name",
        "family_name",
        "address",
        "provider_name",
        "supplier_name",
        "service_area",
        "expense_type",
        "notes",
        "description",
        "placement_ref",
    }
)
_TEAMS = (
    "North Locality Team",
    "South Locality Team",
    "Hospital Discharge Team",
    "Children in Care Team",
    "Transitions Team",
    "Disabled Children's Team",
)
#: One blank row per this many data rows (at least one) where a style has blank rows.
BLANK_EVERY = 5_000


@dataclass(frozen=True)
class Layout:
    """The columns of an export in file order: field names, or ``None`` for extra columns."""

    fields: tuple[str | None, ...]
    headers: tuple[str, ...]


def layout(style: ExportStyle, authority_index: int) -> Layout:
    """The system's column order: its dialect's order or its own shuffle, extras mixed in."""
    pairs: list[tuple[str | None, str]] = list(style.headers.items())
    if style.shuffle:
        order = np.random.default_rng([authority_index, 77]).permutation(len(pairs))
        pairs = [pairs[i] for i in order]
    for number, extra in enumerate(style.extras):
        pairs.insert(min(len(pairs), 3 + 5 * number), (None, extra))
    return Layout(tuple(f for f, _ in pairs), tuple(h for _, h in pairs))


def blank_positions(rows: int, style: ExportStyle, rng: np.random.Generator) -> np.ndarray:
    """Data rows after which the export has a blank row (sorted; empty if none)."""
    if not style.blank_rows or rows < 3:
        return np.empty(0, dtype=np.int64)
    count = max(1, rows // BLANK_EVERY)
    return np.sort(rng.choice(np.arange(1, rows - 1), size=min(count, rows - 2), replace=False))


def render(
    chunk: Mapping[str, np.ndarray],
    *,
    layout: Layout,
    style: ExportStyle,
    rng: np.random.Generator,
    seed: int,
) -> list[Column]:
    """The chunk as the file's columns, every value as the system writes it."""
    size = len(next(iter(chunk.values())))
    columns = []
    for field, header in zip(layout.fields, layout.headers, strict=True):
        if field is None:
            columns.append(_extra(header, chunk, style, rng, seed))
            continue
        values = chunk[field]
        if style.trailing_spaces and field in _TRIMMABLE:
            values = np.where(rng.random(size) < 0.15, np.strings.add(values, " "), values)
        columns.append(_render_field(field, values, style, rng))
    return columns


def _render_field(
    field: str, values: np.ndarray, style: ExportStyle, rng: np.random.Generator
) -> Column:
    if field in cells.DATE_FIELDS:
        return cells.dates(values, style)
    if field in cells.MONEY_FIELDS:
        return cells.money(values, style)
    if field == "planned_units_per_week":
        return cells.numbers(values, style)
    if field in cells.CODE_LISTS:
        return cells.codes(field, values, style)
    if field == "nhs_number":
        return _damaged_nhs(values, style, rng)
    if field == "local_person_id":
        return _damaged_local_ids(values, style, rng)
    return cells.text(values)


def _damaged_nhs(values: np.ndarray, style: ExportStyle, rng: np.random.Generator) -> Column:
    present = values != ""
    if style.nhs_damage == "float":
        return cells.text(np.where(present, np.strings.add(values, ".0"), values))
    if style.nhs_damage == "number":
        return cells.integers(values, style)
    if style.nhs_damage == "spaces":
        spaced = join_text(*(_digits(values, present, a, b) for a, b in ((0, 3), (3, 6), (6, 10))))
        return cells.text(np.where(present & (rng.random(len(values)) < 0.6), spaced, values))
    return cells.text(values)


def _digits(values: np.ndarray, present: np.ndarray, first: int, last: int) -> np.ndarray:
    """Digits ``first`` to ``last`` of ten-digit strings, a space after all but the last group."""
    number = np.where(present, values, "0").astype(np.int64)
    group = (number // 10 ** (10 - last)) % 10 ** (last - first)
    text = np.strings.zfill(group.astype(f"U{last - first}"), last - first)
    return np.strings.add(text, " ") if last < 10 else text


def _damaged_local_ids(values: np.ndarray, style: ExportStyle, rng: np.random.Generator) -> Column:
    if style.id_damage == "lower":
        lowered = np.strings.lower(values)
        return cells.text(np.where(rng.random(len(values)) < 0.3, lowered, values))
    if style.id_damage == "strip_zeros":
        return cells.integers(values, style)
    return cells.text(values)


def _extra(
    header: str,
    chunk: Mapping[str, np.ndarray],
    style: ExportStyle,
    rng: np.random.Generator,
    seed: int,
) -> Column:
    """Columns no schema knows: staff names, teams, review dates, cost centres..."""
    name = header.lower()
    size = len(next(iter(chunk.values())))
    if "worker" in name or "approved" in name:
        pool = name_pool(seed)
        given = pool.female[rng.integers(0, len(pool.female), size)]
        family = pool.family[rng.integers(0, len(pool.family), size)]
        return cells.text(np.strings.add(np.strings.add(given, " "), family))
    if "team" in name:
        teams = np.array(_TEAMS)[rng.integers(0, len(_TEAMS), size)]
        return cells.text(np.strings.upper(teams) if header.isupper() else teams)
    if "date" in name:
        days = rng.integers(20_600, 21_000, size).astype("datetime64[D]")
        return cells.dates(days, style)
    if "vat" in name and "net_amount" in chunk:
        standard = rng.random(size) < 0.6  # care and payments to individuals carry no VAT
        return cells.money(np.round(np.where(standard, chunk["net_amount"] * 0.2, 0.0), 2), style)
    if "status" in name:
        return cells.text(np.where(rng.random(size) < 0.9, "Open", "Closed - pending"))
    return cells.text(np.strings.add("CC", rng.integers(10_000, 99_999, size).astype("U5")))


def insert_blank_rows(columns: list[Column], after: np.ndarray) -> list[Column]:
    """Blank rows after the given (chunk-relative) rows, as an export with gaps has them."""
    for position in sorted(after.tolist(), reverse=True):
        for column in columns:
            column.values.insert(position + 1, "")
    return columns


def describe(style: ExportStyle, *, blank_rows: int, planted: int) -> dict[str, object]:
    """What mess an export carries, for the region manifest."""
    return {
        "preamble_rows": len(style.preamble),
        "headers": "mapping_file" if style.mapping else "aliases",
        "column_order": "shuffled" if style.shuffle else "dialect",
        "extra_columns": list(style.extras),
        "encoding": style.encoding,
        "date_format": style.dates,
        "money_format": style.money,
        "credits": style.credits,
        "codes": style.codes,
        "nhs_number_damage": style.nhs_damage,
        "local_id_damage": style.id_damage,
        "blank_rows": blank_rows,
        "trailing_spaces": style.trailing_spaces,
        "footer_total": style.footer_total,
        "planted_errors": planted,
    }
