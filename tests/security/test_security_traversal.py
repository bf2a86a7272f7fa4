"""Path traversal in downloads and identifiers: ``../../etc/passwd`` and its encodings.

Every route that takes a name or id from the URL — table downloads (API and pages),
certificate ids, return manifest hashes, static files, the audit download — answers
400 or 404 (never 200 with a file from elsewhere, never 5xx).
"""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.exchange.conftest import bearer
from tests.security.conftest import SecurityRecord

TRAVERSALS = [
    "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "..%252F..%252Fetc%252Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..\\..\\etc\\passwd", "....//....//etc/passwd",
    "%c0%ae%c0%ae%c0%afetc%c0%afpasswd", "/etc/passwd", "..%00/etc/passwd",
    "instance%2Fhub-signing.key", "../instance/hub-signing.key", "..;/..;/etc/passwd",
]  # fmt: skip
TEMPLATES = [
    "/api/v1/picture/2026-Q2/tables/{x}", "/api/v1/picture/2026-Q2/tables/{x}?format=csv",
    "/api/v1/picture/{x}/overview", "/api/v1/picture/certificates/{x}",
    "/api/v1/returns/{x}", "/api/v1/authorities/{x}", "/picture/{x}", "/picture/{x}/download",
    "/picture/certificates/{x}", "/picture/authority/{x}", "/returns/{x}", "/static/{x}",
    "/static/vendor/{x}",
]  # fmt: skip


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_traversal_in_names_and_ids_is_refused(
    app: Any, hub: Any, security: SecurityRecord
) -> None:
    """400 or 404 for each encoded traversal; no file content, no 5xx."""
    token = hub.token(hub.user("ig_officer"))
    lead_token = hub.token(hub.user("regional_lead"))
    browser = app.test_client()
    hub.login(browser, hub.user("ig_officer"))
    lead = app.test_client()
    hub.login(lead, hub.user("regional_lead"))
    for template, value in itertools.product(TEMPLATES, TRAVERSALS):
        path = template.replace("{x}", value)
        if path.startswith("/api/"):
            answers = [app.test_client().get(path, headers=bearer(t)) for t in (token, lead_token)]
        else:
            answers = [browser.get(path), lead.get(path)]
        for answer in answers:
            security.cases()
            body = answer.get_data()
            assert b"root:x:0:0" not in body, path
            assert b"PRIVATE KEY" not in body, path
            if answer.status_code == 308:  # Werkzeug merging "//": still the hub's own path
                location = urlsplit(answer.headers["Location"])
                assert location.netloc in ("", "localhost"), location
                assert location.path.startswith("/static/")
                assert ".." not in location.path
                continue
            assert answer.status_code in (400, 403, 404, 405, 422), (path, answer.status_code)
