"""API tokens (stored hashed, expiring, revocable, dying with their user) and who may see
what: roles, one authority's officer against another's data, each refusal audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from exchange.accounts.models import ApiToken
from exchange.audit import tags
from exchange.db import get_session


def _json(response: TestResponse) -> Any:
    """The response body as JSON (for tests, where the shape is what is checked)."""
    return json.loads(response.get_data(as_text=True))


DERBY, LEICESTER = "E06000015", "E06000016"


def test_a_token_identifies_its_user_and_authority(
    client: FlaskClient, hub: Any, auth_header: Any
) -> None:
    """GET /api/v1/me with a token returns the user id, role and authority, not the secret."""
    hub.authority(DERBY)
    name = hub.user("data_officer", DERBY)
    token = hub.token(name)
    response = client.get("/api/v1/me", headers=auth_header(token))
    assert response.status_code == 200
    body = _json(response)
    assert body["user"] == f"user:{hub.user_id(name)}"
    assert (body["role"], body["authority"]) == ("data_officer", DERBY)
    assert body["token"]["prefix"] == token.split("_")[1]
    assert token not in response.get_data(as_text=True)


def test_tokens_are_stored_only_as_hashes(app: Flask, hub: Any) -> None:
    """The database holds the SHA-256 of a token, never the token or its secret part."""
    token = hub.token(hub.user("ig_officer"))
    with app.app_context():
        stored = get_session().scalars(select(ApiToken)).one()
    assert len(stored.token_hash) == 64
    assert token.split("_", 2)[2] not in stored.token_hash


def _rejected(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body: dict[str, Any] = _json(response)
    return body["error"]


def test_missing_malformed_and_unknown_tokens_are_refused(
    client: FlaskClient, hub: Any, auth_header: Any
) -> None:
    """No token, a malformed one and a well-formed stranger all get 401; the stranger is audited."""
    assert _rejected(client, {})["code"] == "unauthenticated"
    assert _rejected(client, auth_header("exch_nonsense"))["code"] == "invalid_token"
    stranger = "exch_0123456789ab_" + "A" * 43
    assert "unknown" in _rejected(client, auth_header(stranger))["message"]
    rejected = hub.entries(tags.TOKEN_REJECT)
    assert [(e.object, e.details) for e in rejected] == [
        ("token:0123456789ab", {"reason": "unknown"})
    ]


def test_a_revoked_token_is_refused(
    app: Flask, client: FlaskClient, hub: Any, auth_header: Any
) -> None:
    """After `token revoke`, the token answers 401 and the refusal is audited."""
    token = hub.token(hub.user("regional_lead"))
    assert client.get("/api/v1/me", headers=auth_header(token)).status_code == 200
    result = app.test_cli_runner().invoke(args=["token", "revoke", token.split("_")[1]])
    assert result.exit_code == 0, result.output
    assert "revoked" in _rejected(client, auth_header(token))["message"]
    assert hub.entries(tags.TOKEN_REJECT)[-1].details == {"reason": "revoked"}


def test_an_expired_token_is_refused(client: FlaskClient, hub: Any, auth_header: Any) -> None:
    """A token past its expiry answers 401 'expired'."""
    issued = datetime.now(UTC) - timedelta(days=3)
    token = hub.token(hub.user("regional_lead"), days=2, now=issued)
    assert "expired" in _rejected(client, auth_header(token))["message"]


def test_a_disabled_users_tokens_stop_working(
    app: Flask, client: FlaskClient, hub: Any, auth_header: Any
) -> None:
    """Disabling a user refuses their tokens at once."""
    name = hub.user("regional_lead")
    token = hub.token(name)
    assert app.test_cli_runner().invoke(args=["user", "disable", name]).exit_code == 0
    assert "user disabled" in _rejected(client, auth_header(token))["message"]


def test_a_regional_lead_cannot_read_audit_entries(
    client: FlaskClient, hub: Any, auth_header: Any
) -> None:
    """A role without access gets 403 in the one error shape, and the refusal is audited."""
    name = hub.user("regional_lead")
    response = client.get("/api/v1/audit/entries", headers=auth_header(hub.token(name)))
    assert response.status_code == 403
    assert _json(response)["error"]["code"] == "forbidden"
    denied = hub.entries(tags.ACCESS_DENY)
    assert [(e.actor, e.details["reason"]) for e in denied] == [
        (f"user:{hub.user_id(name)}", "role")
    ]


def test_a_data_officer_sees_only_their_authority(
    client: FlaskClient, hub: Any, auth_header: Any
) -> None:
    """Derby's officer reads Derby's entries; asking for Leicester's is 403 and audited."""
    hub.authority(DERBY)
    hub.authority(LEICESTER)
    derby_token = hub.token(hub.user("data_officer", DERBY))
    hub.user("data_officer", LEICESTER)
    own = client.get("/api/v1/audit/entries", headers=auth_header(derby_token))
    assert own.status_code == 200
    assert {e["authority"] for e in _json(own)["entries"]} == {DERBY}
    other = client.get(
        f"/api/v1/audit/entries?authority={LEICESTER}", headers=auth_header(derby_token)
    )
    assert other.status_code == 403
    denied = hub.entries(tags.ACCESS_DENY)
    assert [(e.authority, e.object, e.details["reason"]) for e in denied] == [
        (DERBY, f"authority:{LEICESTER}", "other_authority")
    ]


def test_the_ig_officer_filters_entries_and_pages_through(
    client: FlaskClient, hub: Any, auth_header: Any
) -> None:
    """Entries filter by authority and action, newest first, with a cursor to older ones."""
    for code in (DERBY, LEICESTER, "E06000017"):
        hub.authority(code)
    token = hub.token(hub.user("ig_officer"))
    headers = auth_header(token)
    page = client.get("/api/v1/audit/entries?action=registry:authority&limit=2", headers=headers)
    assert [e["authority"] for e in _json(page)["entries"]] == ["E06000017", LEICESTER]
    before = _json(page)["next_before"]
    older = client.get(
        f"/api/v1/audit/entries?action=registry:authority&limit=2&before={before}", headers=headers
    )
    assert [e["authority"] for e in _json(older)["entries"]] == [DERBY]
    assert _json(older)["next_before"] is None
    only = client.get(f"/api/v1/audit/entries?authority={LEICESTER}", headers=headers)
    assert [e["tag"] for e in _json(only)["entries"]] == [tags.AUTHORITY_ADD]


def test_authorities_are_listed_with_their_keys(
    client: FlaskClient, hub: Any, auth_header: Any, runner: Any
) -> None:
    """Any token may list authorities with each key's id, purpose and status."""
    hub.authority(DERBY)
    runner.invoke(args=["key", "register", "--authority", DERBY, "--public-key", "ab" * 32])
    token = hub.token(hub.user("regional_lead"))
    listed = _json(client.get("/api/v1/authorities", headers=auth_header(token)))
    assert [a["code"] for a in listed] == [DERBY]
    assert [(k["purpose"], k["status"]) for k in listed[0]["keys"]] == [("signing", "active")]
    missing = client.get("/api/v1/authorities/E09999999", headers=auth_header(token))
    assert missing.status_code == 404


def test_admin_pages_are_for_administrators(app: Flask, hub: Any) -> None:
    """Anonymous visitors are sent to log in; an IG officer gets 403; an admin sees the lists."""
    client = app.test_client()
    assert client.get("/admin/users").headers["Location"].startswith("/login")
    hub.login(client, hub.user("ig_officer"))
    assert client.get("/admin/authorities").status_code == 403
    admin_client = app.test_client()
    hub.authority(DERBY)
    hub.login(admin_client, hub.user("admin"))
    assert "Derby" in admin_client.get("/admin/authorities").get_data(as_text=True)
    assert "user:" in admin_client.get("/admin/users").get_data(as_text=True)
