"""The HTTP surface: one JSON error shape for every error, the OpenAPI document served by
the hub itself, security headers, request ids, and logs free of personal data and tokens."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from exchange.security import CONTENT_SECURITY_POLICY


def _json(response: TestResponse) -> Any:
    """The response body as JSON (for tests, where the shape is what is checked)."""
    return json.loads(response.get_data(as_text=True))


ERROR_KEYS = {"status", "code", "message", "request_id"}


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = _json(response)
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert ERROR_KEYS <= set(error) <= ERROR_KEYS | {"details"}
    assert (error["status"], error["code"]) == (status, code)
    assert error["request_id"] == response.headers["X-Request-ID"]
    return error


def test_unknown_paths_and_wrong_methods_share_the_error_shape(client: FlaskClient) -> None:
    """404 and 405, on the API and off it, are the same JSON envelope; 405 names what is allowed."""
    _error(client.get("/api/v1/nothing-here"), 404, "not_found")
    _error(client.get("/no/such/page"), 404, "not_found")
    response = client.delete("/api/v1/authorities")
    _error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_auth_errors_share_the_error_shape(client: FlaskClient, hub: Any, auth_header: Any) -> None:
    """401 (no token) and 403 (wrong role) are the same envelope."""
    _error(client.get("/api/v1/audit/entries"), 401, "unauthenticated")
    token = hub.token(hub.user("regional_lead"))
    _error(client.get("/api/v1/audit/entries", headers=auth_header(token)), 403, "forbidden")


def test_validation_errors_carry_the_fields(
    client: FlaskClient, hub: Any, auth_header: Any
) -> None:
    """A bad query parameter is a 422 whose details name the field."""
    token = hub.token(hub.user("ig_officer"))
    response = client.get("/api/v1/audit/consistency?from=x&to=2", headers=auth_header(token))
    error = _error(response, 422, "unprocessable_entity")
    assert "from" in error["details"]["fields"]["query"]


def test_a_body_over_the_cap_is_413(app_with: Any) -> None:
    """A request body above MAX_CONTENT_LENGTH is refused before it is read, in the shape."""
    client = app_with(MAX_CONTENT_LENGTH=1000).test_client()
    _error(client.post("/login", data={"username": "x" * 5000}), 413, "request_entity_too_large")


def test_too_many_requests_is_429_with_retry_after(app_with: Any) -> None:
    """Past the default rate limit the hub answers 429 in the shape, with Retry-After."""
    client = app_with(RATELIMIT_DEFAULT="2 per minute").test_client()
    for _ in range(2):
        client.get("/api/v1/authorities")
    response = client.get("/api/v1/authorities")
    _error(response, 429, "too_many_requests")
    assert int(response.headers["Retry-After"]) > 0


def test_an_unexpected_error_is_500_without_its_message(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """A crash answers 500 in the shape; neither the answer nor the log quotes its message."""

    def crash() -> str:
        raise RuntimeError("NHS 943 476 5919 at DE22 1AB")

    app.add_url_rule("/api/v1/crash", view_func=crash)
    with caplog.at_level(logging.INFO, logger="exchange"):
        response = app.test_client().get("/api/v1/crash")
    error = _error(response, 500, "internal_error")
    assert "943" not in error["message"]
    assert "RuntimeError" in caplog.text
    assert "943 476" not in caplog.text
    assert "DE22" not in caplog.text


def test_browsers_get_the_error_as_a_page(client: FlaskClient) -> None:
    """A browser asking for HTML gets a page with the same status, code and request id."""
    response = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "not found" in page
    assert response.headers["X-Request-ID"] in page


def test_the_openapi_document_is_served_by_the_hub(client: FlaskClient) -> None:
    """/api/v1/openapi.json lists the endpoints and the bearer scheme; nothing from a CDN."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = _json(response)
    for path in ("/api/v1/authorities", "/api/v1/audit/checkpoint", "/api/v1/me"):
        assert path in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_pages_load_nothing_from_elsewhere(client: FlaskClient) -> None:
    """The login page uses only the hub's own stylesheet and no scripts."""
    page = client.get("/login").get_data(as_text=True)
    assert "<script" not in page
    assert re.findall(r'(?:href|src)="(https?:)?//', page) == []
    with client.get("/static/exchange.css") as stylesheet:
        assert stylesheet.status_code == 200


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/api/v1/nothing"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    """CSP with frame-ancestors, nosniff, no referrer, no caching; no HSTS unless configured."""
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers


def test_hsts_is_sent_when_configured(app_with: Any) -> None:
    """EXCHANGE_HSTS_SECONDS adds Strict-Transport-Security."""
    client = app_with(HSTS_SECONDS=31536000).test_client()
    assert client.get("/login").headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains"
    )


def test_a_safe_request_id_is_kept_and_an_unsafe_one_replaced(client: FlaskClient) -> None:
    """A proxy's X-Request-ID is echoed when it is plain; anything else gets a new id."""
    assert (
        client.get("/login", headers={"X-Request-ID": "abc123def456"}).headers["X-Request-ID"]
        == "abc123def456"
    )
    replaced = client.get("/login", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-ID"])


def test_logs_never_carry_usernames_passwords_or_tokens(
    app: Flask, hub: Any, auth_header: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Logins, failed logins and token calls log ids only: no username, password or token."""
    name = hub.user("ig_officer")
    token = hub.token(name)
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        hub.login(client, name, "the wrong password entirely")
        hub.login(client, name)
        client.get("/audit?actor=user:1")
        client.get("/api/v1/me", headers=auth_header(token))
        client.get("/api/v1/me", headers=auth_header(token[:-2] + "xx"))
    text = caplog.text
    assert "request" in text
    assert f"user:{hub.user_id(name)}" in text
    for secret in (name, "the wrong password", "a long enough test password", token,
                   token.split("_", 2)[2]):  # fmt: skip
        assert secret not in text
