"""The picture's pages and API without a built release: empty states, bad input, access."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from exchange.audit import tags
from tests.exchange.conftest import Hub, bearer


@pytest.fixture
def lead(hub: Hub, client: FlaskClient) -> FlaskClient:
    """A client logged in as the regional lead."""
    hub.login(client, hub.user("regional_lead"))
    return client


def test_a_period_without_returns_shows_the_empty_state(lead: FlaskClient) -> None:
    """A well-formed period nobody returned for is an empty state, not an error."""
    page = lead.get("/picture?period=2031-Q1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="empty-state"' in html
    assert "No regional picture for 2031-Q1" in html
    assert 'id="period-picker"' in html
    table = lead.get("/picture/placements_by_care_type?period=2031-Q1")
    assert table.status_code == 200
    assert 'id="empty-state"' in table.get_data(as_text=True)


def test_the_overview_api_of_an_empty_period_is_empty(hub: Hub, client: FlaskClient) -> None:
    """The API answers an empty period with no release and no tables."""
    token = hub.token(hub.user("regional_lead"))
    answer = client.get("/api/v1/picture/2031-Q1/overview", headers=bearer(token))
    assert answer.status_code == 200
    assert answer.json == {
        "period": "2031-Q1", "release": None, "certificate_id": None, "summary": [],
        "tables": {},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("path", "mentions"),
    [
        ("/api/v1/picture/not-a-period/overview", "period"),
        ("/api/v1/picture/2026-Q2/tables/placements_by_route?format=pdf", "format"),
        ("/api/v1/picture/2026-Q2/tables/placements_by_route?care_type=castle", "care type"),
        ("/api/v1/picture/2026-Q2/tables/no_such_table", "no table"),
        ("/api/v1/picture/fair-price?care_type=castle", "care type"),
        ("/api/v1/picture/fair-price", "care type"),
    ],
)
def test_bad_input_gets_a_400_in_the_error_shape(
    hub: Hub, client: FlaskClient, path: str, mentions: str
) -> None:
    """Unknown period, format, care type or table: 400 with the one JSON error shape."""
    token = hub.token(hub.user("regional_lead"))
    answer = client.get(path, headers=bearer(token))
    assert answer.status_code == 400
    error = answer.json["error"]
    assert error["status"] == 400
    assert mentions in error["message"].lower()
    assert set(error) >= {"status", "code", "message", "request_id"}


def test_a_data_officer_is_refused_supplier_price_spreads(hub: Hub, client: FlaskClient) -> None:
    """Supplier-level tables are refused to a data officer (403), and the refusal is audited."""
    code = hub.authority()
    token = hub.token(hub.user("data_officer", authority=code))
    for name in ("supplier_costs", "supplier_picture", "quality_value"):
        answer = client.get(f"/api/v1/picture/2026-Q2/tables/{name}", headers=bearer(token))
        assert answer.status_code == 403
        assert answer.json["error"]["code"] == "forbidden"
    denials = hub.entries(tags.ACCESS_DENY)
    assert [e.object for e in denials] == [
        "picture_table:supplier_costs", "picture_table:supplier_picture",
        "picture_table:quality_value",
    ]  # fmt: skip
    assert all(e.details["reason"] == "supplier_table" for e in denials)


def test_a_data_officer_sees_only_their_own_authority_page(hub: Hub, client: FlaskClient) -> None:
    """A data officer is sent to their own authority's page and refused another's."""
    own, other = hub.authority("E06000015"), hub.authority("E06000016")
    hub.login(client, hub.user("data_officer", authority=own))
    assert client.get("/picture").headers["Location"].endswith(f"/picture/authority/{own}")
    assert client.get(f"/picture/authority/{own}").status_code == 200
    assert client.get(f"/picture/authority/{other}").status_code == 403
    assert client.get("/picture/supplier_picture").status_code == 403


def test_pages_load_scripts_from_the_hub_only(lead: FlaskClient) -> None:
    """The CSP allows the hub's own scripts; Chart.js is served by the hub, not a CDN."""
    page = lead.get("/picture")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    with lead.get("/static/vendor/chartjs/chart.umd.min.js") as chart:
        assert chart.status_code == 200
        assert b"Chart.js v4" in chart.get_data()[:200]
    with lead.get("/static/picture.js") as script:
        assert script.status_code == 200
        assert b"data-rendered" in script.get_data()


def test_framework_prices_page_uploads_with_csrf_only(hub: Hub, lead: FlaskClient) -> None:
    """The upload form needs its CSRF token; the IG officer may look but not upload."""
    refused = lead.post("/picture/framework-prices", data={})
    assert refused.status_code == 400
    assert 'id="framework-upload"' in lead.get("/picture/framework-prices").get_data(as_text=True)
    ig = hub.app.test_client()
    hub.login(ig, hub.user("ig_officer"))
    page = ig.get("/picture/framework-prices").get_data(as_text=True)
    assert 'id="table-framework-prices"' in page
    assert 'id="framework-upload"' not in page


def test_certificates_page_is_for_the_ig_officer(hub: Hub, client: FlaskClient) -> None:
    """The IG officer sees the certificates list (empty before any release); a data officer not."""
    hub.login(client, hub.user("ig_officer"))
    page = client.get("/picture/certificates")
    assert page.status_code == 200
    assert 'id="table-certificates"' in page.get_data(as_text=True)
    officer = hub.app.test_client()
    hub.login(officer, hub.user("data_officer", authority=hub.authority()))
    assert officer.get("/picture/certificates").status_code == 403
