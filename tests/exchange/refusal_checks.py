"""Checks shared by the refusal tests: post a return, check a refusal's shape and reason,
and that nothing was stored and the refusal was recorded and audited. Not a test module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from exchange.audit import tags
from exchange.audit.models import AuditEntry
from exchange.db import get_session
from exchange.returns.models import RefusedUpload, Return
from exchange.returns.rows import rows_table
from keys import SigningKey
from tests.exchange.returns_kit import Officer, make_return


def post(client: FlaskClient, officer: Officer, data: bytes, **kwargs: Any) -> TestResponse:
    """POST raw bytes as a return with the officer's token."""
    return client.post("/api/v1/returns", data=data, headers=officer.headers, **kwargs)


def refused(response: TestResponse, status: int, reason: str) -> dict[str, Any]:
    """Check the error shape, status and reason of a refusal; return the error."""
    assert response.status_code == status, response.get_data(as_text=True)
    error: dict[str, Any] = response.get_json()["error"]
    assert {"status", "code", "message", "request_id"} <= set(error)
    assert error["details"]["reason"] == reason
    return error


def nothing_stored(app: Flask) -> None:
    """No return and no row is in the database."""
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count(Return.id))) == 0
        for return_type in ("placements", "supplier_spend"):
            table = rows_table(return_type, 1)
            assert session.scalar(select(func.count()).select_from(table)) == 0


def refusal_audited(app: Flask, reason: str) -> None:
    """The refusal is in refused_uploads and in the audit log with its reason."""
    with app.app_context():
        session = get_session()
        record = session.scalars(select(RefusedUpload).order_by(RefusedUpload.id.desc())).first()
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.tag == tags.RETURN_REFUSED)
        ).all()[-1]
    assert record is not None
    assert record.reason == reason
    assert entry.details["reason"] == reason


def signed_bytes(tmp_path: Path, key: SigningKey, **kwargs: Any) -> bytes:
    """A freshly signed return's bytes."""
    path = tmp_path / f"r{len(list(tmp_path.iterdir()))}.return"
    make_return(path, signing_key=key, **kwargs)
    return path.read_bytes()
