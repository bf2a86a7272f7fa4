"""Offline verification of an audit export: it passes untouched, and fails on an edited,
deleted, reordered, inserted or truncated entry, in the file or in the database itself."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from exchange.audit.events import record_event
from exchange.audit.verify import AuditVerificationFailed, verify_export
from exchange.db import database, get_session
from exchange.hub_key import HUB_PUBLIC_FILE
from keys.transparency import parse_verifier_key

Tamper = Callable[[dict[str, Any]], None]


def _events(app: Flask, count: int, start: int = 0) -> None:
    with app.app_context():
        session = get_session()
        for number in range(start, start + count):
            record_event(session, tag="test:event:happen", actor="test", details={"n": number})
        session.commit()


def _run(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def exported(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> dict[str, Any]:
    """A hub with two checkpoints, exported in full; also writes hub-signing.pub."""
    _run(runner, "init")
    _events(app, 5)
    _run(runner, "checkpoint", "sign")
    _events(app, 6, start=5)
    _run(runner, "audit", "export", "-o", str(tmp_path / "export.json"))
    document: dict[str, Any] = json.loads((tmp_path / "export.json").read_text())
    return document


def _key(app: Flask) -> Any:
    return parse_verifier_key((Path(app.instance_path) / HUB_PUBLIC_FILE).read_text())


def test_an_untouched_export_verifies_on_the_command_line(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, exported: dict[str, Any]
) -> None:
    """`exchange audit verify` with the file and the public key alone says OK."""
    pub = str(Path(app.instance_path) / HUB_PUBLIC_FILE)
    output = _run(runner, "audit", "verify", str(tmp_path / "export.json"), "--hub-key", pub)
    assert output.startswith("OK: ")
    assert len(exported["checkpoints"]) >= 3


def _edit(doc: dict[str, Any]) -> None:
    entry = doc["entries"][3]
    entry["body"] = entry["body"].replace('"actor":"test"', '"actor":"tester"')


def _edit_last(doc: dict[str, Any]) -> None:
    entry = doc["entries"][-1]
    entry["body"] = entry["body"].replace('"actor":"cli"', '"actor":"someone"')


def _delete(doc: dict[str, Any]) -> None:
    del doc["entries"][4]


def _reorder(doc: dict[str, Any]) -> None:
    doc["entries"][4], doc["entries"][5] = doc["entries"][5], doc["entries"][4]


def _insert(doc: dict[str, Any]) -> None:
    doc["entries"].insert(2, copy.deepcopy(doc["entries"][2]))


def _truncate(doc: dict[str, Any]) -> None:
    doc["entries"].pop()


def _append(doc: dict[str, Any]) -> None:
    doc["entries"].append(copy.deepcopy(doc["entries"][-1]))


def _drop_checkpoint_proofs(doc: dict[str, Any]) -> None:
    proof = doc["consistency_proofs"][-1]["proof"]
    proof[0] = proof[-1]


@pytest.mark.parametrize(
    "tamper",
    [_edit, _edit_last, _delete, _reorder, _insert, _truncate, _append, _drop_checkpoint_proofs],
    ids=["edit", "edit-last", "delete", "reorder", "insert", "truncate", "append", "proof"],
)
def test_a_tampered_export_fails_verification(
    app: Flask, exported: dict[str, Any], tamper: Tamper
) -> None:
    """Any change to the entries or proofs is caught against the signed checkpoints."""
    verify_export(exported, _key(app))
    changed = copy.deepcopy(exported)
    tamper(changed)
    with pytest.raises(AuditVerificationFailed):
        verify_export(changed, _key(app))


def test_truncation_with_the_last_checkpoint_removed_fails_against_a_kept_one(
    app: Flask, exported: dict[str, Any]
) -> None:
    """Cutting the last entries and their checkpoint fails against a checkpoint the IG kept."""
    kept = exported["checkpoints"][-1]
    changed = copy.deepcopy(exported)
    changed["checkpoints"].pop()
    changed["consistency_proofs"].pop()
    cut = int(changed["checkpoints"][-1].split("\n")[1])
    changed["entries"] = changed["entries"][:cut]
    verify_export(changed, _key(app))  # self-consistent, but shorter...
    with pytest.raises(AuditVerificationFailed, match="truncated"):
        verify_export(changed, _key(app), held=[kept])


def test_an_export_signed_by_another_key_fails(exported: dict[str, Any]) -> None:
    """Checkpoints must be signed by the hub key the IG officer holds."""
    from keys.signing import SigningKey
    from keys.transparency import VerifierKey

    stranger = VerifierKey(
        name="test.exchange.invalid/audit", public_key=SigningKey.generate().public_key
    )
    with pytest.raises(AuditVerificationFailed, match="no signature"):
        verify_export(exported, stranger)


def test_rewriting_history_in_the_database_is_caught_by_a_kept_checkpoint(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """An owner who drops the trigger and edits a row is caught by the IG's earlier checkpoint."""
    _run(runner, "init")
    _events(app, 4)
    kept = tmp_path / "kept.txt"
    _run(runner, "checkpoint", "sign", "-o", str(kept))
    engine = database(app).engine
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        else:
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
        connection.execute(
            sa.text("UPDATE audit_entries SET body = replace(body, :old, :new)"),
            {"old": '"n":1', "new": '"n":7'},
        )
    refused = runner.invoke(
        args=["audit", "export", "--since", str(kept), "-o", str(tmp_path / "refused.json")]
    )
    assert refused.exit_code == 1
    assert "does not match" in refused.output
    _run(runner, "audit", "export", "-o", str(tmp_path / "export.json"))
    pub = str(Path(app.instance_path) / HUB_PUBLIC_FILE)
    result = runner.invoke(
        args=["audit", "verify", str(tmp_path / "export.json"), "--hub-key", pub,
              "--checkpoint", str(kept)]
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert "Traceback" not in result.output


def test_an_export_since_a_kept_checkpoint_carries_only_newer_entries(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """--since a checkpoint file exports the entries after it, verifiable across the boundary."""
    _run(runner, "init")
    _events(app, 7)
    kept = tmp_path / "kept.txt"
    _run(runner, "checkpoint", "sign", "-o", str(kept))
    _events(app, 3, start=7)
    _run(runner, "audit", "export", "--since", str(kept), "-o", str(tmp_path / "e.json"))
    document = json.loads((tmp_path / "e.json").read_text())
    assert document["entries"][0]["index"] == 7
    report = verify_export(document, _key(app), held=[kept.read_text()])
    assert report.first_index == 7
    assert report.tree_size == 11
    changed = copy.deepcopy(document)
    changed["anchor"]["leaf_hash"] = changed["frontier"][0]
    with pytest.raises(AuditVerificationFailed):
        verify_export(changed, _key(app))
