"""The audit log: entries as data in the action's transaction, the personal-data guard,
the hash chain, and proofs the hub serves that keys.transparency accepts."""

from __future__ import annotations

import base64
import itertools
import json
import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from exchange.accounts.errors import UnknownUser
from exchange.accounts.services import create_user, find_user
from exchange.audit import merkle
from exchange.audit.checkpoints import latest_checkpoint, sign_tree_head
from exchange.audit.events import AuditError, record_event, refuse_personal_data
from exchange.audit.formats import GENESIS_HASH
from exchange.cli.common import hub_key
from exchange.db import get_session
from exchange.hub_key import verifier_key
from keys.transparency import (
    leaf_hash,
    parse_verifier_key,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)


def _json(response: TestResponse) -> Any:
    """The response body as JSON (for tests, where the shape is what is checked)."""
    return json.loads(response.get_data(as_text=True))


def _record(app: Flask, count: int) -> None:
    with app.app_context():
        session = get_session()
        for number in range(count):
            record_event(session, tag="test:event:happen", actor="test", details={"n": number})
        session.commit()


def _checkpoint(app: Flask) -> int:
    with app.app_context():
        signed = sign_tree_head(get_session(), hub_key=hub_key(), origin="test/audit")
        get_session().commit()
        return signed.tree_size


def test_entries_form_a_hash_chain_of_rfc9162_leaves(app: Flask, hub: Any) -> None:
    """Each entry's leaf hash is SHA-256(0x00 || body) and it names the previous leaf."""
    _record(app, 3)
    entries = hub.entries()
    assert [e.index for e in entries] == [0, 1, 2]
    assert entries[0].prev_hash == GENESIS_HASH
    for earlier, later in itertools.pairwise(entries):
        assert later.prev_hash == earlier.leaf_hash
    assert all(e.leaf_hash == leaf_hash(e.body.encode()) for e in entries)


@pytest.mark.parametrize(
    "details",
    [
        {"name": "x"},
        {"given_name": "x"},
        {"providerName": "x"},
        {"nhs_number": "x"},
        {"postcode": "x"},
        {"dob": "x"},
        {"address": "x"},
        {"token": "x"},
        {"note": "DE22 1AB"},
        {"note": "943 476 5919"},
        {"nested": {"rows": [{"surname": "x"}]}},
        {"ratio": 0.5},
        {"when": object()},
    ],
)
def test_details_that_could_carry_personal_data_are_refused(details: dict[str, Any]) -> None:
    """Keys naming personal data or secrets, postcode or NHS-number values, floats: refused."""
    with pytest.raises(AuditError):
        refuse_personal_data(details)


@given(
    st.dictionaries(
        st.sampled_from(["rows", "reason", "return_type", "period", "count", "purpose"]),
        st.one_of(st.integers(), st.booleans(), st.sampled_from(["placements", "2026-Q2"])),
    )
)
def test_ordinary_event_details_are_accepted(details: dict[str, Any]) -> None:
    """Counts, codes, periods and reasons pass the guard whatever their combination."""
    refuse_personal_data(details)


def test_a_refused_audit_entry_undoes_the_action(app: Flask, hub: Any) -> None:
    """When the audit write fails, the action it records does not happen either."""
    with app.app_context():
        session = get_session()
        with pytest.raises(AuditError):
            create_user(
                session, username="someone", password="long enough password", role="admin",
                authority_code=None, actor="DE22 1AB",
            )  # fmt: skip
        session.rollback()
    assert hub.entries() == []
    with app.app_context(), pytest.raises(UnknownUser):
        find_user(get_session(), "someone")


def test_a_checkpoint_is_a_signed_note_of_the_current_root(app: Flask) -> None:
    """The checkpoint states the tree size and the root of the stored leaves, signed by the hub."""
    _record(app, 5)
    assert _checkpoint(app) == 5
    with app.app_context():
        key = hub_key()
        note = latest_checkpoint(get_session()).note
        leaves = merkle.leaf_hashes(get_session(), 5)
    checkpoint = verify_checkpoint(note, parse_verifier_key(str(verifier_key(key, "test/audit"))))
    assert checkpoint.root_hash == merkle.root(leaves)


def test_the_api_serves_proofs_that_the_offline_verifier_accepts(
    app: Flask, client: FlaskClient, hub: Any, auth_header: Any
) -> None:
    """Checkpoint, consistency and inclusion from the API verify with keys.transparency."""
    headers = auth_header(hub.token(hub.user("ig_officer")))
    _record(app, 3)
    first = _checkpoint(app)
    _record(app, 6)
    second = _checkpoint(app)
    latest = _json(client.get("/api/v1/audit/checkpoint", headers=headers))
    assert latest["tree_size"] == second
    with app.app_context():
        leaves = merkle.leaf_hashes(get_session(), second)
    consistency = client.get(f"/api/v1/audit/consistency?from={first}&to={second}", headers=headers)
    proof = [base64.b64decode(node) for node in _json(consistency)["proof"]]
    verify_consistency(first, second, proof, merkle.root(leaves, first), merkle.root(leaves))
    inclusion = _json(client.get(f"/api/v1/audit/inclusion?index=4&size={second}", headers=headers))
    path = [base64.b64decode(node) for node in inclusion["proof"]]
    verify_inclusion(bytes.fromhex(inclusion["leaf_hash"]), 4, second, path, merkle.root(leaves))


def test_proofs_are_only_for_signed_sizes(
    app: Flask, client: FlaskClient, hub: Any, auth_header: Any
) -> None:
    """Asking for a proof to a size no checkpoint was signed at is a 400, not a guess."""
    headers = auth_header(hub.token(hub.user("ig_officer")))
    _record(app, 3)
    _checkpoint(app)
    response = client.get("/api/v1/audit/consistency?from=1&to=3", headers=headers)
    assert response.status_code == 400
    assert "No checkpoint" in _json(response)["error"]["message"]


@given(size=st.integers(1, 200), data=st.data())
def test_hub_proofs_verify_for_any_tree(size: int, data: st.DataObject) -> None:
    """For any log size, the hub's inclusion and consistency proofs verify."""
    leaves = [leaf_hash(str(i).encode()) for i in range(size)]
    index = data.draw(st.integers(0, size - 1))
    verify_inclusion(leaves[index], index, size, merkle.inclusion_proof(leaves, index, size),
                     merkle.root(leaves))  # fmt: skip
    older = data.draw(st.integers(0, size))
    verify_consistency(older, size, merkle.consistency_proof(leaves, older, size),
                       merkle.root(leaves, older), merkle.root(leaves))  # fmt: skip


def test_concurrent_appends_get_consecutive_indexes(app: Flask, hub: Any) -> None:
    """Writers racing on the log never share an index nor break the chain."""
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with app.app_context():
                for _ in range(5):
                    session = get_session()
                    record_event(session, tag="test:event:race", actor="test")
                    session.commit()
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = hub.entries()
    assert [e.index for e in entries] == list(range(20))
    assert all(b.prev_hash == a.leaf_hash for a, b in itertools.pairwise(entries))
