"""The returns API: upload a return, read returns and receipts back, and the tracker.

``POST /api/v1/returns`` takes the return file as the raw request body
(``Content-Type: application/octet-stream``), never a form. The size cap
(``EXCHANGE_RETURNS_MAX_BYTES``) is applied before reading: a larger ``Content-Length``
is refused at once, a chunked body is cut off when it passes the cap. A refusal after
reading has begun drains the rest of the body (up to the cap) first, so the client
receives the answer rather than a reset connection.
"""

from __future__ import annotations

from typing import IO, Any, BinaryIO, cast

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from exchange.accounts.auth import api_access, current_principal, require_authority
from exchange.accounts.models import ADMIN, DATA_OFFICER, IG_OFFICER, REGIONAL_LEAD
from exchange.config import current_settings
from exchange.db import get_session
from exchange.errors import MAX_INDEX, PLAIN_TEXT
from exchange.returns import queries, tracker
from exchange.returns.access import ingest_settings, return_store, visible
from exchange.returns.errors import LengthRequired, ReturnRefused, ReturnTooLarge
from exchange.returns.models import STATUSES
from exchange.returns.services import Acceptance, Uploader, record_refusal, submit_return

blp = Blueprint(
    "returns",
    __name__,
    url_prefix="/api/v1/returns",
    description="Returns: upload with a signed receipt, read back, and the tracker",
)
_BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
_READERS = (DATA_OFFICER, REGIONAL_LEAD, IG_OFFICER, ADMIN)
_UPLOAD_BODY = {
    "required": True,
    "description": "The return file exactly as `anonymiser prepare` wrote it",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


class ReturnSchema(Schema):
    manifest_hash = fields.String(metadata={"description": "SHA-256 of the manifest bytes"})
    authority = fields.String()
    return_type = fields.String()
    schema_version = fields.Integer()
    period = fields.String()
    sequence = fields.Integer()
    status = fields.String(metadata={"description": "accepted (current) or superseded"})
    rows = fields.Integer()
    created_at = fields.DateTime(metadata={"description": "When the authority signed it"})
    received_at = fields.DateTime(metadata={"description": "When the hub received it"})
    uploaded_by = fields.String()
    supersedes = fields.String(allow_none=True)
    superseded_at = fields.DateTime(allow_none=True)
    key_id = fields.String()
    flags = fields.List(fields.String())
    disclosure_policy_sha256 = fields.String()
    log_index = fields.Integer(metadata={"description": "Its audit entry's index"})
    deleted_at = fields.DateTime(
        allow_none=True, metadata={"description": "When retention deleted its rows and file"}
    )


class UploadSchema(Schema):
    manifest_hash = fields.String()
    status = fields.String()
    replayed = fields.Boolean(metadata={"description": "The same return was already stored"})
    return_ = fields.Nested(ReturnSchema, data_key="return")
    receipt = fields.Dict(metadata={"description": "The signed receipt envelope (docs/hub.md)"})


class ReturnDetailSchema(UploadSchema):
    history = fields.List(
        fields.Nested(ReturnSchema), metadata={"description": "The period's returns, oldest first"}
    )


class ReturnQuerySchema(Schema):
    authority = fields.String(validate=[validate.Length(max=9), PLAIN_TEXT])
    return_type = fields.String(validate=[validate.Length(max=64), PLAIN_TEXT])
    period = fields.String(validate=[validate.Length(max=32), PLAIN_TEXT])
    status = fields.String(validate=validate.OneOf(STATUSES))
    before = fields.Integer(
        validate=validate.Range(min=0, max=MAX_INDEX), metadata={"description": "paging"}
    )
    limit = fields.Integer(validate=validate.Range(min=1, max=1000))


class ReturnPageSchema(Schema):
    returns = fields.List(fields.Nested(ReturnSchema))
    next_before = fields.Integer(allow_none=True)


class TrackerQuerySchema(Schema):
    return_type = fields.String(required=True, validate=[validate.Length(max=64), PLAIN_TEXT])
    period = fields.String(required=True, validate=[validate.Length(max=32), PLAIN_TEXT])


class AuthorityStateSchema(Schema):
    code = fields.String()
    name = fields.String()
    state = fields.String(metadata={"description": ", ".join(tracker.STATES)})
    on_time = fields.Boolean(allow_none=True)
    received_at = fields.DateTime(allow_none=True)
    manifest_hash = fields.String(allow_none=True)
    superseded = fields.Integer(metadata={"description": "Earlier returns it replaced"})
    reason = fields.String(allow_none=True, metadata={"description": "Why it was refused"})


class TrackerSchema(Schema):
    return_type = fields.String()
    period = fields.String()
    due_date = fields.Date()
    expected = fields.Integer()
    returned = fields.Integer()
    on_time = fields.Integer()
    summary = fields.String(metadata={"description": "7 of the 10 returned on time"})
    authorities = fields.List(fields.Nested(AuthorityStateSchema))


@blp.route("")
class Returns(MethodView):
    @blp.doc(security=_BEARER, requestBody=_UPLOAD_BODY)
    @blp.response(201, UploadSchema, description="Accepted: stored, with a signed receipt")
    @blp.alt_response(200, schema=UploadSchema, description="The same return again: its receipt")
    @api_access(DATA_OFFICER)
    def post(self) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Upload a signed return file (the raw body); the answer carries the hub's receipt."""
        principal = current_principal()
        uploader = Uploader(principal.actor, principal.authority)
        session = get_session()
        try:
            body = _upload_body(current_settings().returns_max_bytes)
        except ReturnRefused as refusal:
            session.rollback()
            record_refusal(session, refusal=refusal, uploader=uploader)
            raise
        try:
            acceptance = submit_return(
                session, body=body, uploader=uploader, store=return_store(),
                settings=ingest_settings(),
            )  # fmt: skip
        except ReturnRefused:
            _drain(body)
            raise
        location = {"Location": f"/api/v1/returns/{acceptance.record.manifest_hash}"}
        return upload_answer(acceptance), 200 if acceptance.replayed else 201, location

    @blp.doc(security=_BEARER)
    @api_access(*_READERS)
    @blp.arguments(ReturnQuerySchema, location="query")
    @blp.response(200, ReturnPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Returns, newest first; a data officer sees their own authority's only."""
        principal = current_principal()
        if principal.role == DATA_OFFICER:
            require_authority(principal, query.setdefault("authority", principal.authority or ""))
        limit = query.pop("limit", 100)
        before = query.pop("before", None)
        found = queries.find_returns(
            get_session(), filters=queries.ReturnFilter(**query), limit=limit, before=before
        )
        return {
            "returns": [queries.return_record(record) for record in found],
            "next_before": found[-1].id if len(found) == limit else None,
        }


@blp.route("/tracker")
class Tracker(MethodView):
    @blp.doc(security=_BEARER)
    @api_access(REGIONAL_LEAD, IG_OFFICER, ADMIN)
    @blp.arguments(TrackerQuerySchema, location="query")
    @blp.response(200, TrackerSchema)
    def get(self, query: dict[str, str]) -> dict[str, Any]:
        """Each expected authority's state for one tracked period, with the summary."""
        status = tracker.period_status(get_session(), **query)
        return {
            "return_type": status.return_type,
            "period": status.period,
            "due_date": status.due_date,
            "expected": status.expected,
            "returned": status.returned,
            "on_time": status.on_time,
            "summary": status.summary,
            "authorities": status.authorities,
        }


@blp.route("/<string:manifest_hash>")
class ReturnByHash(MethodView):
    @blp.doc(security=_BEARER)
    @blp.response(200, ReturnDetailSchema)
    @api_access(*_READERS)
    def get(self, manifest_hash: str) -> dict[str, Any]:
        """One return, its receipt, and the history of its period (superseded ones too)."""
        session = get_session()
        record = visible(current_principal(), queries.find_return(session, manifest_hash))
        answer = upload_answer(Acceptance(record, replayed=False))
        answer["history"] = [queries.return_record(r) for r in queries.history(session, record)]
        return answer


def upload_answer(acceptance: Acceptance) -> dict[str, Any]:
    """The answer to an upload: the return, its current status and its receipt."""
    record = acceptance.record
    return {
        "manifest_hash": record.manifest_hash,
        "status": record.status,
        "replayed": acceptance.replayed,
        "return_": queries.return_record(record),
        "receipt": queries.receipt_document(record),
    }


class _CappedBody:
    """The request body, turning Werkzeug's over-the-cap error into a refusal."""

    def __init__(self, stream: IO[bytes], cap: int) -> None:
        self._stream, self._cap = stream, cap

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except RequestEntityTooLarge:
            raise _too_large(self._cap) from None


def _upload_body(cap: int) -> BinaryIO:
    """The body stream, capped; refuses before reading when the cap is plainly exceeded."""
    request.max_content_length = cap
    length = request.content_length
    if length is not None and length > cap:
        raise _too_large(cap)
    if length is None and not request.environ.get("wsgi.input_terminated"):
        raise LengthRequired(
            "Send the return with a Content-Length header (or chunked transfer encoding)."
        )
    return cast(BinaryIO, _CappedBody(request.stream, cap))


def _too_large(cap: int) -> ReturnTooLarge:
    return ReturnTooLarge(
        f"The upload is larger than the hub accepts ({cap:,} bytes). Ask the hub "
        "administrator whether the limit should be raised."
    )


def _drain(body: BinaryIO) -> None:
    """Read what is left of a refused upload, so the client gets the answer."""
    try:
        while body.read(1 << 20):
            pass
    except (ReturnRefused, HTTPException, OSError):
        return
