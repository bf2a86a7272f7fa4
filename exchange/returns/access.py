"""Who may see which return, and what the hub needs from its settings to take one in.

A data officer sees their own authority's returns only. Asking for another
authority's list is refused (403, :func:`exchange.accounts.auth.require_authority`);
asking for another authority's return by its hash answers 404 — the hub does not
confirm that it exists — and both are audited as ``accounts:access:deny``.
"""

from __future__ import annotations

from typing import NoReturn

from flask import current_app, request

from exchange.accounts.auth import Principal
from exchange.accounts.models import DATA_OFFICER
from exchange.audit import tags
from exchange.audit.events import record_event
from exchange.config import current_settings
from exchange.db import get_session
from exchange.hub_key import current_hub_key
from exchange.returns.accepting import IngestSettings
from exchange.returns.errors import UnknownReturn
from exchange.returns.models import Return
from exchange.returns.storage import ReturnStore


def visible(principal: Principal, record: Return) -> Return:
    """``record`` if ``principal`` may see it; otherwise an audited 404."""
    if principal.role == DATA_OFFICER and record.authority.code != principal.authority:
        hide(principal, object=f"return:{record.manifest_hash}")
    return record


def hide(principal: Principal, *, object: str) -> NoReturn:
    """Audit a refused look at another authority's return, then answer 404."""
    session = get_session()
    session.rollback()
    record_event(
        session,
        tag=tags.ACCESS_DENY,
        actor=principal.actor,
        authority=principal.authority,
        object=object,
        details={"reason": "other_authority", "method": request.method},
    )
    session.commit()
    raise UnknownReturn("No return has that manifest hash, or it is not yours to see.")


def ingest_settings() -> IngestSettings:
    """The settings and hub key ingest needs, from the current app."""
    settings = current_settings()
    return IngestSettings(
        hub_key=current_hub_key(),
        origin=settings.audit_origin,
        skew_seconds=settings.returns_clock_skew_seconds,
        batch_bytes=settings.returns_batch_bytes,
        report_limit=settings.returns_report_limit,
    )


def return_store() -> ReturnStore:
    """The current app's store of return files."""
    return ReturnStore.at(
        configured=current_settings().returns_folder, instance_path=current_app.instance_path
    )
