"""Rotation statements (signed by old and new key), revocation and the trust store."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta

import pytest

from keys import (
    Revocation,
    TrustedKey,
    TrustStore,
    apply_rotation,
    make_rotation_statement,
    verify_return,
    verify_rotation_statement,
)
from keys.envelope import sign_envelope
from keys.errors import (
    BadSignature,
    KeyNotValidAtSigning,
    MalformedDocument,
    MalformedEnvelope,
    RevokedKey,
    UnknownKey,
    WrongAuthorityKey,
)


def test_a_rotation_statement_moves_trust_to_the_new_key(
    trust: TrustStore, derby_key, key_factory, now, sign_return, known
) -> None:
    """After rotation the new key signs Derby's returns and the old key no longer can."""
    new_key = key_factory("derby-2027")
    statement = make_rotation_statement("E06000015", derby_key, new_key, now - timedelta(days=1))
    rotated = apply_rotation(trust, verify_rotation_statement(statement, trust))
    result = verify_return(
        io.BytesIO(sign_return(signing_key=new_key)), trust=rotated, known_schemas=known, now=now
    )
    assert result.key.key_id == new_key.key_id
    with pytest.raises(KeyNotValidAtSigning):
        verify_return(io.BytesIO(sign_return()), trust=rotated, known_schemas=known, now=now)


def test_returns_signed_before_rotation_still_verify(
    trust: TrustStore, derby_key, key_factory, now, sign_return, known
) -> None:
    """A return signed with the old key before the rotation time remains valid."""
    statement = make_rotation_statement(
        "E06000015", derby_key, key_factory("derby-2027"), now + timedelta(hours=1)
    )
    rotated = apply_rotation(trust, verify_rotation_statement(statement, trust))
    verify_return(io.BytesIO(sign_return()), trust=rotated, known_schemas=known, now=now)


def test_a_statement_without_the_old_keys_signature_is_refused(
    trust: TrustStore, derby_key, key_factory, now
) -> None:
    """An attacker's own key cannot rotate Derby's key: the old key must sign."""
    attacker = key_factory("attacker")
    statement = make_rotation_statement("E06000015", derby_key, attacker, now)
    envelope = json.loads(statement)
    payload = base64.b64decode(envelope["payload"])
    forged = sign_envelope(envelope["payloadType"], payload, [attacker, attacker])
    line = forged.to_json().replace(
        attacker.key_id.encode(), derby_key.key_id.encode(), 1
    )  # claims the first signature is Derby's
    with pytest.raises(BadSignature, match="old key"):
        verify_rotation_statement(line, trust)


def test_a_statement_without_the_new_keys_signature_is_refused(
    trust: TrustStore, derby_key, key_factory, now
) -> None:
    """The new key must prove its holder has the private half."""
    new_key, other = key_factory("derby-new"), key_factory("someone-else")
    good = make_rotation_statement("E06000015", derby_key, new_key, now)
    envelope = json.loads(good)
    payload = base64.b64decode(envelope["payload"])
    forged = sign_envelope(envelope["payloadType"], payload, [derby_key, other])
    line = forged.to_json().replace(other.key_id.encode(), new_key.key_id.encode())
    with pytest.raises(BadSignature, match="new key"):
        verify_rotation_statement(line, trust)


def test_rotating_another_authoritys_key_is_refused(
    trust: TrustStore, leicester_key, key_factory, now
) -> None:
    """Leicester's key cannot sign a rotation claiming to be Derby's."""
    statement = make_rotation_statement("E06000015", leicester_key, key_factory("x"), now)
    with pytest.raises(WrongAuthorityKey):
        verify_rotation_statement(statement, trust)


def test_rotating_an_unknown_or_revoked_key_is_refused(
    trust: TrustStore, derby_key, key_factory, now
) -> None:
    """Only a trusted, unrevoked key can be rotated."""
    stranger = make_rotation_statement("E06000015", key_factory("s"), key_factory("t"), now)
    with pytest.raises(UnknownKey):
        verify_rotation_statement(stranger, trust)
    revoked = trust.with_revocation(Revocation(derby_key.key_id, now - timedelta(days=1), "lost"))
    statement = make_rotation_statement("E06000015", derby_key, key_factory("t"), now)
    with pytest.raises(RevokedKey):
        verify_rotation_statement(statement, revoked)


def test_a_statement_signed_once_is_refused(trust: TrustStore, derby_key, key_factory, now):
    """A rotation statement carries exactly two signatures."""
    statement = make_rotation_statement("E06000015", derby_key, key_factory("n"), now)
    envelope = json.loads(statement)
    envelope["signatures"] = envelope["signatures"][:1]
    with pytest.raises(MalformedEnvelope):
        verify_rotation_statement(json.dumps(envelope).encode(), trust)


def test_revocation_keeps_the_earliest_time(trust: TrustStore, derby_key, now) -> None:
    """Revoking twice keeps the earlier time: a later record cannot un-revoke."""
    first = trust.with_revocation(Revocation(derby_key.key_id, now, "lost laptop"))
    again = first.with_revocation(Revocation(derby_key.key_id, now + timedelta(days=9), "late"))
    key = again.get(derby_key.key_id)
    assert key is not None
    assert key.revoked_at == now


def test_a_trusted_key_must_match_its_id(derby_key, leicester_key, now) -> None:
    """A trust entry whose key id is not derived from its public key is refused."""
    with pytest.raises(ValueError, match="key id"):
        TrustedKey(derby_key.key_id, "E06000015", leicester_key.public_key, now)


def test_a_trust_store_with_missing_fields_is_refused(trust: TrustStore) -> None:
    """An offline trust store file must list every field of every key."""
    doc = json.loads(trust.to_json())
    del doc["keys"][0]["valid_until"]
    with pytest.raises(MalformedDocument):
        TrustStore.from_json(json.dumps(doc).encode())


def test_rotation_dates_survive_the_trust_store_file(
    trust: TrustStore, derby_key, key_factory, now
) -> None:
    """Validity ends and revocations are kept when the store is written and read."""
    statement = make_rotation_statement("E06000015", derby_key, key_factory("n2"), now)
    rotated = apply_rotation(trust, verify_rotation_statement(statement, trust))
    revoked = rotated.with_revocation(Revocation(derby_key.key_id, now, "retired"))
    again = TrustStore.from_json(revoked.to_json())
    old = again.get(derby_key.key_id)
    assert old is not None
    assert (old.valid_until, old.revoked_at) == (now, now)
    assert len(again.keys_of("E06000015")) == 2


def test_a_registration_becomes_a_trusted_key(derby_key, now) -> None:
    """The JSON printed by `keys init` gives the hub the key to trust for the authority."""
    registration = json.dumps(
        {
            "authority": "E06000015",
            "signing_key": {"key_id": derby_key.key_id, "public_key": derby_key.public_key.hex()},
        }
    )
    key = TrustedKey.from_registration(registration, now)
    assert (key.authority, key.key_id, key.valid_from) == ("E06000015", derby_key.key_id, now)
    tampered = registration.replace(derby_key.public_key.hex()[:4], "0000")
    with pytest.raises(MalformedDocument, match="unusable"):
        TrustedKey.from_registration(tampered, now)
