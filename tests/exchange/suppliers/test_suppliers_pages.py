"""The supplier pages: the list with search, and the regional lead's review queue."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from exchange.accounts.models import DATA_OFFICER, IG_OFFICER, REGIONAL_LEAD
from exchange.audit import tags
from exchange.db import get_session
from exchange.suppliers.models import SupplierCandidate
from exchange.suppliers.resolve import resolve_suppliers
from tests.exchange.conftest import Hub
from tests.exchange.returns_kit import make_return, ready_authority


def resolve(app: Flask, frame: pd.DataFrame) -> pd.Series:
    with app.app_context():
        session = get_session()
        resolved = resolve_suppliers(session, frame, match_score=88)
        session.commit()
    return resolved


@pytest.fixture
def candidate(app: Flask) -> int:
    """One pending candidate: "Mencap" against "Royal Mencap Society"."""
    resolve(app, pd.DataFrame({"name": ["Royal Mencap Society", "Alphatrack Systems Ltd"]}))
    resolve(app, pd.DataFrame({"name": ["Mencap"]}))
    with app.app_context():
        found = get_session().scalar(select(SupplierCandidate.id))
    assert found is not None
    return found


def status(app: Flask, candidate: int) -> str:
    with app.app_context():
        return get_session().get_one(SupplierCandidate, candidate).status


def test_review_shows_the_pair_with_score_and_buttons(
    client: FlaskClient, hub: Hub, candidate: int
) -> None:
    """The lead sees the received name, the suggested supplier, the score and two forms."""
    hub.login(client, hub.user(REGIONAL_LEAD))
    page = client.get("/suppliers/review").get_data(as_text=True)
    row = page[page.index(f'id="candidate-{candidate}"') :]
    assert "Mencap" in row
    assert "Royal Mencap Society" in row
    assert ">100<" in row
    assert f'action="/suppliers/review/{candidate}/confirm"' in row
    assert f'action="/suppliers/review/{candidate}/reject"' in row
    assert row.count('name="csrf_token"') >= 2


def test_confirm_needs_the_csrf_token(
    app: Flask, client: FlaskClient, hub: Hub, candidate: int
) -> None:
    """A form post without the token is refused and changes nothing; with it, it confirms."""
    hub.login(client, hub.user(REGIONAL_LEAD))
    refused = client.post(f"/suppliers/review/{candidate}/confirm", data={})
    assert refused.status_code == 400
    assert status(app, candidate) == "pending"
    token = hub.csrf_token(client, "/suppliers/review")
    done = client.post(f"/suppliers/review/{candidate}/confirm", data={"csrf_token": token})
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/suppliers/review")
    assert status(app, candidate) == "confirmed"
    assert len(hub.entries(tags.SUPPLIER_MATCH_CONFIRM)) == 1
    after = client.get("/suppliers/review").get_data(as_text=True)
    assert "Match confirmed" in after
    assert "No matches await review." in after


def test_reject_through_the_page(app: Flask, client: FlaskClient, hub: Hub, candidate: int) -> None:
    """The reject button keeps them apart, audited."""
    hub.login(client, hub.user(REGIONAL_LEAD))
    token = hub.csrf_token(client, "/suppliers/review")
    client.post(f"/suppliers/review/{candidate}/reject", data={"csrf_token": token})
    assert status(app, candidate) == "rejected"
    assert len(hub.entries(tags.SUPPLIER_MATCH_REJECT)) == 1


def test_ig_officer_sees_the_queue_without_buttons(
    client: FlaskClient, hub: Hub, candidate: int
) -> None:
    """Only the regional lead decides; the IG officer's page has no decision forms."""
    hub.login(client, hub.user(IG_OFFICER))
    page = client.get("/suppliers/review").get_data(as_text=True)
    assert "Royal Mencap Society" in page
    assert "/confirm" not in page
    token = hub.csrf_token(client, "/suppliers")
    refused = client.post(f"/suppliers/review/{candidate}/confirm", data={"csrf_token": token})
    assert refused.status_code == 403


def test_data_officer_is_refused_the_pages(client: FlaskClient, hub: Hub, candidate: int) -> None:
    """Supplier identities are regional: a data officer gets 403, audited."""
    hub.login(client, hub.user(DATA_OFFICER, authority=hub.authority()))
    assert client.get("/suppliers").status_code == 403
    assert client.get("/suppliers/review").status_code == 403
    assert len(hub.entries(tags.ACCESS_DENY)) == 2


def test_list_searches_names(client: FlaskClient, hub: Hub, candidate: int) -> None:
    """Searching finds suppliers by any of their names, ignoring legal forms and case."""
    hub.login(client, hub.user(REGIONAL_LEAD))
    page = client.get("/suppliers?q=ALPHATRACK+systems+limited").get_data(as_text=True)
    assert "Alphatrack Systems Ltd" in page
    assert "Mencap" not in page
    assert "1 supplier matching" in page
    everything = client.get("/suppliers").get_data(as_text=True)
    assert "3 suppliers." in everything
    assert "1 possible match to review" in everything


def test_real_returns_resolve_one_supplier_per_provider(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """Two authorities' placements returns: each provider gets one regional id in both."""
    for code, seed in (("E06000015", 1), ("E06000016", 2)):
        officer = ready_authority(app, code)
        path = tmp_path / f"{code}.return"
        make_return(path, signing_key=officer.key, authority=code, rows=200, seed=seed)
        upload = client.post(
            "/api/v1/returns", data=path.read_bytes(),
            headers={**officer.headers, "Content-Type": "application/octet-stream"},
        )  # fmt: skip
        assert upload.status_code == 201, upload.get_json()
    with app.app_context():
        rows = pd.read_sql(
            "SELECT r.authority_id, p.provider_name AS name, p.cqc_location_id, p.ofsted_urn,"
            " p.provider_org_id AS org_id FROM placements_v1_rows p"
            " JOIN returns r ON r.id = p.return_id",
            get_session().connection(),
        )
    resolved = resolve(app, rows)
    assert resolved.notna().all()
    by_location = resolved.groupby(rows["cqc_location_id"]).nunique()
    assert (by_location == 1).all()
    shared = rows.groupby("cqc_location_id")["authority_id"].nunique() > 1
    assert shared.any(), "the two returns should share providers"
    again = resolve(app, rows.iloc[::-1])
    assert (again.sort_index() == resolved).all()
