"""Logging in and out: argon2 passwords, audited failures, throttling per account and per
address, CSRF on the forms, and disabled users shut out at once."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from exchange.audit import tags
from exchange.db import get_session


def _json(response: TestResponse) -> Any:
    """The response body as JSON (for tests, where the shape is what is checked)."""
    return json.loads(response.get_data(as_text=True))


WRONG = "not the password at all"


def test_a_user_logs_in_and_sees_their_role(client: FlaskClient, hub: Any) -> None:
    """The right password opens a session; the home page names the role, not the username."""
    name = hub.user("ig_officer")
    response = hub.login(client, name)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "ig officer" in page
    succeeded = hub.entries(tags.LOGIN_SUCCEED)
    assert [e.actor for e in succeeded] == [f"user:{hub.user_id(name)}"]


def test_passwords_are_stored_as_argon2id_hashes(app: Flask, hub: Any) -> None:
    """The database holds an argon2id hash, never the password."""
    from exchange.accounts.services import find_user

    name = hub.user("admin")
    with app.app_context():
        stored = find_user(get_session(), name).password_hash
    assert stored.startswith("$argon2id$")
    assert "test password" not in stored


def test_a_failed_login_is_audited_without_the_attempted_name(
    client: FlaskClient, hub: Any
) -> None:
    """A wrong password answers 401 with a vague message and an audit entry by user id."""
    name = hub.user("admin")
    response = hub.login(client, name, WRONG)
    assert response.status_code == 401
    assert "username or password is wrong" in response.get_data(as_text=True)
    unknown = hub.login(client, "no-such-person", WRONG)
    assert unknown.status_code == 401
    failures = hub.entries(tags.LOGIN_FAIL)
    assert [(e.actor, e.details["reason"]) for e in failures] == [
        (f"user:{hub.user_id(name)}", "bad_password"),
        ("anonymous", "unknown_account"),
    ]
    assert all(name not in e.body and "no-such-person" not in e.body for e in failures)


def test_an_account_is_throttled_after_five_failures(client: FlaskClient, hub: Any) -> None:
    """The sixth attempt on an account is refused (429) even with the right password."""
    name = hub.user("admin")
    for _ in range(5):
        assert hub.login(client, name, WRONG).status_code == 401
    assert hub.login(client, name).status_code == 429
    assert len(hub.entries(tags.LOGIN_THROTTLE)) == 1


def test_an_address_is_throttled_across_accounts(app_with: Any, hub: Any) -> None:
    """Failures spread over many accounts from one address are throttled too."""
    client = app_with(LOGIN_FAILURES_PER_ADDRESS="3 per minute").test_client()
    names = [hub.user("admin") for _ in range(4)]
    statuses = [hub.login(client, n, WRONG).status_code for n in names]
    assert statuses == [401, 401, 401, 429]


def test_a_good_login_clears_the_account_count(client: FlaskClient, hub: Any) -> None:
    """After a success, the account starts counting failures afresh."""
    name = hub.user("admin")
    for _ in range(4):
        hub.login(client, name, WRONG)
    assert hub.login(client, name).status_code == 302
    for _ in range(4):
        assert hub.login(client, name, WRONG).status_code == 401


def test_the_login_form_needs_its_csrf_token(client: FlaskClient, hub: Any) -> None:
    """A login POST without the CSRF token is refused in the one error shape."""
    name = hub.user("admin")
    response = client.post("/login", data={"username": name, "password": "x" * 20})
    assert response.status_code == 400
    assert _json(response) is not None
    assert _json(response)["error"]["code"] == "csrf_failed"
    assert hub.entries(tags.LOGIN_SUCCEED) == []


def test_logout_is_a_post_with_csrf(client: FlaskClient, hub: Any) -> None:
    """GET /logout is not allowed; a POST without the token fails; with it, the session ends."""
    name = hub.user("admin")
    hub.login(client, name)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    token = hub.csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302
    assert len(hub.entries(tags.LOGOUT)) == 1


def test_disabling_a_user_ends_their_session(app: Flask, client: FlaskClient, hub: Any) -> None:
    """A logged-in user who is disabled is sent back to the login page at once."""
    from exchange.accounts.services import disable_user

    name = hub.user("admin")
    hub.login(client, name)
    assert client.get("/admin/users").status_code == 200
    with app.app_context():
        disable_user(get_session(), username=name, actor="test")
        get_session().commit()
    assert client.get("/admin/users").status_code == 302
    assert hub.login(client, name).status_code == 401


def test_login_never_redirects_to_another_site(app: Flask, hub: Any) -> None:
    """A `next` pointing at another host is ignored after login."""
    name = hub.user("admin")
    for target in ("https://evil.example/", "//evil.example/x"):
        client = app.test_client()
        token = hub.csrf_token(client)
        response = client.post(
            f"/login?next={target}",
            data={"username": name, "password": "a long enough test password", "csrf_token": token},
        )
        assert response.headers["Location"] == "/"
