"""Structured logs and request ids.

Logs are structlog events rendered as JSON lines (or for people, in development) and
handed to the standard ``logging`` module under the ``exchange`` logger. Every
request gets an id (a safe ``X-Request-ID`` from the proxy, or a new one), bound to
every log line and returned in the response and in error bodies. One line per
request names the method, path (never the query string), status, time and the
actor's id. Values under keys that name secrets are replaced before rendering.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import MutableMapping
from typing import Any

import structlog
from flask import Flask, Response, g, request

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
REDACTED_KEYS = frozenset(
    {"password", "token", "authorization", "cookie", "secret", "secret_key", "passphrase"}
)
log = structlog.get_logger("exchange.http")


def redact_secrets(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor that blanks values under keys naming secrets."""
    for key in event:
        if key.lower() in REDACTED_KEYS:
            event[key] = "[redacted]"
    return event


class _StderrHandler(logging.StreamHandler):
    """The hub's own handler, so configuring twice does not print every line twice."""


def configure_logging(*, level: str, style: str) -> None:
    """Set up structlog and the ``exchange`` logger (idempotent)."""
    renderer: Any = (
        structlog.processors.JSONRenderer(sort_keys=True)
        if style == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_secrets,
            renderer,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=False,
    )
    logger = logging.getLogger("exchange")
    logger.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler(sys.stderr))


def init_app(app: Flask, *, level: str, style: str) -> None:
    """Log through structlog and give every request an id."""
    configure_logging(level=level, style=style)
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.teardown_request(_clear_context)


def _start_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=g.request_id)


def _finish_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    started = g.get("request_started")
    principal = g.get("principal")
    log.info(
        "request",
        method=request.method,
        path=request.path,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 1) if started else None,
        actor=principal.actor if principal is not None else None,
    )
    return response


def _clear_context(_error: BaseException | None = None) -> None:
    structlog.contextvars.clear_contextvars()
