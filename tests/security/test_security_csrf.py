"""CSRF: every state-changing page form refuses a POST without its token (400), and a
token from another session does not do either.

The list of forms is taken from the app's own routes (every non-API rule that accepts
POST), so a new form without CSRF protection fails here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.security.conftest import SecurityRecord

# What a state-changing request to each form looks like, and who may send it.
FORMS = {
    "/login": ("regional_lead", {"username": "someone", "password": "x" * 20}),
    "/logout": ("regional_lead", {}),
    "/picture/framework-prices": ("regional_lead", {}),
    "/suppliers/review/<int:candidate_id>/confirm": ("regional_lead", {}),
    "/suppliers/review/<int:candidate_id>/reject": ("regional_lead", {}),
}


def _post_rules(app: Any) -> list[str]:
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    )  # fmt: skip


def test_every_post_form_is_in_the_list(app: Any) -> None:
    """No page accepts POST that this suite does not attack."""
    assert _post_rules(app) == sorted(FORMS)


@pytest.mark.parametrize("rule", sorted(FORMS))
def test_a_post_without_the_token_is_refused(
    client: Any, hub: Any, rule: str, security: SecurityRecord
) -> None:
    """Logged in with the right role, the form without its token: 400 csrf_failed."""
    role, data = FORMS[rule]
    hub.login(client, hub.user(role))
    path = re.sub(r"<int:[a-z_]+>", "1", rule)
    for attempt in ({}, {"csrf_token": ""}, {"csrf_token": "forged.token.value"}):
        answer = client.post(path, data={**data, **attempt})
        security.cases()
        assert answer.status_code == 400, (path, attempt, answer.status_code)
        assert answer.json["error"]["code"] == "csrf_failed"


def test_a_token_from_another_session_is_refused(
    app: Any, hub: Any, security: SecurityRecord
) -> None:
    """An attacker's own valid token, replayed in the victim's session, is refused."""
    attacker, victim = app.test_client(), app.test_client()
    hub.login(attacker, hub.user("regional_lead"))
    hub.login(victim, hub.user("regional_lead"))
    stolen = hub.csrf_token(attacker, "/")
    answer = victim.post("/logout", data={"csrf_token": stolen})
    security.cases()
    assert answer.status_code == 400
    assert victim.get("/").status_code == 200, "the victim is still logged in"
