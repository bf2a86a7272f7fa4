"""Published tables as pages show them: formatted cells, withheld marks, search, sort, pages.

Pure (no Flask, no database): the views pass a :class:`PublishedTable` in and render
the :class:`ShownTable` that comes out. A withheld cell keeps its mark (``[c]``/``[x]``)
and carries the reason's explanation for its ``title`` (the tooltip); codes from the
agreed code lists (care types, support reasons, ...) are shown with their labels.
Search, sort and paging are done here, on the server, so the tables work with
JavaScript off.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exchange.disclosure.tables import REASONS, TOTAL, PublishedTable, mark
from schemas import codes

NUMERIC_KINDS = frozenset({"count", "money", "number", "percent"})
CODE_LABELS: Mapping[str, Mapping[str, str]] = {
    "care_type": codes.CARE_TYPES,
    "primary_support_reason": codes.PRIMARY_SUPPORT_REASONS,
    "support_reason": codes.PRIMARY_SUPPORT_REASONS,
    "provider_type": codes.PROVIDER_TYPES,
    "procurement_route": codes.PROCUREMENT_ROUTES,
    "route": codes.PROCUREMENT_ROUTES,
    "client_type": codes.CLIENT_TYPES,
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class ShownCell:
    """One cell as shown: its text, CSS classes, and the reason it is withheld (if it is)."""

    text: str
    classes: str
    reason: str | None = None
    explanation: str | None = None


@dataclass(frozen=True)
class ShownTable:
    """A table ready for the template: headings, rows of cells, paging."""

    name: str
    title: str
    headings: tuple[tuple[str, str, bool], ...]  # (column name, title, numeric)
    rows: tuple[tuple[ShownCell, ...], ...]
    total_rows: int
    page: int
    pages: int
    notes: tuple[str, ...]
    withheld: int


def label(column: str, value: Any) -> str:
    """A code's label when the column holds codes from an agreed list, else the value."""
    labels = CODE_LABELS.get(column)
    if labels is not None and isinstance(value, str) and value in labels:
        return labels[value]
    return "" if value is None else str(value)


def format_value(kind: str, value: Any) -> str:
    """How a published value reads on a page."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if kind == "money":
        return f"£{value:,.2f}" if abs(value) < 10_000 else f"£{value:,.0f}"
    if kind == "percent":
        return f"{value:.1f}%"
    if kind == "count" or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def is_total(row: Mapping[str, Any], key: tuple[str, ...]) -> bool:
    """A margin row: one of its dimension columns holds ``Total``."""
    return any(row.get(column) == TOTAL for column in key)


def search(table: PublishedTable, column: str, text: str) -> PublishedTable:
    """Rows whose ``column`` contains ``text`` (case-insensitive), and the totals."""
    wanted = text.strip().casefold()
    if not wanted or column not in table.column_names():
        return table
    return _subset(
        table,
        [
            i
            for i, row in enumerate(table.rows)
            if wanted in label(column, row.get(column)).casefold()
            or wanted in str(row.get(column) or "").casefold()
            or is_total(row, table.key)
        ],
    )


def sort(table: PublishedTable, sort_key: str) -> PublishedTable:
    """Rows ordered by ``column`` (``-column`` descending); withheld last, totals at the end."""
    descending = sort_key.startswith("-")
    column = sort_key.lstrip("-")
    if column not in table.column_names():
        return table

    def order(index: int) -> tuple[int, float, str]:
        raw = table.rows[index].get(column)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return (0, float(raw), "")
        return (1, 0.0, label(column, raw).casefold())

    body, blank, totals = [], [], []
    for index, row in enumerate(table.rows):
        if is_total(row, table.key):
            totals.append(index)
        elif (index, column) in table.withheld or row.get(column) in (None, ""):
            blank.append(index)
        else:
            body.append(index)
    body.sort(key=order, reverse=descending)
    return _subset(table, body + blank + totals)


def _subset(table: PublishedTable, indexes: list[int]) -> PublishedTable:
    rows, withheld = [], {}
    for new, old in enumerate(indexes):
        rows.append(table.rows[old])
        for column in table.column_names():
            reason = table.withheld.get((old, column))
            if reason is not None:
                withheld[(new, column)] = reason
    return PublishedTable(
        name=table.name,
        title=table.title,
        columns=table.columns,
        rows=rows,
        withheld=withheld,
        key=table.key,
        notes=table.notes,
    )


def shown(table: PublishedTable, *, page: int = 1, page_size: int | None = None) -> ShownTable:
    """The table (or one page of it) as the template renders it."""
    count = len(table.rows)
    size = page_size or max(count, 1)
    pages = max(1, math.ceil(count / size))
    page = min(max(page, 1), pages)
    start = (page - 1) * size
    rows = []
    for index in range(start, min(start + size, count)):
        row = table.rows[index]
        total = is_total(row, table.key)
        cells = []
        for column in table.columns:
            numeric = column.kind in NUMERIC_KINDS
            classes = ["num"] if numeric else []
            if total:
                classes.append("total")
            reason = table.withheld.get((index, column.name))
            if reason is not None:
                cells.append(
                    ShownCell(
                        mark(reason),
                        " ".join([*classes, "withheld"]),
                        reason,
                        REASONS.get(reason, reason),
                    )
                )
                continue
            value = row.get(column.name)
            text = format_value(column.kind, value) if numeric else label(column.name, value)
            cells.append(ShownCell(text, " ".join(classes)))
        rows.append(tuple(cells))
    return ShownTable(
        name=table.name,
        title=table.title,
        headings=tuple((c.name, c.title, c.kind in NUMERIC_KINDS) for c in table.columns),
        rows=tuple(rows),
        total_rows=count,
        page=page,
        pages=pages,
        notes=table.notes,
        withheld=len(table.withheld),
    )
