"""Pages of supplier identity.

- ``/suppliers`` — the regional suppliers, searchable by name (``?q=``), with their
  identifiers and how many names each is known by.
- ``/suppliers/review`` — the regional lead's queue of candidate matches: the name as
  a council gave it and its supplier, side by side with the suggested supplier and the
  score, each with Confirm and Reject buttons (plain forms with a CSRF token; no
  JavaScript needed). A decision is audited and roll-ups rebuild.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from exchange.accounts.auth import current_principal, page_access
from exchange.accounts.models import ADMIN, IG_OFFICER, REGIONAL_LEAD
from exchange.db import get_session
from exchange.suppliers import decisions, queries

bp = Blueprint("suppliers_pages", __name__)
#: Beyond this a page number only overflows the database's OFFSET; such pages are empty.
MAX_PAGE = 10**9
PAGE = 100
_READERS = (REGIONAL_LEAD, IG_OFFICER, ADMIN)


@bp.route("/suppliers")
@page_access(*_READERS)
def suppliers() -> str:
    """Regional suppliers, searched by name, a page at a time."""
    search = request.args.get("q", "").strip()[:200]
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    session = get_session()
    found, total = queries.list_suppliers(
        session, search=search or None, limit=PAGE, offset=(page - 1) * PAGE
    )
    return render_template(
        "suppliers/list.html",
        suppliers=found,
        total=total,
        search=search,
        page=page,
        pages=max((total + PAGE - 1) // PAGE, 1),
        pending=queries.pending_count(session),
    )


@bp.route("/suppliers/review")
@page_access(*_READERS)
def review() -> str:
    """Pending candidate matches, best score first; the regional lead decides them."""
    principal = current_principal()
    return render_template(
        "suppliers/review.html",
        candidates=queries.pending_candidates(get_session()),
        may_decide=principal.role == REGIONAL_LEAD,
    )


@bp.route("/suppliers/review/<int:candidate_id>/confirm", methods=["POST"])
@page_access(REGIONAL_LEAD)
def confirm(candidate_id: int) -> ResponseReturnValue:
    """Confirm a candidate match (the form carries a CSRF token)."""
    _decide(decisions.confirm, candidate_id)
    flash("Match confirmed: the two are now one supplier.")
    return redirect(url_for("suppliers_pages.review"))


@bp.route("/suppliers/review/<int:candidate_id>/reject", methods=["POST"])
@page_access(REGIONAL_LEAD)
def reject(candidate_id: int) -> ResponseReturnValue:
    """Reject a candidate match (the form carries a CSRF token)."""
    _decide(decisions.reject, candidate_id)
    flash("Match rejected: they stay separate and will not be suggested again.")
    return redirect(url_for("suppliers_pages.review"))


def _decide(action: decisions.Action, candidate_id: int) -> None:
    session = get_session()
    action(session, candidate_id, actor=current_principal().actor)
    session.commit()
    decisions.announce_change(session)
