"""Pages of the registry: the administrator's list of authorities and keys."""

from __future__ import annotations

from flask import Blueprint, render_template

from exchange.accounts.auth import page_access
from exchange.accounts.models import ADMIN
from exchange.db import get_session, utc_now
from exchange.registry.services import list_authorities

bp = Blueprint("registry", __name__)


@bp.route("/admin/authorities")
@page_access(ADMIN)
def authorities() -> str:
    """Every authority with its keys and their status now."""
    return render_template(
        "admin/authorities.html", authorities=list_authorities(get_session()), now=utc_now()
    )
