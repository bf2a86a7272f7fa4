"""The regional picture's API: periods, an overview, every table as a file, the fair price
calculator, certificates, and the framework price upload.

Everything here reads stored releases (one row per table), never the returns' rows.
A period label that is not a period, an unknown table, care type or format is a 400
in the one JSON error shape; a well-formed period without returns is not an error (no
release: the overview says so). Downloads are audited; a data officer asking for a
supplier-level table is refused (403, audited).
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from exchange.accounts.auth import api_access, current_principal
from exchange.accounts.models import ADMIN, DATA_OFFICER, IG_OFFICER, REGIONAL_LEAD
from exchange.db import get_session
from exchange.errors import InvalidRequest
from exchange.picture import calculator, overview, reading, store
from exchange.picture.catalogue import TABLES
from exchange.picture.errors import UnknownRelease
from exchange.picture.framework_upload import upload_prices

blp = Blueprint(
    "picture",
    __name__,
    url_prefix="/api/v1/picture",
    description="The regional picture: protected tables, downloads with their certificate",
)
_BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
_READERS = (DATA_OFFICER, REGIONAL_LEAD, IG_OFFICER, ADMIN)
_FILE_RESPONSES = {
    "200": {
        "description": "The table (JSON with its certificate, CSV, XLSX or ZIP)",
        "headers": {
            "Disclosure-Certificate": {
                "description": "The certificate's id",
                "schema": {"type": "string"},
            },
            "Link": {
                "description": "Where to fetch the certificate (rel=describedby)",
                "schema": {"type": "string"},
            },
        },
    }
}


class PeriodSchema(Schema):
    period = fields.String()
    release = fields.Integer(allow_none=True, metadata={"description": "Current release number"})
    created_at = fields.DateTime(allow_none=True)
    certificate_id = fields.String(allow_none=True)
    stale = fields.Boolean(metadata={"description": "Returns changed; a rebuild is due"})
    last_error = fields.String(allow_none=True)


class PeriodListSchema(Schema):
    periods = fields.List(fields.Nested(PeriodSchema))


class TableArgsSchema(Schema):
    format = fields.String(metadata={"description": "json (default), csv, xlsx or zip"})
    care_type = fields.String(metadata={"description": "Only this care type's rows"})


class FairPriceArgsSchema(Schema):
    period = fields.String(metadata={"description": "Default: the newest built period"})
    care_type = fields.String(metadata={"description": "A care type code (required)"})
    support_reason = fields.String()
    provider_type = fields.String()


class FrameworkUploadSchema(Schema):
    lines = fields.Integer()


@blp.route("/periods")
class Periods(MethodView):
    @blp.doc(security=_BEARER)
    @blp.response(200, PeriodListSchema)
    @api_access(*_READERS)
    def get(self) -> dict[str, Any]:
        """Periods with returns, newest first, with their current release and state."""
        return {
            "periods": [
                {
                    "period": p.period,
                    "release": p.release_number,
                    "created_at": p.created_at,
                    "certificate_id": p.certificate_id,
                    "stale": p.stale,
                    "last_error": p.last_error,
                }
                for p in store.release_periods(get_session())
            ]
        }


@blp.route("/<string:period>/overview")
class Overview(MethodView):
    @blp.doc(security=_BEARER)
    @blp.response(200)
    @api_access(*_READERS)
    def get(self, period: str) -> dict[str, Any]:
        """Summary figures and the small tables of the overview (stored release only)."""
        principal = current_principal()
        period = reading.check_period(period)
        return overview.api_overview(get_session(), principal, period)


@blp.route("/<string:period>/tables")
class Tables(MethodView):
    @blp.doc(security=_BEARER)
    @blp.response(200)
    @api_access(*_READERS)
    def get(self, period: str) -> dict[str, Any]:
        """The period's tables the caller may read, with their titles."""
        principal = current_principal()
        period = reading.check_period(period)
        release = store.current_release(get_session(), period)
        names = release.table_names if release else ()
        return {
            "period": period,
            "release": release.number if release else None,
            "certificate_id": release.certificate_id if release else None,
            "tables": [
                {"name": n, "title": TABLES[n], "href": f"/api/v1/picture/{period}/tables/{n}"}
                for n in names
                if reading.may_read(principal, n)
            ],
        }


@blp.route("/<string:period>/tables/<string:name>")
class Table(MethodView):
    @blp.doc(security=_BEARER, responses=_FILE_RESPONSES)
    @blp.arguments(TableArgsSchema, location="query", as_kwargs=True)
    @api_access(*_READERS)
    def get(self, period: str, name: str, **_: Any) -> Response:
        """One table with its disclosure certificate, as json, csv, xlsx or zip (audited)."""
        file = reading.download_table(
            get_session(),
            current_principal(),
            period=period,
            name=name,
            fmt=request.args.get("format", "json"),
            care_type=request.args.get("care_type") or None,
        )
        return reading.file_response(file)


@blp.route("/fair-price")
class FairPrice(MethodView):
    @blp.doc(security=_BEARER)
    @blp.arguments(FairPriceArgsSchema, location="query", as_kwargs=True)
    @blp.response(200)
    @api_access(*_READERS)
    def get(self, **_: Any) -> dict[str, Any]:
        """The fair price guide's regional weekly range for a care type (and more)."""
        session = get_session()
        asked = request.args.get("period", "").strip()
        if asked:
            period: str | None = reading.check_period(asked)
        else:
            built = [p.period for p in store.release_periods(session) if p.release_number]
            period = built[0] if built else None
        choice = calculator.FairPriceQuery.from_args(request.args)
        choice.check()
        if period is None:
            return {"period": None, "query": choice.as_dict(), "rows": [], "certificate_id": None}
        answer = calculator.fair_price(session, period, choice)
        return answer.as_dict()


@blp.route("/certificates/<string:certificate_id>")
class Certificate(MethodView):
    @blp.doc(security=_BEARER)
    @blp.response(200)
    @api_access(*_READERS)
    def get(self, certificate_id: str) -> dict[str, Any]:
        """A disclosure certificate, with the hub's signature over it and its release."""
        release = store.find_certificate(get_session(), certificate_id[:64])
        if release is None:
            raise UnknownRelease("No release has a certificate with that id.")
        return {
            "certificate": release.certificate,
            "signature": release.signature,
            "hub_key_id": release.hub_key_id,
            "period": release.period,
            "release": release.number,
            "status": release.status,
            "created_at": release.created_at.isoformat(),
        }


@blp.route("/framework-prices")
class FrameworkPrices(MethodView):
    @blp.doc(
        security=_BEARER,
        requestBody={
            "required": True,
            "description": "CSV: care_type, primary_support_reason (may be empty), weekly_price",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
    )
    @blp.response(201, FrameworkUploadSchema)
    @api_access(REGIONAL_LEAD)
    def post(self) -> tuple[dict[str, Any], int]:
        """Replace the framework price table (the regional lead; audited)."""
        raw = request.get_data(cache=False)
        if not raw:
            raise InvalidRequest("Send the framework price CSV as the request body.")
        lines = upload_prices(get_session(), raw, actor=current_principal().actor)
        return {"lines": lines}, 201
