"""Uploads refused by the hub's rules: another authority's return, a rolled-back
sequence, a reused nonce, a second return for a period that does not supersede, no
sharing agreement, a period not written canonically, rows that break the shared schema
(refused whole, with a capped report quoting no value), a payload that is not CSV, and
callers that may not upload."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from exchange.audit import tags
from keys import ManifestDraft, write_return
from tests.exchange.refusal_checks import (
    nothing_stored,
    post,
    refusal_audited,
    refused,
    signed_bytes,
)
from tests.exchange.returns_kit import (
    Officer,
    frame_for,
    make_return,
    ready_authority,
    shared_csv,
)

DERBY, LEICESTER = "E06000015", "E06000016"


@pytest.fixture
def officer(app: Flask) -> Officer:
    """Derby, ready to upload."""
    return ready_authority(app, DERBY)


def test_a_token_of_one_authority_cannot_upload_anothers_return(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """Derby's token with Leicester's genuine return: 403, audited."""
    leicester = ready_authority(app, LEICESTER)
    error = refused(post(client, officer, signed_bytes(tmp_path, leicester.key,
                                                       authority=LEICESTER)), 403,
                    "authority_mismatch")  # fmt: skip
    assert LEICESTER in error["message"]
    nothing_stored(app)
    refusal_audited(app, "authority_mismatch")


def test_a_lower_sequence_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """After sequence 5, a return with sequence 4 (another period) is a rollback."""
    assert post(client, officer, signed_bytes(tmp_path, officer.key, sequence=5)).status_code == 201
    data = signed_bytes(tmp_path, officer.key, sequence=4, period="2026-Q3")
    refused(post(client, officer, data), 409, "sequence_not_rising")


def test_a_reused_nonce_is_refused_as_a_replay(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """Another manifest carrying a nonce already seen is refused."""
    first = tmp_path / "a.return"
    make_return(first, signing_key=officer.key)
    nonce = bytes.fromhex(json.loads(base64.b64decode(
        json.loads(first.read_bytes().split(b"\n")[1])["payload"]))["nonce"])  # fmt: skip
    post(client, officer, first.read_bytes())
    second = tmp_path / "b.return"
    draft = ManifestDraft(
        authority=DERBY, return_type="placements", schema_version=1, period="2026-Q3",
        sequence=2, disclosure_policy_sha256="0" * 64, pseudonym_key_version=1,
        anonymiser_version="0.1.0",
    )  # fmt: skip
    write_return(second, [shared_csv(frame_for("placements", 3))], draft=draft,
                 signing_key=officer.key, nonce=nonce)  # fmt: skip
    refused(post(client, officer, second.read_bytes()), 409, "replay")


def test_a_second_return_for_a_period_must_supersede(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """Without supersedes, a second return for the period is refused; naming a return
    that is not the current one is refused too."""
    post(client, officer, signed_bytes(tmp_path, officer.key))
    refused(post(client, officer, signed_bytes(tmp_path, officer.key, sequence=2, seed=8)), 409,
            "period_already_returned")  # fmt: skip
    data = signed_bytes(tmp_path, officer.key, sequence=3, supersedes="ab" * 32)
    refused(post(client, officer, data), 409, "supersedes_not_current")


def test_without_a_sharing_agreement_the_return_is_refused(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """An authority that has not agreed to share the type: 403, a clear message, audited."""
    officer = ready_authority(app, DERBY, return_types=("supplier_spend",))
    error = refused(post(client, officer, signed_bytes(tmp_path, officer.key)), 403,
                    "no_sharing_agreement")  # fmt: skip
    assert "agreement" in error["message"]
    refusal_audited(app, "no_sharing_agreement")


def test_a_period_that_is_not_canonical_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """``2026-q2`` reads as a period but is not written canonically: refused."""
    data = signed_bytes(tmp_path, officer.key, period="2026-q2")
    refused(post(client, officer, data), 422, "period_invalid")


def test_schema_violating_rows_refuse_the_whole_return_with_a_capped_report(
    app_with: Callable[..., Flask], tmp_path: Path
) -> None:
    """Bad rows: 422, nothing stored, at most the limit listed, all counted by field and
    code, and no value from the return in the answer."""
    app = app_with(RETURNS_REPORT_LIMIT=3)
    officer = ready_authority(app, DERBY)
    frame = frame_for("placements", 30)
    frame.loc[frame.index[::3], "care_type"] = "Mrs Edith Crawley"
    frame.loc[frame.index[1], "unit_cost"] = "lots"
    payload = shared_csv(frame)
    data = signed_bytes(tmp_path, officer.key, payload=payload)
    response = post(app.test_client(), officer, data)
    error = refused(response, 422, "rows_invalid")
    details = error["details"]
    assert details["problem_count"] == 11
    assert len(details["problems"]) == details["listed"] == 3
    assert {(b["field"], b["count"]) for b in details["by_field"]} == {
        ("care_type", 10), ("unit_cost", 1),
    }  # fmt: skip
    assert details["problems"][0]["row"] == 2  # the first data row, as a spreadsheet shows it
    text = response.get_data(as_text=True)
    assert "Edith" not in text
    assert "lots" not in text
    assert frame.placement_ref_pseudonym.iloc[0] not in text
    nothing_stored(app)
    refusal_audited(app, "rows_invalid")


def test_a_missing_required_column_is_reported_once(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """A payload without a required shared column: one problem for the column."""
    payload = shared_csv(frame_for("placements", 5).drop(columns=["procurement_route"]))
    error = refused(post(client, officer, signed_bytes(tmp_path, officer.key, payload=payload)),
                    422, "rows_invalid")  # fmt: skip
    assert [(p["row"], p["field"]) for p in error["details"]["problems"]] == [
        (None, "procurement_route")
    ]


def test_a_payload_that_is_not_csv_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """Rows with the wrong number of fields: 422, without quoting the row."""
    payload = b"placement_ref_pseudonym,local_person_id_pseudonym\nv1:aa,v1:bb,extra\n"
    error = refused(post(client, officer, signed_bytes(tmp_path, officer.key, payload=payload)),
                    422, "payload_unreadable")  # fmt: skip
    assert "v1:aa" not in error["message"]


def test_only_data_officers_upload(
    app: Flask, client: FlaskClient, hub: Any, tmp_path: Path, officer: Officer
) -> None:
    """A regional lead's token cannot upload: 403, audited as a denied access."""
    token = hub.token(hub.user("regional_lead"))
    data = signed_bytes(tmp_path, officer.key)
    response = client.post("/api/v1/returns", data=data,
                           headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert response.status_code == 403
    assert hub.entries(tags.ACCESS_DENY)
    nothing_stored(app)


def test_an_upload_without_a_token_is_401(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """No token, no upload."""
    response = client.post("/api/v1/returns", data=signed_bytes(tmp_path, officer.key))
    assert response.status_code == 401
    nothing_stored(app)
