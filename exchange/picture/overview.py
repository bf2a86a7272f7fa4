"""What the overview pages and API show, assembled from stored release tables only.

:func:`regional` is the regional lead's overview of a period, :func:`for_authority` one
authority against the region, :func:`api_overview` the same figures for the API, and
:func:`fair_price` the calculator. Each reads a handful of published tables (one
stored row each: :func:`exchange.picture.store.load_table`); none touches the returns'
rows. Charts are Chart.js configurations (plain JSON) the page embeds; withheld values
are left out of a chart (``null``) and shown with their mark in the table beside it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from exchange.accounts.auth import Principal
from exchange.accounts.models import DATA_OFFICER
from exchange.disclosure.tables import REASONS, TOTAL, PublishedTable
from exchange.picture import catalogue as cat
from exchange.picture import presenting, reading, store
from exchange.picture.charts import benchmarks_chart, costs_chart, savings_chart

SUPPLIER_COLUMN = "supplier"
NOT_SUPPLIERS = frozenset({"Not stated", "Private individual (redacted)"})


@dataclass(frozen=True)
class Section:
    """A titled table on an overview page, with its chart (if any)."""

    name: str
    heading: str
    table: presenting.ShownTable
    intro: str = ""
    chart: dict[str, Any] | None = None
    downloadable: bool = True

    @property
    def chart_name(self) -> str:
        return self.name


@dataclass
class Overview:
    """Summary figures (label, value) and sections, in page order."""

    period: str
    summary: list[tuple[str, str]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    tables: dict[str, PublishedTable] = field(default_factory=dict)


def _value(table: PublishedTable | None, column: str, **where: Any) -> Any:
    """The published value of ``column`` in the first row matching ``where`` (None if withheld)."""
    if table is None:
        return None
    for index, row in enumerate(table.rows):
        if all(row.get(k) == v for k, v in where.items()):
            return None if (index, column) in table.withheld else row.get(column)
    return None


def _shown_value(table: PublishedTable | None, column: str, kind: str, **where: Any) -> str:
    if table is None:
        return "–"
    for index, row in enumerate(table.rows):
        if all(row.get(k) == v for k, v in where.items()):
            reason = table.withheld.get((index, column))
            if reason is not None:
                return "[c]" if reason in ("primary", "secondary", "carried") else "[x]"
            return presenting.format_value(kind, row.get(column))
    return "–"


def _care_type_costs(table: PublishedTable) -> PublishedTable:
    """Rows of each care type over every support reason (the margin rows)."""
    return reading.select_rows(
        table,
        lambda row: row.get("primary_support_reason") == TOTAL and row.get("care_type") != TOTAL,
    )


def _load(session: Session, period: str, name: str) -> PublishedTable | None:
    return store.load_table(session, period, name)


def regional(session: Session, period: str) -> Overview:
    """The regional lead's overview of ``period`` (the period has a release)."""
    page = Overview(period=period)
    suppliers = _load(session, period, cat.SUPPLIER_PICTURE)
    by_care = _load(session, period, cat.PLACEMENTS_BY_CARE_TYPE)
    savings = _load(session, period, cat.SAVINGS)
    page.summary = [
        (
            "placements",
            _shown_value(
                by_care, "placements", "count", care_type=TOTAL, primary_support_reason=TOTAL
            ),
        ),
        ("regional spend", _shown_value(suppliers, "regional_spend", "money", supplier=TOTAL)),
        ("suppliers", _count_suppliers(suppliers)),
        (
            "cost over the reference per year",
            _shown_value(savings, "excess_per_year", "money", authority=TOTAL),
        ),
    ]
    if by_care is not None:
        costs = _care_type_costs(by_care)
        page.sections.append(
            Section(
                "costs",
                "Weekly cost distributions per care type",
                presenting.shown(costs),
                chart=costs_chart(costs),
                intro="Lower quartile, median and upper quartile of the weekly cost of "
                "placements, over every support reason.",
            )
        )
    benchmarks = _load(session, period, cat.BENCHMARKS)
    if benchmarks is not None:
        page.sections.append(
            Section(
                "benchmarks",
                "Benchmarks: authorities against the regional quartiles",
                presenting.shown(benchmarks),
                chart=benchmarks_chart(benchmarks),
            )
        )
    if savings is not None:
        page.sections.append(
            Section(
                "savings",
                "Savings potential",
                presenting.shown(savings),
                chart=savings_chart(savings),
            )
        )
    completeness = _load(session, period, cat.COMPLETENESS)
    if completeness is not None:
        page.sections.append(
            Section("completeness", "Returns completeness", presenting.shown(completeness))
        )
    page.tables = {
        name: table
        for name, table in (
            (cat.SUPPLIER_PICTURE, suppliers),
            (cat.PLACEMENTS_BY_CARE_TYPE, by_care),
            (cat.BENCHMARKS, benchmarks),
            (cat.SAVINGS, savings),
            (cat.COMPLETENESS, completeness),
        )
        if table is not None
    }
    return page


def _count_suppliers(table: PublishedTable | None) -> str:
    if table is None:
        return "–"
    named = [r for r in table.rows if r.get(SUPPLIER_COLUMN) not in NOT_SUPPLIERS | {TOTAL}]
    return f"{len(named):,}"


def _own_rows(table: PublishedTable | None, code: str) -> PublishedTable | None:
    if table is None:
        return None
    return reading.select_rows(table, lambda row: row.get("authority") in (code, TOTAL))


def for_authority(session: Session, period: str, code: str, *, private: bool = True) -> Overview:
    """One authority against the region; ``private`` adds the authority's own medians."""
    page = Overview(period=period)
    placements = _own_rows(_load(session, period, cat.PLACEMENTS_BY_AUTHORITY), code)
    savings = _own_rows(_load(session, period, cat.SAVINGS), code)
    page.summary = [
        (
            "placements",
            _shown_value(placements, "placements", "count", authority=code, care_type=TOTAL),
        ),
        (
            "placements in the region",
            _shown_value(placements, "placements", "count", authority=TOTAL, care_type=TOTAL),
        ),
        (
            "cost over the reference per year",
            _shown_value(savings, "excess_per_year", "money", authority=code),
        ),
    ]
    if private:
        own = store.load_authority_view(session, period, code)
        if own is not None:
            page.sections.append(
                Section(
                    "own-costs",
                    "Our weekly costs against the region",
                    presenting.shown(own),
                    chart=costs_chart(own),
                    downloadable=False,
                    intro="Your authority's own figures: shown only to your authority and the "
                    "regional lead, never published.",
                )
            )
    by_care = _load(session, period, cat.PLACEMENTS_BY_CARE_TYPE)
    if by_care is not None:
        costs = _care_type_costs(by_care)
        page.sections.append(
            Section(
                "costs",
                "Regional weekly costs per care type",
                presenting.shown(costs),
                chart=costs_chart(costs),
            )
        )
    benchmarks = _own_rows(_load(session, period, cat.BENCHMARKS), code)
    if benchmarks is not None:
        page.sections.append(
            Section("benchmarks", "Where our medians fall", presenting.shown(benchmarks))
        )
    if placements is not None:
        page.sections.append(
            Section("placements", "Our placements against the region", presenting.shown(placements))
        )
    if savings is not None:
        page.sections.append(Section("savings", "Our savings potential", presenting.shown(savings)))
    completeness = _own_rows(_load(session, period, cat.COMPLETENESS), code)
    if completeness is not None:
        page.sections.append(Section("completeness", "Our returns", presenting.shown(completeness)))
    return page


@dataclass(frozen=True)
class CertificateCell:
    """One withheld cell as the certificate lists it."""

    table: str
    row: str
    column: str
    reason: str
    explanation: str


def certificate_cells(certificate: Mapping[str, Any]) -> list[CertificateCell]:
    """Every withheld cell the certificate lists, for the IG officer's page."""
    tables = certificate.get("tables") or []
    if isinstance(tables, Mapping):
        tables = [{"name": name, **entry} for name, entry in tables.items()]
    cells = []
    for entry in tables:
        for cell in entry.get("withheld", []) or []:
            key = cell.get("key", cell.get("row", ""))
            shown_key = (
                ", ".join(f"{k}={v}" for k, v in key.items())
                if isinstance(key, Mapping)
                else ", ".join(map(str, key))
                if isinstance(key, list | tuple)
                else str(key)
            )
            reason = str(cell.get("reason", ""))
            cells.append(
                CertificateCell(
                    table=str(entry.get("name", "")),
                    row=shown_key,
                    column=str(cell.get("column", "")),
                    reason=reason,
                    explanation=str(cell.get("explanation", REASONS.get(reason, reason))),
                )
            )
    return cells


#: Overviews already built, by release (its certificate id — the hash of its content —
#: with its period and number, so two databases' releases never share a key) and the
#: caller's authority (or None for the region). A release never changes once stored (a
#: rebuild makes a new one, with a new certificate), so an entry never goes stale;
#: the oldest are dropped beyond the bound. Per process: each gunicorn worker keeps its own.
_BUILT: OrderedDict[tuple[str, str, int, str | None], dict[str, Any]] = OrderedDict()
_BUILT_LOCK = threading.Lock()
BUILT_LIMIT = 64


def api_overview(session: Session, principal: Principal, period: str) -> dict[str, Any]:
    """The overview's figures for the API: summary and small tables the caller may read.

    Built once per release and caller's view (the region, or one authority) and kept, so
    the dashboard's most frequent request reads one row instead of several tables.
    """
    release = store.current_release(session, period)
    if release is None:
        return _api_overview(session, principal, period, None)
    viewer = principal.authority if principal.role == DATA_OFFICER else None
    key = (release.certificate_id, release.period, release.number, viewer)
    with _BUILT_LOCK:
        found = _BUILT.get(key)
        if found is not None:
            _BUILT.move_to_end(key)
            return found
    built = _api_overview(session, principal, period, release)
    with _BUILT_LOCK:
        _BUILT[key] = built
        while len(_BUILT) > BUILT_LIMIT:
            _BUILT.popitem(last=False)
    return built


def _api_overview(
    session: Session, principal: Principal, period: str, release: store.Release | None
) -> dict[str, Any]:
    if release is None:
        return {
            "period": period,
            "release": None,
            "certificate_id": None,
            "summary": [],
            "tables": {},
        }
    if principal.role == DATA_OFFICER:
        code = principal.authority or ""
        page = for_authority(session, period, code, private=True)
        tables = {s.name: s for s in page.sections}
        documents = {
            name: _document_of(session, period, name, principal)
            for name in (cat.PLACEMENTS_BY_AUTHORITY, cat.BENCHMARKS, cat.SAVINGS, cat.COMPLETENESS)
        }
        own = store.load_authority_view(session, period, code)
        if own is not None and "own-costs" in tables:
            documents["own_costs"] = own.to_document()
    else:
        page = regional(session, period)
        documents = {name: t.to_document() for name, t in page.tables.items()}
        if cat.PLACEMENTS_BY_CARE_TYPE in page.tables:
            documents["costs_by_care_type"] = _care_type_costs(
                page.tables[cat.PLACEMENTS_BY_CARE_TYPE]
            ).to_document()
            del documents[cat.PLACEMENTS_BY_CARE_TYPE]
    return {
        "period": period,
        "release": release.number,
        "certificate_id": release.certificate_id,
        "summary": [{"label": label, "value": value} for label, value in page.summary],
        "tables": {k: v for k, v in documents.items() if v is not None},
    }


def _document_of(
    session: Session, period: str, name: str, principal: Principal
) -> dict[str, Any] | None:
    table = _load(session, period, name)
    return None if table is None else reading.for_principal(principal, table).to_document()
