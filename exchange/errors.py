"""What the hub refuses, and the one shape every error takes on the wire.

    ExchangeError                  something the hub refuses or cannot do     500
    ├── ConfigurationError         unsafe or invalid settings; no start       -
    ├── InvalidRequest             malformed input or a broken rule           400
    ├── AuthenticationRequired     no valid login or API token                401
    ├── PermissionDenied           authenticated, but not allowed             403
    ├── NotFound                   no such thing (or not visible to you)      404
    ├── Conflict                   it already exists, or the state forbids it 409
    └── Throttled                  too many attempts; wait and retry          429

Each domain subclasses these (``exchange.registry.errors`` and so on); the status
and machine-readable ``code`` live on the classes here, so the HTTP mapping is in
this one place. Every error response, from these, from Werkzeug (404, 405, 413),
from Flask-Limiter (429), from request validation (422) or unexpected (500), is::

    {"error": {"status": 404, "code": "not_found", "message": "...",
               "request_id": "...", "details": {...}}}

(``details`` only when there is something to add, such as field errors). Browsers
asking for HTML get the same fields on a page. Messages never carry personal data,
a token or a secret: they are written for the person who must act on them.
"""

from __future__ import annotations

import re
import traceback
from typing import Any

import flask_smorest
import marshmallow as ma
import structlog
from flask import Flask, Response, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = structlog.get_logger("exchange.errors")


class ExchangeError(Exception):
    """Base of every error the hub raises on purpose."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ConfigurationError(ExchangeError):
    """The settings are invalid or unsafe; the hub does not start."""

    code = "configuration_error"

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


class InvalidRequest(ExchangeError):
    """The request or command is malformed or breaks a rule."""

    status = 400
    code = "bad_request"


class AuthenticationRequired(ExchangeError):
    """No valid login session or API token."""

    status = 401
    code = "unauthenticated"


class PermissionDenied(ExchangeError):
    """Authenticated, but this role or authority may not do this."""

    status = 403
    code = "forbidden"


class NotFound(ExchangeError):
    """No such thing, or not one the caller may know about."""

    status = 404
    code = "not_found"


class Conflict(ExchangeError):
    """It already exists, or its current state forbids the change."""

    status = 409
    code = "conflict"


class Throttled(ExchangeError):
    """Too many attempts in a short time."""

    status = 429
    code = "too_many_requests"


#: Largest integer a query parameter may carry: PostgreSQL's BIGINT (larger ones would make
#: the database, not the request, fail).
MAX_INDEX = 2**63 - 1
#: Text query parameters: no control characters (PostgreSQL refuses NUL in text outright).
PLAIN_TEXT = ma.validate.Regexp(
    r"\A[^\x00-\x1f\x7f]*\Z", error="Control characters are not allowed here."
)


class ErrorDetailSchema(ma.Schema):
    """The fields of an error, as documented in the OpenAPI document."""

    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status."})
    code = ma.fields.String(
        required=True, metadata={"description": "Machine-readable, e.g. `not_found`."}
    )
    message = ma.fields.String(required=True, metadata={"description": "What to do about it."})
    request_id = ma.fields.String(
        required=True, allow_none=True, metadata={"description": "Quote it to the administrator."}
    )
    details = ma.fields.Dict(metadata={"description": "More, such as field errors."})


class ErrorEnvelopeSchema(ma.Schema):
    """Every error response: ``{"error": {...}}``."""

    error = ma.fields.Nested(ErrorDetailSchema, required=True)


class Api(flask_smorest.Api):
    """flask-smorest's Api documenting the hub's own error shape for every error response
    (its default documents flask-smorest's ``{code, status, message, errors}``, which the
    hub never sends)."""

    ERROR_SCHEMA = ErrorEnvelopeSchema


def error_body(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The error envelope, with the current request's id."""
    error: dict[str, Any] = {
        "status": status,
        "code": code,
        "message": message,
        "request_id": g.get("request_id"),
    }
    if details:
        error["details"] = details
    return {"error": error}


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    """The error as JSON, or as an HTML page when a browser asked for one."""
    body = error_body(status, code, message, details)
    if _wants_html():
        page = render_template("error.html", error=body["error"])
        response = Response(page, status=status, mimetype="text/html")
    else:
        response = jsonify(body)
        response.status_code = status
    if status == 401 and request.path.startswith("/api/"):
        response.headers["WWW-Authenticate"] = 'Bearer realm="exchange"'
    return response


def init_app(app: Flask) -> None:
    """Route every error through :func:`error_response` (after flask-smorest's setup)."""
    app.register_error_handler(ExchangeError, _handle_exchange_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)


def _handle_exchange_error(error: ExchangeError) -> Response:
    return error_response(error.status, error.code, error.message, error.details)


def _handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    code = _snake(error.name)
    message = error.description or error.name
    details = None
    data = getattr(error, "data", None)
    if isinstance(data, dict) and "messages" in data:  # flask-smorest validation (422)
        details = {"fields": data["messages"]}
        message = "The request's parameters are not valid; see details."
    if status == 429:
        message = "Too many requests; wait a little and try again."
    if isinstance(error, CSRFError):
        code = "csrf_failed"
        message = "The form's security token is missing or stale; reload the page and retry."
    response = error_response(status, code, message, details)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _handle_http_exception(error)
    # The message may quote a database value, so only the type and the frames are logged.
    frames = [
        f"{frame.filename}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(error.__traceback__)[-6:]
    ]
    log.error("unexpected_error", error_type=type(error).__name__, frames=frames)
    message = "The hub hit an unexpected error; quote the request id to the administrator."
    return error_response(500, "internal_error", message)


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _wants_html() -> bool:
    if request.path.startswith("/api/"):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"
