"""Pages of the regional picture, server-rendered: every table works with JavaScript off.

- ``/picture`` — the regional lead's overview of a period (period picker, summary,
  supplier table with search and sort, cost distributions, benchmarks, savings,
  returns completeness). A data officer is sent to their own authority's page.
- ``/picture/authority/<code>`` — one authority against the region (a data officer:
  their own only).
- ``/picture/<table>`` — any published table, with its downloads
  (``/picture/<table>/download?format=csv|xlsx|json|zip``, audited).
- ``/picture/fair-price`` — the fair price calculator.
- ``/picture/certificates`` — the IG officer's list of releases and their disclosure
  certificates, and one certificate in full.
- ``/picture/framework-prices`` — the agreed framework prices; the regional lead uploads
  a new table (CSV) here.

Charts are drawn by ``static/picture.js`` from JSON the page carries; the same figures
are in the tables beside them.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from exchange.accounts.auth import current_principal, deny, page_access, require_authority
from exchange.accounts.models import ADMIN, DATA_OFFICER, IG_OFFICER, REGIONAL_LEAD
from exchange.db import get_session
from exchange.disclosure.tables import PublishedTable
from exchange.errors import InvalidRequest, NotFound
from exchange.picture import calculator, overview, presenting, reading, store
from exchange.picture.catalogue import SUPPLIER_PICTURE, TABLES
from exchange.picture.framework_upload import current_prices, upload_prices
from exchange.registry.models import Authority

bp = Blueprint("picture_pages", __name__, url_prefix="/picture")
EVERYONE = (DATA_OFFICER, REGIONAL_LEAD, IG_OFFICER, ADMIN)
REGION = (REGIONAL_LEAD, IG_OFFICER, ADMIN)


def _chosen_period(periods: list[store.PeriodPicture]) -> str | None:
    """``?period=`` (checked: 400 if it is not a period label), else the newest built one."""
    asked = request.args.get("period", "").strip()
    if asked:
        return reading.check_period(asked)
    built = [p.period for p in periods if p.release_number is not None]
    return built[0] if built else (periods[0].period if periods else None)


@bp.route("")
@page_access(*EVERYONE)
def overview_page() -> str | BaseResponse:
    """The regional lead's overview of one period."""
    principal = current_principal()
    if principal.role == DATA_OFFICER:
        period = request.args.get("period")
        return redirect(url_for(".authority", code=principal.authority, period=period))
    session = get_session()
    periods = store.release_periods(session)
    period = _chosen_period(periods)
    release = store.current_release(session, period) if period else None
    page: overview.Overview | None = None
    suppliers: presenting.ShownTable | None = None
    query, sort_key = request.args.get("q", ""), request.args.get("sort", "")
    if release is not None and period is not None:
        page = overview.regional(session, period)
        supplier_table = store.load_table(session, period, SUPPLIER_PICTURE)
        if supplier_table is not None:
            suppliers = _searched(supplier_table, overview.SUPPLIER_COLUMN, query, sort_key)
    return render_template(
        "picture/overview.html",
        periods=periods,
        period=period,
        release=release,
        overview=page,
        suppliers=suppliers,
        q=query,
        sort=sort_key,
        tables=TABLES,
        sort_args={k: v for k, v in (("period", period), ("q", query)) if v},
    )


def _searched(
    table: PublishedTable, column: str, query: str, sort_key: str
) -> presenting.ShownTable:
    found = presenting.search(table, column, query) if query else table
    if sort_key:
        found = presenting.sort(found, sort_key)
    page = request.args.get("page", "1")
    return presenting.shown(
        found, page=int(page) if page.isdigit() else 1, page_size=presenting.PAGE_SIZE
    )


@bp.route("/authority/<string:code>")
@page_access(*EVERYONE)
def authority(code: str) -> str:
    """One authority against the region (a data officer sees their own authority only)."""
    principal = current_principal()
    require_authority(principal, code)
    session = get_session()
    known = session.query(Authority).filter_by(code=code).one_or_none()
    if known is None:
        raise NotFound("No authority has that code.")
    periods = store.release_periods(session)
    period = _chosen_period(periods)
    release = store.current_release(session, period) if period else None
    private = principal.role in (DATA_OFFICER, REGIONAL_LEAD)  # the authority's own figures
    page = (
        overview.for_authority(session, period, code, private=private)
        if release and period
        else None
    )
    return render_template(
        "picture/authority.html",
        authority=known,
        periods=periods,
        period=period,
        release=release,
        overview=page,
    )


@bp.route("/fair-price")
@page_access(*EVERYONE)
def fair_price() -> str:
    """The fair price calculator: choose a care type (and more) to see the regional range."""
    session = get_session()
    periods = store.release_periods(session)
    period = _chosen_period(periods)
    choice = calculator.FairPriceQuery.from_args(request.args)
    answer = calculator.fair_price(session, period, choice) if period and choice.asked else None
    return render_template(
        "picture/fair_price.html",
        periods=periods,
        period=period,
        choice=choice,
        answer=answer,
        options=calculator.fair_price_options(),
    )


@bp.route("/certificates")
@page_access(IG_OFFICER, REGIONAL_LEAD, ADMIN)
def certificates() -> str:
    """Every release of the picture, newest first, with its certificate's id."""
    return render_template("picture/certificates.html", releases=store.list_releases(get_session()))


@bp.route("/certificates/<string:certificate_id>")
@page_access(IG_OFFICER, REGIONAL_LEAD, ADMIN)
def certificate(certificate_id: str) -> str:
    """One disclosure certificate in full: rules, key versions, withheld cells, attacker."""
    release = store.find_certificate(get_session(), certificate_id[:64])
    if release is None:
        raise NotFound("No release has a certificate with that id.")
    return render_template(
        "picture/certificate.html",
        release=release,
        certificate=release.certificate,
        withheld=overview.certificate_cells(release.certificate),
    )


@bp.route("/framework-prices", methods=["GET", "POST"])
@page_access(REGIONAL_LEAD, IG_OFFICER, ADMIN)
def framework_prices() -> str | BaseResponse:
    """The agreed framework prices; the regional lead uploads a replacement table."""
    principal = current_principal()
    session = get_session()
    if request.method == "POST":
        if principal.role != REGIONAL_LEAD:
            deny(principal, reason="role", object="picture:framework_prices")
        upload = request.files.get("prices")
        if upload is None or not upload.filename:
            flash("Choose the CSV file of framework prices to upload.")
            return redirect(url_for(".framework_prices"))
        try:
            count = upload_prices(session, upload.stream.read(), actor=principal.actor)
        except InvalidRequest as problem:
            session.rollback()
            flash(f"Not uploaded: {problem.message}")
            return redirect(url_for(".framework_prices"))
        flash(f"Framework prices uploaded: {count} line(s). Savings are being recalculated.")
        return redirect(url_for(".framework_prices"))
    return render_template(
        "picture/framework_prices.html",
        prices=current_prices(session),
        may_upload=principal.role == REGIONAL_LEAD,
    )


@bp.route("/<string:name>")
@page_access(*EVERYONE)
def table(name: str) -> str:
    """One published table of a period, with its download links."""
    principal = current_principal()
    reading.require_table(principal, name)
    session = get_session()
    periods = store.release_periods(session)
    period = _chosen_period(periods)
    care_type = request.args.get("care_type") or None
    view = (
        reading.read_table(session, principal, period=period, name=name, care_type=care_type)
        if period
        else None
    )
    shown = None
    if view is not None and view.table is not None:
        query, sort_key = request.args.get("q", ""), request.args.get("sort", "")
        column = view.table.key[0] if view.table.key else ""
        shown = _searched(view.table, column, query, sort_key)
    return render_template(
        "picture/table.html",
        name=name,
        title=TABLES[name],
        periods=periods,
        period=period,
        view=view,
        shown=shown,
        care_type=care_type,
        q=request.args.get("q", ""),
        sort=request.args.get("sort", ""),
        sort_args={
            k: v
            for k, v in (
                ("period", period),
                ("care_type", care_type),
                ("q", request.args.get("q", "")),
            )
            if v
        },
    )


@bp.route("/<string:name>/download")
@page_access(*EVERYONE)
def download(name: str) -> Response:
    """The table as a file (``format`` csv, xlsx, json or zip), audited."""
    args: dict[str, Any] = request.args
    period = args.get("period", "")
    if not period:
        raise InvalidRequest("Say which period to download: ?period=2026-Q2.")
    file = reading.download_table(
        get_session(),
        current_principal(),
        period=period,
        name=name,
        fmt=args.get("format", "csv"),
        care_type=args.get("care_type") or None,
    )
    return reading.file_response(file)
