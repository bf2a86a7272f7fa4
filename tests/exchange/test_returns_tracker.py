"""The returns tracker: each expected authority's state for a period (on time, late,
superseded, rejected with the reason, missing) and the "n of the m" summary, as API and
page; and who may see whose returns."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from exchange.audit import tags
from exchange.db import get_session
from exchange.returns.access import ingest_settings, return_store
from exchange.returns.agreements import add_period
from exchange.returns.errors import ReturnRefused
from exchange.returns.services import Uploader, submit_return
from tests.exchange.returns_kit import Officer, frame_for, make_return, ready_authority, shared_csv

DERBY, LEICESTER, RUTLAND, NOTTINGHAM, DERBYSHIRE = (
    "E06000015", "E06000016", "E06000017", "E06000018", "E10000007",
)  # fmt: skip
DUE = date(2026, 7, 31)


def at(day: int, month: int = 7) -> datetime:
    """A moment in 2026, UTC."""
    return datetime(2026, month, day, 10, 0, tzinfo=UTC)


def submit(app: Flask, officer: Officer, path: Path, when: datetime) -> str:
    """Upload through the service as if at ``when``; the manifest hash, or the refusal's reason."""
    with app.app_context(), open(path, "rb") as body:
        try:
            accepted = submit_return(
                get_session(), body=body, uploader=Uploader(f"officer:{officer.authority}",
                                                            officer.authority),
                store=return_store(), settings=ingest_settings(), now=when,
            )  # fmt: skip
        except ReturnRefused as refusal:
            return refusal.reason
        return accepted.record.manifest_hash


@pytest.fixture
def region(app: Flask, tmp_path: Path) -> dict[str, Officer]:
    """Five authorities and one tracked period: on time, late, corrected, refused, missing."""
    officers = {code: ready_authority(app, code) for code in
                (DERBY, LEICESTER, RUTLAND, NOTTINGHAM, DERBYSHIRE)}  # fmt: skip
    with app.app_context():
        add_period(get_session(), return_type="placements", period="2026-Q2", due_date=DUE,
                   actor="test")  # fmt: skip
        get_session().commit()

    def signed(code: str, name: str, **kwargs: Any) -> Path:
        make_return(tmp_path / name, signing_key=officers[code].key, authority=code, **kwargs)
        return tmp_path / name

    submit(app, officers[DERBY], signed(DERBY, "d.return", now=at(20)), at(20))
    submit(app, officers[LEICESTER], signed(LEICESTER, "l.return", now=at(5, 8)), at(5, 8))
    first = signed(RUTLAND, "r1.return", now=at(25))
    first_hash = submit(app, officers[RUTLAND], first, at(25))
    correction = signed(RUTLAND, "r2.return", now=at(10, 8), sequence=2, supersedes=first_hash)
    submit(app, officers[RUTLAND], correction, at(10, 8))
    bad = frame_for("placements", 5)
    bad["care_type"] = "unknown care"
    refused = signed(NOTTINGHAM, "n.return", now=at(30), payload=shared_csv(bad))
    assert submit(app, officers[NOTTINGHAM], refused, at(30)) == "rows_invalid"
    return officers


def tracker(client: FlaskClient, token: str) -> Any:
    """The tracker's answer for placements 2026-Q2."""
    response = client.get(
        "/api/v1/returns/tracker?return_type=placements&period=2026-Q2",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    return response.get_json()


def test_each_authority_gets_its_state_and_the_summary_counts_on_time(
    client: FlaskClient, hub: Any, region: dict[str, Officer]
) -> None:
    """On time, late, superseded (first on time), rejected with its reason, missing; and
    "2 of the 5 returned on time"."""
    answer = tracker(client, hub.token(hub.user("regional_lead")))
    states = {row["code"]: (row["state"], row["on_time"], row["reason"])
              for row in answer["authorities"]}  # fmt: skip
    assert states == {
        DERBY: ("on_time", True, None),
        LEICESTER: ("late", False, None),
        RUTLAND: ("superseded", True, None),
        NOTTINGHAM: ("rejected", None, "rows_invalid"),
        DERBYSHIRE: ("missing", None, None),
    }
    assert (answer["expected"], answer["returned"], answer["on_time"]) == (5, 3, 2)
    assert answer["summary"] == "2 of the 5 returned on time"
    assert answer["due_date"] == "2026-07-31"


def test_the_tracker_page_shows_the_summary(
    app: Flask, client: FlaskClient, hub: Any, region: dict[str, Officer]
) -> None:
    """The regional lead's page carries the summary line and each state."""
    hub.login(client, hub.user("regional_lead"))
    page = client.get("/returns").get_data(as_text=True)
    assert "2 of the 5 returned on time" in page
    for state in ("on time", "late", "superseded", "rejected", "missing"):
        assert state in page


def test_the_tracker_is_for_the_region_not_one_authority(
    client: FlaskClient, region: dict[str, Officer]
) -> None:
    """A data officer's token cannot read the tracker (403)."""
    response = client.get(
        "/api/v1/returns/tracker?return_type=placements&period=2026-Q2",
        headers=region[DERBY].headers,
    )
    assert response.status_code == 403


def test_an_untracked_period_is_404(client: FlaskClient, hub: Any) -> None:
    """Asking for a period the tracker does not follow says how to add it."""
    token = hub.token(hub.user("ig_officer"))
    response = client.get(
        "/api/v1/returns/tracker?return_type=placements&period=2031-Q1",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 404
    assert "exchange period add" in response.get_json()["error"]["message"]


def test_an_authority_sees_only_its_own_returns(
    client: FlaskClient, region: dict[str, Officer]
) -> None:
    """Derby's list holds Derby's return only."""
    listed = client.get("/api/v1/returns", headers=region[DERBY].headers).get_json()["returns"]
    assert {item["authority"] for item in listed} == {DERBY}


def test_reading_another_authoritys_list_is_403_and_logged(
    client: FlaskClient, hub: Any, region: dict[str, Officer]
) -> None:
    """Derby asking for Leicester's list: 403 and an access-denied audit entry."""
    response = client.get(f"/api/v1/returns?authority={LEICESTER}", headers=region[DERBY].headers)
    assert response.status_code == 403
    denied = hub.entries(tags.ACCESS_DENY)
    assert denied[-1].object == f"authority:{LEICESTER}"


def test_reading_another_authoritys_return_is_404_and_logged(
    client: FlaskClient, hub: Any, region: dict[str, Officer]
) -> None:
    """Derby asking for Leicester's return by hash: 404 (existence not confirmed), audited."""
    leicester = client.get("/api/v1/returns", headers=region[LEICESTER].headers).get_json()
    manifest_hash = leicester["returns"][0]["manifest_hash"]
    response = client.get(f"/api/v1/returns/{manifest_hash}", headers=region[DERBY].headers)
    assert response.status_code == 404
    denied = hub.entries(tags.ACCESS_DENY)[-1]
    assert denied.object == f"return:{manifest_hash}"
    assert denied.details["reason"] == "other_authority"


def test_the_page_of_another_authoritys_return_is_404_and_logged(
    app: Flask, client: FlaskClient, hub: Any, region: dict[str, Officer]
) -> None:
    """The same refusal on the pages."""
    leicester = client.get("/api/v1/returns", headers=region[LEICESTER].headers).get_json()
    manifest_hash = leicester["returns"][0]["manifest_hash"]
    hub.login(client, f"officer-{DERBY}")
    assert client.get(f"/returns/{manifest_hash}").status_code == 404
    assert hub.entries(tags.ACCESS_DENY)[-1].object == f"return:{manifest_hash}"


def test_the_region_sees_everyone_and_the_history_page(
    client: FlaskClient, hub: Any, region: dict[str, Officer]
) -> None:
    """An IG officer lists every authority's returns and opens one with its history."""
    token = hub.token(hub.user("ig_officer"))
    listed = client.get("/api/v1/returns", headers={"Authorization": f"Bearer {token}"})
    authorities = {item["authority"] for item in listed.get_json()["returns"]}
    assert authorities == {DERBY, LEICESTER, RUTLAND}
    superseded = client.get(
        "/api/v1/returns?status=superseded", headers={"Authorization": f"Bearer {token}"}
    ).get_json()["returns"]
    assert [item["authority"] for item in superseded] == [RUTLAND]
    hub.login(client, hub.user("ig_officer"))
    page = client.get(f"/returns/{superseded[0]['manifest_hash']}").get_data(as_text=True)
    assert "superseded" in page
    assert "History of this period" in page


def test_a_data_officer_page_lists_own_returns_and_refusals(
    client: FlaskClient, hub: Any, region: dict[str, Officer]
) -> None:
    """Nottingham's officer sees the refused upload with its reason and what to do."""
    hub.login(client, f"officer-{NOTTINGHAM}")
    page = client.get("/returns").get_data(as_text=True)
    assert "rows_invalid" in page
    assert "prepare the return again" in page
    assert DERBY not in page
