"""What a person may read of the regional picture, checked once for the API and the pages.

Both the API (bearer tokens) and the pages (login sessions) come through here, so the
rules are written once:

- the period must be a period label (``2026-Q2``); a well-formed period with no returns
  is not an error — it has no release, and pages show an empty state;
- the table, the care type and the download format must be ones the hub knows, else
  :class:`~exchange.errors.InvalidRequest` (400, the one JSON error shape);
- a data officer sees region-level tables and, in tables with an authority column, only
  their own authority's rows and the regional totals; the supplier-level tables (prices
  and spreads by named supplier: :data:`~exchange.picture.catalogue.SUPPLIER_TABLES`)
  are refused (403, audited ``accounts:access:deny``);
- every download is audited (``picture:table:download``: table, format, period — no
  personal data) and committed before the file is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response
from sqlalchemy.orm import Session

from exchange.accounts.auth import Principal, deny
from exchange.accounts.models import DATA_OFFICER
from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.disclosure.tables import TOTAL, PublishedTable
from exchange.errors import InvalidRequest, NotFound
from exchange.picture import downloads, store
from exchange.picture.catalogue import SUPPLIER_TABLES
from schemas import codes
from schemas.errors import InvalidPeriod
from schemas.period import ReturnPeriod

AUTHORITY_COLUMN = "authority"
CARE_TYPE_COLUMN = "care_type"


@dataclass(frozen=True)
class TableView:
    """A table as one principal may see it, with its release's certificate (or none)."""

    period: str
    table: PublishedTable | None
    release: store.Release | None


def check_period(text: str) -> str:
    """The canonical period label, or a 400 saying what a period looks like."""
    try:
        return ReturnPeriod.parse(text).label
    except InvalidPeriod as problem:
        raise InvalidRequest(f"{problem} (got {text[:32]!r}).") from None


def check_format(fmt: str) -> str:
    """A known download format, or a 400 listing them."""
    if fmt not in downloads.FORMATS:
        raise InvalidRequest(
            f"Unknown format {fmt[:16]!r}; ask for one of: {', '.join(downloads.FORMATS)}."
        )
    return fmt


def check_care_type(care_type: str) -> str:
    """A care type code from the agreed code list, or a 400 listing them."""
    if care_type not in codes.CARE_TYPES:
        raise InvalidRequest(
            f"Unknown care type {care_type[:64]!r}; the care types are: "
            + ", ".join(codes.CARE_TYPES)
            + "."
        )
    return care_type


def may_read(principal: Principal, name: str) -> bool:
    """Whether the principal's role may see table ``name`` at all."""
    return not (principal.role == DATA_OFFICER and name in SUPPLIER_TABLES)


def require_table(principal: Principal, name: str) -> str:
    """``name`` if it is a table the principal may read: 400 unknown, 403 (audited) refused."""
    store.check_table_name(name)
    if not may_read(principal, name):
        deny(principal, reason="supplier_table", object=f"picture_table:{name}")
    return name


def select_rows(table: PublishedTable, keep: Callable[[dict[str, Any]], bool]) -> PublishedTable:
    """The rows ``keep`` accepts, with their withheld cells (re-indexed)."""
    rows: list[dict[str, Any]] = []
    withheld: dict[tuple[int, str], str] = {}
    for index, row in enumerate(table.rows):
        if not keep(row):
            continue
        for column in table.column_names():
            reason = table.withheld.get((index, column))
            if reason is not None:
                withheld[(len(rows), column)] = reason
        rows.append(row)
    return PublishedTable(
        name=table.name,
        title=table.title,
        columns=table.columns,
        rows=rows,
        withheld=withheld,
        key=table.key,
        notes=table.notes,
    )


def for_principal(principal: Principal, table: PublishedTable) -> PublishedTable:
    """A data officer sees their own authority's rows and the totals; others see all."""
    if principal.role != DATA_OFFICER or AUTHORITY_COLUMN not in table.column_names():
        return table
    own = principal.authority
    return select_rows(table, lambda row: row.get(AUTHORITY_COLUMN) in (own, TOTAL))


def for_care_type(table: PublishedTable, care_type: str | None) -> PublishedTable:
    """Rows of one care type (and the totals), when one is asked for."""
    if care_type is None:
        return table
    check_care_type(care_type)
    if CARE_TYPE_COLUMN not in table.column_names():
        raise InvalidRequest(
            f"The table {table.name} has no care type column; ask without care_type."
        )
    return select_rows(table, lambda row: row.get(CARE_TYPE_COLUMN) in (care_type, TOTAL))


def read_table(
    session: Session,
    principal: Principal,
    *,
    period: str,
    name: str,
    care_type: str | None = None,
) -> TableView:
    """Table ``name`` of ``period`` as the principal may see it (no table if no release)."""
    period = check_period(period)
    require_table(principal, name)
    if care_type is not None:
        check_care_type(care_type)
    release = store.current_release(session, period)
    table = store.load_table(session, period, name) if release is not None else None
    if table is not None:
        table = for_care_type(for_principal(principal, table), care_type)
    return TableView(period=period, table=table, release=release)


def download_table(
    session: Session,
    principal: Principal,
    *,
    period: str,
    name: str,
    fmt: str,
    care_type: str | None = None,
) -> downloads.Download:
    """The table as a file with its certificate; the download is audited and committed."""
    check_format(fmt)
    view = read_table(session, principal, period=period, name=name, care_type=care_type)
    if view.release is None or view.table is None:
        raise NotFound(
            f"The regional picture for {view.period} has not been built: no returns have "
            "been accepted for it yet, so there is nothing to download."
        )
    file = downloads.render(
        view.table,
        view.release.certificate,
        period=view.period,
        fmt=fmt,
        certificate_text=_certificate_text,
    )
    details: dict[str, Any] = {
        "table": name,
        "format": fmt,
        "period": view.period,
        "release": view.release.number,
    }
    if care_type is not None:
        details["care_type"] = care_type
    record_event(
        session,
        tag=tags.PICTURE_TABLE_DOWNLOAD,
        actor=principal.actor,
        authority=principal.authority,
        object=f"picture_release:{view.release.id}",
        details=details,
    )
    session.commit()
    return file


def _certificate_text(certificate: Mapping[str, Any]) -> str:
    from exchange.disclosure.certificate import certificate_text

    return certificate_text(dict(certificate))


def file_response(file: downloads.Download) -> Response:
    """The file as an attachment, with its certificate headers."""
    headers = dict(file.headers)
    headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return Response(file.body, mimetype=file.mimetype, headers=headers)
