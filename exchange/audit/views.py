"""The IG officer's audit page: filter entries by authority, actor, action and time,
page through them, and download what the filter selects (the download is audited)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request
from marshmallow import ValidationError

from exchange.accounts.auth import current_principal, page_access
from exchange.accounts.models import ADMIN, IG_OFFICER
from exchange.audit import services, tags
from exchange.audit.api import EntryQuerySchema
from exchange.audit.checkpoints import latest_checkpoint
from exchange.audit.events import record_event
from exchange.config import current_settings
from exchange.db import get_session
from exchange.errors import InvalidRequest, NotFound

bp = Blueprint("audit_pages", __name__, url_prefix="/audit")
DOWNLOAD_LIMIT = 10_000


@bp.route("")
@page_access(IG_OFFICER, ADMIN)
def entries() -> str:
    """The filter form and one page of matching entries, newest first."""
    query = _query()
    limit = current_settings().audit_page_size
    found = services.search_entries(
        get_session(), filters=_filters(query), limit=limit, before=query.get("before")
    )
    filled = {k: v for k, v in request.args.items() if k != "before" and v}
    return render_template(
        "audit/entries.html",
        entries=found,
        filters=filled,
        tags=tags.ALL_TAGS,
        next_before=found[-1].index if len(found) == limit else None,
    )


@bp.route("/download")
@page_access(IG_OFFICER, ADMIN)
def download() -> Response:
    """The filtered entries as a JSON file, with the latest signed checkpoint."""
    query = _query()
    db = get_session()
    found = services.search_entries(db, filters=_filters(query), limit=DOWNLOAD_LIMIT)
    try:
        checkpoint: str | None = latest_checkpoint(db).note
    except NotFound:
        checkpoint = None
    document = {
        "filters": {k: str(v) for k, v in query.items()},
        "checkpoint": checkpoint,
        "entries": [services.entry_record(entry) for entry in found],
    }
    principal = current_principal()
    record_event(
        db,
        tag=tags.AUDIT_ENTRIES_DOWNLOAD,
        actor=principal.actor,
        authority=principal.authority,
        details={"entries": len(found), "filtered_by": sorted(query)},
    )
    db.commit()
    body = json.dumps(document, default=str, indent=1, sort_keys=True)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="audit-entries.json"'},
    )


def _query() -> dict[str, Any]:
    args = {k: v for k, v in request.args.items() if v != ""}
    try:
        query: dict[str, Any] = EntryQuerySchema().load(args)
    except ValidationError as err:
        raise InvalidRequest(
            "The filters are not valid.", details={"fields": err.messages}
        ) from None
    return query


def _filters(query: dict[str, Any]) -> services.EntryFilter:
    return services.EntryFilter(
        authority=query.get("authority"),
        actor=query.get("actor"),
        action=query.get("action"),
        since=query.get("since"),
        until=query.get("until"),
    )
