"""Ingest that succeeds: a verified return is stored whole with typed rows, answered with a
receipt anyone can check offline, a replay gets the same receipt, and a correction
supersedes the earlier return while keeping it as history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from exchange.audit import tags
from exchange.config import current_settings
from exchange.db import get_session
from exchange.hub_key import current_hub_key, verifier_key
from exchange.returns.models import Return
from exchange.returns.rows import rows_table
from keys import Receipt, verify_receipt
from keys.transparency import VerifierKey
from tests.exchange.returns_kit import Officer, frame_for, make_return, ready_authority


@pytest.fixture
def officer(app: Flask) -> Officer:
    """Derby, ready to upload."""
    return ready_authority(app)


def upload(client: FlaskClient, officer: Officer, path: Path) -> TestResponse:
    """POST a return file as the raw body with the officer's token."""
    return client.post(
        "/api/v1/returns",
        data=path.read_bytes(),
        headers={**officer.headers, "Content-Type": "application/octet-stream"},
    )


def hub_verifier(app: Flask) -> VerifierKey:
    """The hub's verifier key, as an IG officer or an authority holds it."""
    with app.app_context():
        return verifier_key(current_hub_key(), current_settings().audit_origin)


def receipt_of(response: TestResponse, app: Flask) -> Receipt:
    """The receipt in an upload's answer, checked with the hub's public key alone."""
    envelope = json.dumps(response.get_json()["receipt"]).encode()
    return verify_receipt(envelope, hub_public_key=hub_verifier(app))


def stored_rows(app: Flask, return_type: str = "placements") -> list[Any]:
    """Every row of the return type's rows table, in order."""
    table = rows_table(return_type, 1)
    with app.app_context():
        query = select(table).order_by(table.c.return_id, table.c.row_number)
        return list(get_session().execute(query))


def test_an_accepted_return_gets_a_receipt_verifiable_offline(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """201, and the receipt proves with the hub key alone what was received and where it
    is in the audit log."""
    signed = make_return(tmp_path / "derby.return", signing_key=officer.key, rows=30)
    response = upload(client, officer, tmp_path / "derby.return")
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/returns/{signed.manifest_hash}"
    receipt = receipt_of(response, app)
    assert (receipt.manifest_hash, receipt.authority, receipt.rows) == (
        signed.manifest_hash, "E06000015", 30,
    )  # fmt: skip
    assert (receipt.return_type, receipt.period, receipt.sequence) == ("placements", "2026-Q2", 1)
    assert receipt.status == "accepted"
    entry = json.loads(receipt.audit_entry)
    assert entry["tag"] == tags.RETURN_ACCEPTED
    assert entry["index"] == receipt.log_index < receipt.tree_size


def test_rows_are_stored_typed_and_in_order(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """Every shared field lands in its typed column: text as sent, money as numbers, empty
    cells as NULL, numbered from 1 in file order."""
    make_return(tmp_path / "r.return", signing_key=officer.key, rows=12, seed=9)
    assert upload(client, officer, tmp_path / "r.return").status_code == 201
    expected = frame_for("placements", 12, seed=9)
    rows = stored_rows(app)
    assert [row.row_number for row in rows] == list(range(1, 13))
    assert [row.placement_ref_pseudonym for row in rows] == list(expected.placement_ref_pseudonym)
    assert [row.unit_cost for row in rows] == [float(v) for v in expected.unit_cost]
    assert all(row.end_month is None for row in rows)
    assert {row.care_type for row in rows} <= set(expected.care_type)


def test_a_gzipped_payload_is_stored_like_a_plain_one(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """A csv+gzip return is unpacked and loaded; its rows match the CSV inside."""
    make_return(
        tmp_path / "s.return", signing_key=officer.key, rows=40, return_type="supplier_spend",
        compress=True,
    )  # fmt: skip
    assert upload(client, officer, tmp_path / "s.return").status_code == 201
    rows = stored_rows(app, "supplier_spend")
    expected = frame_for("supplier_spend", 40)
    assert [row.transaction_number for row in rows] == list(expected.transaction_number)
    assert [row.net_amount for row in rows] == [float(v) for v in expected.net_amount]


def test_the_file_is_kept_as_received(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """The hub keeps the return file byte for byte under its manifest hash."""
    signed = make_return(tmp_path / "r.return", signing_key=officer.key, rows=5)
    upload(client, officer, tmp_path / "r.return")
    kept = Path(app.instance_path) / "returns" / "E06000015" / f"{signed.manifest_hash}.return"
    assert kept.read_bytes() == (tmp_path / "r.return").read_bytes()
    assert list((Path(app.instance_path) / "returns" / ".incoming").iterdir()) == []


def test_the_exact_same_return_again_gets_the_same_receipt_and_no_copy(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """A replay answers 200 with the stored receipt; one return and one set of rows."""
    make_return(tmp_path / "r.return", signing_key=officer.key, rows=8)
    first = upload(client, officer, tmp_path / "r.return")
    again = upload(client, officer, tmp_path / "r.return")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["replayed"] is True
    assert again.get_json()["receipt"] == first.get_json()["receipt"]
    assert len(stored_rows(app)) == 8
    with app.app_context():
        assert get_session().scalar(select(func.count(Return.id))) == 1


def test_a_correction_supersedes_and_history_is_kept(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """A return naming the current one in ``supersedes`` replaces it; the API shows both,
    and the old one's rows are kept."""
    first = make_return(tmp_path / "a.return", signing_key=officer.key, rows=4)
    upload(client, officer, tmp_path / "a.return")
    second = make_return(
        tmp_path / "b.return", signing_key=officer.key, rows=6, sequence=2,
        supersedes=first.manifest_hash, seed=6,
    )  # fmt: skip
    response = upload(client, officer, tmp_path / "b.return")
    assert response.status_code == 201
    assert response.get_json()["return"]["supersedes"] == first.manifest_hash
    detail = client.get(f"/api/v1/returns/{first.manifest_hash}", headers=officer.headers)
    history = detail.get_json()["history"]
    assert [(h["manifest_hash"], h["status"]) for h in history] == [
        (first.manifest_hash, "superseded"), (second.manifest_hash, "accepted"),
    ]  # fmt: skip
    assert len(stored_rows(app)) == 10


def test_a_data_officer_lists_their_returns_with_filters(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """GET /api/v1/returns lists the authority's returns; filters narrow it."""
    make_return(tmp_path / "p.return", signing_key=officer.key, rows=3)
    make_return(
        tmp_path / "s.return", signing_key=officer.key, rows=3, return_type="supplier_spend"
    )
    for name in ("p", "s"):
        upload(client, officer, tmp_path / f"{name}.return")
    listed = client.get("/api/v1/returns", headers=officer.headers).get_json()["returns"]
    assert sorted(r["return_type"] for r in listed) == ["placements", "supplier_spend"]
    narrowed = client.get("/api/v1/returns?return_type=supplier_spend", headers=officer.headers)
    assert [r["return_type"] for r in narrowed.get_json()["returns"]] == ["supplier_spend"]


def test_the_detail_carries_the_stored_receipt(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """GET /api/v1/returns/<hash> answers with the same receipt the upload got."""
    signed = make_return(tmp_path / "r.return", signing_key=officer.key, rows=3)
    uploaded = upload(client, officer, tmp_path / "r.return")
    detail = client.get(f"/api/v1/returns/{signed.manifest_hash}", headers=officer.headers)
    assert detail.status_code == 200
    assert detail.get_json()["receipt"] == uploaded.get_json()["receipt"]
    assert receipt_of(detail, app).manifest_hash == signed.manifest_hash


def test_the_upload_is_in_the_openapi_document(client: FlaskClient) -> None:
    """The OpenAPI document describes the upload's raw body and the read endpoints."""
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/returns"]["post"]
    assert "application/octet-stream" in post["requestBody"]["content"]
    assert {"201", "200"} <= set(post["responses"])
    assert "/api/v1/returns/tracker" in spec["paths"]
    assert "/api/v1/returns/{manifest_hash}" in spec["paths"]
