"""The regional lead's decisions on candidate matches, through the API, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from exchange.accounts.models import DATA_OFFICER, IG_OFFICER, REGIONAL_LEAD
from exchange.audit import tags
from exchange.db import get_session
from exchange.returns.hooks import ReturnsChanged, forget, on_returns_changed
from exchange.suppliers.models import Supplier, SupplierCandidate
from exchange.suppliers.resolve import resolve_suppliers
from tests.exchange.conftest import Hub, bearer
from tests.exchange.returns_kit import make_return, ready_authority

SCORE = 88


def resolve(app: Flask, *rows: tuple[str, str]) -> list[int]:
    """Resolve (name, CQC location id) observations; their supplier ids."""
    frame = pd.DataFrame(rows, columns=["name", "cqc_location_id"])
    with app.app_context():
        session = get_session()
        resolved = resolve_suppliers(session, frame, match_score=SCORE)
        session.commit()
    return [int(value) for value in resolved]


@pytest.fixture
def mencap(app: Flask) -> tuple[int, int]:
    """Royal Mencap Society (CQC 1-100), then Mencap (CQC 1-200): two suppliers."""
    (royal,) = resolve(app, ("Royal Mencap Society", "1-100"))
    (short,) = resolve(app, ("Mencap", "1-200"))
    assert royal != short
    return royal, short


@pytest.fixture
def lead(hub: Hub) -> dict[str, str]:
    """The regional lead's bearer header."""
    return bearer(hub.token(hub.user(REGIONAL_LEAD)))


def candidates(client: FlaskClient, headers: dict[str, str]) -> list[dict[str, object]]:
    response = client.get("/api/v1/suppliers/candidates", headers=headers)
    assert response.status_code == 200, response.get_json()
    found: list[dict[str, object]] = response.get_json()["candidates"]
    return found


def test_the_lead_sees_the_candidate_side_by_side(
    client: FlaskClient, lead: dict[str, str], mencap: tuple[int, int]
) -> None:
    """The pending candidate names the received name, its supplier and the suggested one."""
    royal, short = mencap
    (candidate,) = candidates(client, lead)
    assert candidate["name_example"] == "Mencap"
    assert candidate["current"] == {
        "supplier_id": short, "display_name": "Mencap", "cqc_location_id": "1-200",
        "ofsted_urn": None, "org_id": None,
    }  # fmt: skip
    assert candidate["suggested"]["supplier_id"] == royal  # type: ignore[index]
    assert candidate["score"] == 100


def test_confirm_merges_past_and_future_and_is_audited(
    app: Flask, client: FlaskClient, hub: Hub, lead: dict[str, str], mencap: tuple[int, int]
) -> None:
    """After confirming, the name and its identifier resolve to the suggested supplier."""
    royal, short = mencap
    (candidate,) = candidates(client, lead)
    response = client.post(f"/api/v1/suppliers/candidates/{candidate['id']}/confirm", headers=lead)
    assert response.status_code == 200
    assert response.get_json() == {"candidate_id": candidate["id"], "status": "confirmed",
                                   "kept": royal, "merged": short}  # fmt: skip
    assert resolve(app, ("MENCAP Ltd", ""), ("Other name", "1-200")) == [royal, royal]
    with app.app_context():
        assert get_session().get_one(Supplier, short).merged_into_id == royal
    listed = client.get("/api/v1/suppliers", headers=lead).get_json()
    assert [s["id"] for s in listed["suppliers"]] == [royal]
    assert listed["suppliers"][0]["names"] == 3  # royal mencap society, mencap, other name
    (entry,) = hub.entries(tags.SUPPLIER_MATCH_CONFIRM)
    assert entry.object == f"supplier:{royal}"
    assert entry.details == {"candidate": candidate["id"], "score": 100, "merged_supplier": short}
    assert candidates(client, lead) == []


def test_reject_keeps_them_apart_and_is_not_proposed_again(
    app: Flask, client: FlaskClient, hub: Hub, lead: dict[str, str], mencap: tuple[int, int]
) -> None:
    """A rejected pair stays two suppliers and never comes back to the queue."""
    royal, short = mencap
    (candidate,) = candidates(client, lead)
    response = client.post(f"/api/v1/suppliers/candidates/{candidate['id']}/reject", headers=lead)
    assert response.get_json()["status"] == "rejected"
    assert resolve(app, ("Mencap", ""), ("Royal Mencap Society", "")) == [short, royal]
    resolve(app, ("Mencap Royal Society Trust", ""))  # a new name: may propose, never that pair
    pending = candidates(client, lead)
    assert all(c["name_key"] != "mencap" for c in pending)
    with app.app_context():
        statuses = get_session().scalars(
            select(SupplierCandidate.status).where(SupplierCandidate.name_key == "mencap")
        )
        assert list(statuses) == ["rejected"]
    (entry,) = hub.entries(tags.SUPPLIER_MATCH_REJECT)
    assert entry.object == f"supplier:{royal}"


def test_a_decided_or_unknown_candidate_is_refused(
    client: FlaskClient, lead: dict[str, str], mencap: tuple[int, int]
) -> None:
    """Deciding twice is a conflict; an unknown candidate is not found — in the error shape."""
    (candidate,) = candidates(client, lead)
    client.post(f"/api/v1/suppliers/candidates/{candidate['id']}/reject", headers=lead)
    again = client.post(f"/api/v1/suppliers/candidates/{candidate['id']}/confirm", headers=lead)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"
    missing = client.post("/api/v1/suppliers/candidates/999999/confirm", headers=lead)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"


def test_data_officers_are_refused_and_audited(
    app: Flask, client: FlaskClient, hub: Hub, mencap: tuple[int, int]
) -> None:
    """A data officer may not list suppliers or decide; the refusal is audited."""
    code = hub.authority()
    officer = bearer(hub.token(hub.user(DATA_OFFICER, authority=code)))
    assert client.get("/api/v1/suppliers", headers=officer).status_code == 403
    assert client.get("/api/v1/suppliers/candidates", headers=officer).status_code == 403
    assert client.post("/api/v1/suppliers/candidates/1/confirm", headers=officer).status_code == 403
    assert len(hub.entries(tags.ACCESS_DENY)) == 3


def test_ig_officer_reads_but_does_not_decide(
    client: FlaskClient, hub: Hub, lead: dict[str, str], mencap: tuple[int, int]
) -> None:
    """The IG officer sees the queue but only the regional lead decides."""
    ig = bearer(hub.token(hub.user(IG_OFFICER)))
    (candidate,) = candidates(client, ig)
    response = client.post(f"/api/v1/suppliers/candidates/{candidate['id']}/confirm", headers=ig)
    assert response.status_code == 403
    assert len(candidates(client, lead)) == 1


@pytest.fixture
def changes() -> Iterator[list[ReturnsChanged]]:
    """Every returns-changed notice given while the test runs."""
    seen: list[ReturnsChanged] = []

    def record(_session: object, change: ReturnsChanged) -> None:
        seen.append(change)

    on_returns_changed(record)
    yield seen
    forget(record)


def test_a_decision_asks_roll_ups_to_rebuild_every_period(
    app: Flask, client: FlaskClient, lead: dict[str, str], tmp_path: Path,
    mencap: tuple[int, int], changes: list[ReturnsChanged],
) -> None:  # fmt: skip
    """After a decision every period with returns is announced, for both return types."""
    officer = ready_authority(app)
    for sequence, period in enumerate(("2026-Q1", "2026-Q2"), start=1):
        path = tmp_path / f"{period}.return"
        make_return(path, signing_key=officer.key, period=period, sequence=sequence, rows=5)
        upload = client.post(
            "/api/v1/returns", data=path.read_bytes(),
            headers={**officer.headers, "Content-Type": "application/octet-stream"},
        )  # fmt: skip
        assert upload.status_code == 201, upload.get_json()
    (candidate,) = candidates(client, lead)
    client.post(f"/api/v1/suppliers/candidates/{candidate['id']}/reject", headers=lead)
    announced = [c for c in changes if c.reason == "suppliers"]
    assert [(c.return_type, c.periods) for c in announced] == [
        ("placements", ("2026-Q1", "2026-Q2")),
        ("supplier_spend", ()),
    ]
