"""The IG officer's audit page: filters by authority, actor, action and time, and a
download of the selection that is itself audited."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from exchange.audit import tags

DERBY, LEICESTER = "E06000015", "E06000016"


def _shown(tag: str) -> str:
    return f"<td><code>{tag}</code></td>"


def _ig_client(app: Flask, hub: Any) -> FlaskClient:
    client = app.test_client()
    assert hub.login(client, hub.user("ig_officer")).status_code == 302
    return client


def test_the_page_filters_by_authority_and_action(app: Flask, hub: Any) -> None:
    """Filtering by authority shows that authority's entries only."""
    hub.authority(DERBY)
    hub.authority(LEICESTER)
    client = _ig_client(app, hub)
    page = client.get(f"/audit?authority={LEICESTER}&action=registry").get_data(as_text=True)
    assert f"authority:{LEICESTER}" in page
    assert f"authority:{DERBY}" not in page
    everything = client.get("/audit").get_data(as_text=True)
    assert f"authority:{DERBY}" in everything
    assert _shown(tags.LOGIN_SUCCEED) in everything


def test_the_page_filters_by_actor_and_time(app: Flask, hub: Any) -> None:
    """An actor filter and a time window narrow the list; an empty window shows none."""
    hub.authority(DERBY)
    client = _ig_client(app, hub)
    page = client.get("/audit?actor=test").get_data(as_text=True)
    assert _shown(tags.AUTHORITY_ADD) in page
    assert _shown(tags.LOGIN_SUCCEED) not in page
    empty = client.get("/audit?since=2001-01-01T00:00&until=2001-01-02T00:00")
    assert "No entries match" in empty.get_data(as_text=True)


def test_bad_filters_are_a_400_page(app: Flask, hub: Any) -> None:
    """A time that is not a time is refused with a message, not a crash."""
    client = _ig_client(app, hub)
    response = client.get("/audit?since=yesterday", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "filters are not valid" in response.get_data(as_text=True)


def test_the_download_holds_the_selection_and_is_audited(app: Flask, hub: Any) -> None:
    """The JSON download carries the filtered entries with their bodies, and leaves a trace."""
    hub.authority(DERBY)
    hub.authority(LEICESTER)
    client = _ig_client(app, hub)
    response = client.get(f"/audit/download?authority={DERBY}")
    assert response.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(response.get_data(as_text=True))
    assert [e["authority"] for e in document["entries"]] == [DERBY]
    assert json.loads(document["entries"][0]["body"])["tag"] == tags.AUTHORITY_ADD
    downloads = hub.entries(tags.AUDIT_ENTRIES_DOWNLOAD)
    assert [e.details for e in downloads] == [{"entries": 1, "filtered_by": ["authority"]}]


def test_other_roles_cannot_open_the_audit_page(app: Flask, hub: Any) -> None:
    """A data officer is refused the page (403), and the refusal is audited."""
    hub.authority(DERBY)
    client = app.test_client()
    hub.login(client, hub.user("data_officer", DERBY))
    assert client.get("/audit").status_code == 403
    assert client.get("/audit/download").status_code == 403
    assert len(hub.entries(tags.ACCESS_DENY)) == 2
