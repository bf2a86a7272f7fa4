"""Uploads refused by verification: a damaged, truncated, over-long or oversized file, a
signature by an unknown, revoked or rotated-out key or by another authority's key, a
manifest out of its time window or of an unknown schema version. Each is answered in the
one error shape with a reason, recorded, audited, and leaves nothing stored."""

from __future__ import annotations

import base64
import http.client
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient

from exchange.db import get_session
from exchange.registry import services as registry
from keys import make_rotation_statement
from tests.exchange.refusal_checks import (
    nothing_stored,
    post,
    refusal_audited,
    refused,
    signed_bytes,
)
from tests.exchange.returns_kit import (
    Officer,
    ready_authority,
    serving,
    signing_key,
)

DERBY, LEICESTER = "E06000015", "E06000016"


@pytest.fixture
def officer(app: Flask) -> Officer:
    """Derby, ready to upload."""
    return ready_authority(app, DERBY)


def _flip_signature_bit(data: bytes) -> bytes:
    magic, envelope, payload = data.split(b"\n", 2)
    document = json.loads(envelope)
    signature = bytearray(base64.b64decode(document["signatures"][0]["sig"]))
    signature[10] ^= 0x01
    document["signatures"][0]["sig"] = base64.b64encode(bytes(signature)).decode()
    line = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    return b"\n".join([magic, line, payload])


def _change_payload_byte(data: bytes) -> bytes:
    position = len(data) - 20
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


TAMPERING: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("bit_flipped_signature", _flip_signature_bit, "bad_signature"),
    ("payload_byte_changed", _change_payload_byte, "payload_hash_mismatch"),
    ("truncated_body", lambda data: data[:-15], "payload_truncated"),
    ("over_long_body", lambda data: data + b"extra,row\n", "payload_too_long"),
    ("not_a_return", lambda data: b"PK\x03\x04" + data, "malformed_envelope"),
]


@pytest.mark.parametrize(("damage", "reason"), [t[1:] for t in TAMPERING],
                         ids=[t[0] for t in TAMPERING])  # fmt: skip
def test_a_damaged_file_is_refused_and_nothing_stored(
    app: Flask,
    client: FlaskClient,
    officer: Officer,
    tmp_path: Path,
    damage: Callable[[bytes], bytes],
    reason: str,
) -> None:
    """Signature, payload and length damage are each refused with their own reason."""
    response = post(client, officer, damage(signed_bytes(tmp_path, officer.key)))
    refused(response, 400, reason)
    nothing_stored(app)
    refusal_audited(app, reason)


def test_a_body_over_the_cap_with_content_length_is_413(
    app_with: Callable[..., Flask], tmp_path: Path
) -> None:
    """A declared length over the cap is refused before reading, in the error shape."""
    app = app_with(RETURNS_MAX_BYTES=2000)
    officer = ready_authority(app, DERBY)
    data = signed_bytes(tmp_path, officer.key, rows=40)
    error = refused(post(app.test_client(), officer, data), 413, "too_large")
    assert error["code"] == "request_entity_too_large"
    nothing_stored(app)
    refusal_audited(app, "too_large")


def test_a_chunked_body_over_the_cap_is_413(app_with: Callable[..., Flask], tmp_path: Path) -> None:
    """Without Content-Length (chunked), reading stops at the cap and the answer is 413."""
    app = app_with(RETURNS_MAX_BYTES=2000)
    officer = ready_authority(app, DERBY)
    data = signed_bytes(tmp_path, officer.key, rows=40)
    chunked = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}
    response = post(app.test_client(), officer, data, environ_overrides=chunked)
    refused(response, 413, "too_large")
    nothing_stored(app)


def test_a_chunked_body_under_the_cap_is_accepted(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """A chunked upload within the cap is read to its end and accepted."""
    chunked = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}
    response = post(client, officer, signed_bytes(tmp_path, officer.key), environ_overrides=chunked)
    assert response.status_code == 201


def test_a_body_without_length_or_chunking_is_411(
    app: Flask, officer: Officer, tmp_path: Path
) -> None:
    """Over real HTTP, neither Content-Length nor chunked: 411 before anything is read."""
    data = signed_bytes(tmp_path, officer.key)
    with serving(app) as url:
        connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)
        connection.putrequest("POST", "/api/v1/returns")
        connection.putheader("Authorization", f"Bearer {officer.token}")
        connection.endheaders()
        connection.send(data[:100])
        response = connection.getresponse()
        body = json.loads(response.read())
        connection.close()
    assert response.status == 411
    assert body["error"]["details"]["reason"] == "length_required"
    nothing_stored(app)


def test_a_chunked_upload_over_real_http_over_the_cap_is_413(
    app_with: Callable[..., Flask], tmp_path: Path
) -> None:
    """Over real HTTP with chunked transfer, the hub stops at the cap and answers 413."""
    app = app_with(RETURNS_MAX_BYTES=5000)
    officer = ready_authority(app, DERBY)
    data = signed_bytes(tmp_path, officer.key, rows=200)
    chunks = (data[i : i + 1000] for i in range(0, len(data), 1000))
    with serving(app) as url:
        response = httpx.post(f"{url}/api/v1/returns", content=chunks, headers=officer.headers)
    assert response.status_code == 413
    assert response.json()["error"]["details"]["reason"] == "too_large"
    nothing_stored(app)


def test_a_return_claiming_another_authority_with_ones_own_key_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """Derby's token, signed by Derby's key, but claiming Leicester: the key is not
    Leicester's."""
    ready_authority(app, LEICESTER)
    data = signed_bytes(tmp_path, officer.key, authority=LEICESTER)
    refused(post(client, officer, data), 400, "wrong_authority_key")
    nothing_stored(app)


def test_a_return_claiming_ones_authority_signed_with_anothers_key_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """Derby's token, a return claiming Derby signed with Leicester's key: refused."""
    leicester = ready_authority(app, LEICESTER)
    data = signed_bytes(tmp_path, leicester.key, authority=DERBY)
    refused(post(client, officer, data), 400, "wrong_authority_key")


def test_an_unknown_key_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """A return signed with a key the hub never registered."""
    data = signed_bytes(tmp_path, signing_key("stranger"))
    error = refused(post(client, officer, data), 400, "unknown_key")
    assert "not registered" in error["message"]


def test_a_key_revoked_before_signing_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """Signed after the key's revocation: refused."""
    with app.app_context():
        registry.revoke_key(get_session(), key_id=officer.key.key_id, reason="compromised",
                            actor="test", at=datetime.now(UTC) - timedelta(hours=1))  # fmt: skip
        get_session().commit()
    refused(post(client, officer, signed_bytes(tmp_path, officer.key)), 400, "revoked_key")


def test_a_rotated_out_key_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """After a rotation, the old key no longer signs for the authority."""
    new = signing_key("derby-new")
    rotated_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    statement = make_rotation_statement(DERBY, officer.key, new, rotated_at)
    with app.app_context():
        registry.rotate_key(get_session(), statement=statement, actor="test")
        get_session().commit()
    data = signed_bytes(tmp_path, officer.key)
    refused(post(client, officer, data), 400, "key_not_valid_at_signing")
    assert post(client, officer, signed_bytes(tmp_path, new, sequence=2)).status_code == 201


def test_a_key_revoked_after_signing_is_accepted_and_flagged(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """Signed before a later revocation: accepted, carrying the flag for people to see."""
    signed_at = datetime.now(UTC) - timedelta(hours=3)
    data = signed_bytes(tmp_path, officer.key, now=signed_at)
    with app.app_context():
        registry.revoke_key(get_session(), key_id=officer.key.key_id, reason="lost",
                            actor="test", at=signed_at + timedelta(hours=1))  # fmt: skip
        get_session().commit()
    response = post(client, officer, data)
    assert response.status_code == 201
    assert response.get_json()["return"]["flags"] == ["key-revoked-after-signing"]


def test_an_expired_manifest_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """A return past its expiry (beyond the clock skew) is refused."""
    old = datetime.now(UTC) - timedelta(days=20)
    data = signed_bytes(tmp_path, officer.key, now=old, lifetime=timedelta(days=14))
    error = refused(post(client, officer, data), 400, "expired")
    assert "sign it again" in error["message"]


def test_a_manifest_from_the_future_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """A return created an hour ahead of the hub's clock is refused."""
    data = signed_bytes(tmp_path, officer.key, now=datetime.now(UTC) + timedelta(hours=1))
    refused(post(client, officer, data), 400, "not_yet_valid")


def test_an_unknown_schema_version_is_refused(
    app: Flask, client: FlaskClient, officer: Officer, tmp_path: Path
) -> None:
    """placements v2 is not agreed (the hub has nowhere to store it)."""
    data = signed_bytes(tmp_path, officer.key, schema_version=2)
    refused(post(client, officer, data), 400, "unknown_schema_version")
