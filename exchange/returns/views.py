"""Pages of returns: the tracker, one return with its history, and the sharing agreements.

- ``/returns`` — the regional lead, IG officer and administrator choose a tracked
  period and see each authority's state with the summary, then the latest returns; a
  data officer sees their own authority's returns and refused uploads.
- ``/returns/<manifest hash>`` — one return, its receipt facts and its period's history.
- ``/agreements`` — the IG officer's view of every sharing agreement and what the hub
  holds under it.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from exchange.accounts.auth import current_principal, page_access
from exchange.accounts.models import ADMIN, DATA_OFFICER, IG_OFFICER, REGIONAL_LEAD
from exchange.db import get_session
from exchange.returns import queries
from exchange.returns.access import visible
from exchange.returns.agreements import holdings, list_periods
from exchange.returns.models import TrackedPeriod
from exchange.returns.retention import shift_months
from exchange.returns.tracker import PeriodStatus, period_status

bp = Blueprint("returns_pages", __name__)
LATEST = 50


@bp.route("/returns")
@page_access(DATA_OFFICER, REGIONAL_LEAD, IG_OFFICER, ADMIN)
def tracker() -> str:
    """The tracker (all authorities) or, for a data officer, their own returns."""
    principal = current_principal()
    session = get_session()
    if principal.role == DATA_OFFICER:
        own = queries.ReturnFilter(authority=principal.authority)
        return render_template(
            "returns/own.html",
            authority=principal.authority,
            returns=queries.find_returns(session, filters=own, limit=LATEST),
            refusals=queries.refusals(session, authority=principal.authority, limit=LATEST),
        )
    periods = list_periods(session)
    chosen = _chosen_period(periods)
    status: PeriodStatus | None = None
    if chosen is not None:
        status = period_status(session, return_type=chosen[0], period=chosen[1])
    return render_template(
        "returns/tracker.html",
        periods=periods,
        status=status,
        returns=queries.find_returns(session, filters=queries.ReturnFilter(), limit=LATEST),
        refusals=queries.refusals(session, limit=LATEST),
    )


@bp.route("/returns/<string:manifest_hash>")
@page_access(DATA_OFFICER, REGIONAL_LEAD, IG_OFFICER, ADMIN)
def detail(manifest_hash: str) -> str:
    """One return: what it is, its receipt's log position, and its period's history."""
    session = get_session()
    record = visible(current_principal(), queries.find_return(session, manifest_hash))
    return render_template(
        "returns/detail.html", record=record, history=queries.history(session, record)
    )


@bp.route("/agreements")
@page_access(IG_OFFICER, REGIONAL_LEAD, ADMIN)
def agreements() -> str:
    """Every sharing agreement, what the hub holds under it, and when retention bites."""
    return render_template(
        "returns/agreements.html", holdings=holdings(get_session()), shift_months=shift_months
    )


def _chosen_period(periods: list[TrackedPeriod]) -> tuple[str, str] | None:
    """The period asked for (``?tracked=placements:2026-Q2``), else the latest due."""
    kind, _, label = request.args.get("tracked", "").partition(":")
    wanted = (kind, label)
    for tracked in periods:
        if (tracked.return_type, tracked.period) == wanted:
            return wanted
    if periods:
        return periods[0].return_type, periods[0].period
    return None
