"""Administering returns: sharing agreements and tracked periods from the command line,
the IG officer's agreements page, retention deleting rows and files (audited, roll-ups
told), the roll-up hooks, and logs free of anything a return carries."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange.audit import tags
from exchange.audit.models import AuditEntry
from exchange.db import get_session
from exchange.returns import hooks
from exchange.returns.access import ingest_settings, return_store
from exchange.returns.hooks import ReturnsChanged
from exchange.returns.models import Return
from exchange.returns.rows import rows_table
from exchange.returns.services import Uploader, submit_return
from tests.exchange.returns_kit import frame_for, make_return, ready_authority, shared_csv

DERBY = "E06000015"


def _ok(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _refused(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture
def changes() -> Iterator[list[ReturnsChanged]]:
    """Every change the roll-up hook is told about during the test."""
    seen: list[ReturnsChanged] = []

    def remember(session: Session, change: ReturnsChanged) -> None:
        seen.append(change)

    hooks.on_returns_changed(remember)
    yield seen
    hooks.forget(remember)


def test_agreements_are_added_listed_and_audited(
    app: Flask, runner: FlaskCliRunner, hub: Any
) -> None:
    """`exchange agreement add` records it (audited); `list` shows it with what it holds."""
    hub.authority(DERBY)
    output = _ok(runner, "agreement", "add", "--authority", DERBY, "--type", "placements",
                 "--reference", "ISA-EM-2026", "--purpose", "Regional commissioning",
                 "--start", "2026-04-01", "--retention", "7y")  # fmt: skip
    assert "kept 84 months" in output
    listed = json.loads(_ok(runner, "agreement", "list", "--json"))
    assert listed == [{
        "authority": DERBY, "return_type": "placements", "reference": "ISA-EM-2026",
        "purpose": "Regional commissioning", "start_date": "2026-04-01",
        "retention_months": 84, "returns_held": 0, "rows_held": 0,
    }]  # fmt: skip
    entry = hub.entries(tags.AGREEMENT_ADDED)[-1]
    assert entry.details["reference"] == "ISA-EM-2026"
    assert "ISA-EM-2026" in _ok(runner, "agreement", "list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--retention", "forever"), "like 7y"),
        (("--start", "1 April"), "a date like"),
        (("--authority", "E06000099"), "No authority"),
    ],
)
def test_bad_agreements_are_refused_in_one_line(
    runner: FlaskCliRunner, hub: Any, args: tuple[str, str], message: str
) -> None:
    """A bad retention, date or authority: one line, exit 1."""
    hub.authority(DERBY)
    options = {"--authority": DERBY, "--type": "placements", "--reference": "R",
               "--purpose": "P", "--start": "2026-04-01", "--retention": "18m"}  # fmt: skip
    options[args[0]] = args[1]
    flat = [part for pair in options.items() for part in pair]
    assert message in _refused(runner, "agreement", "add", *flat)


def test_an_authority_has_one_agreement_per_type(runner: FlaskCliRunner, hub: Any) -> None:
    """A second agreement for the same authority and type is refused."""
    hub.authority(DERBY)
    args = ("agreement", "add", "--authority", DERBY, "--type", "placements", "--reference",
            "R", "--purpose", "P", "--start", "2026-04-01", "--retention", "18m")  # fmt: skip
    _ok(runner, *args)
    assert "already has an agreement" in _refused(runner, *args)


def test_periods_are_added_listed_and_checked(runner: FlaskCliRunner, hub: Any) -> None:
    """`exchange period add` tracks a canonical period with its due date; bad ones refused."""
    output = _ok(runner, "period", "add", "--type", "placements", "--period", "2026 q2",
                 "--due", "2026-07-31")  # fmt: skip
    assert "placements 2026-Q2, due 2026-07-31" in output
    assert "2026-Q2  due 2026-07-31" in _ok(runner, "period", "list")
    assert hub.entries(tags.PERIOD_ADDED)[-1].object == "period:placements:2026-Q2"
    assert "already tracked" in _refused(runner, "period", "add", "--type", "placements",
                                         "--period", "2026-Q2", "--due", "2026-08-01")  # fmt: skip
    assert "quarter" in _refused(runner, "period", "add", "--type", "placements",
                                 "--period", "Q2", "--due", "2026-08-01")  # fmt: skip


def _upload(app: Flask, officer: Any, path: Path) -> str:
    response = app.test_client().post(
        "/api/v1/returns", data=path.read_bytes(), headers=officer.headers
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    manifest_hash: str = response.get_json()["manifest_hash"]
    return manifest_hash


def _rows(app: Flask) -> int:
    table = rows_table("placements", 1)
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(table)) or 0


def test_retention_deletes_rows_and_files_audited_and_tells_the_rollups(
    app: Flask, runner: FlaskCliRunner, changes: list[ReturnsChanged], tmp_path: Path
) -> None:
    """A return held past its agreement's retention loses its rows and file; its record
    stays, marked deleted; the deletion is audited and the roll-ups are told."""
    officer = ready_authority(app, DERBY, retention_months=1)
    received = datetime.now(UTC).replace(microsecond=0) - timedelta(days=62)
    old = make_return(tmp_path / "old.return", signing_key=officer.key, rows=7, now=received)
    _upload_at(app, officer, tmp_path / "old.return", received)
    make_return(tmp_path / "new.return", signing_key=officer.key, rows=5, sequence=2,
                period="2026-Q3")  # fmt: skip
    _upload(app, officer, tmp_path / "new.return")
    kept = Path(app.instance_path) / "returns" / DERBY / f"{old.manifest_hash}.return"
    assert kept.exists()
    assert "Would delete" in _ok(runner, "retention", "apply", "--dry-run")
    assert _rows(app) == 12
    output = _ok(runner, "retention", "apply")
    assert "Deleted 1 return(s)" in output
    assert _rows(app) == 5
    assert not kept.exists()
    with app.app_context():
        record = (
            get_session()
            .scalars(select(Return).where(Return.manifest_hash == old.manifest_hash))
            .one()
        )
        assert record.deleted_at is not None
        entry = (
            get_session()
            .scalars(select(AuditEntry).where(AuditEntry.tag == tags.RETURN_DELETED))
            .one()
        )
    assert entry.details == {"reason": "retention", "agreement": f"ISA-{DERBY}", "rows": 7,
                             "return_type": "placements", "period": "2026-Q2"}  # fmt: skip
    assert changes[-1] == ReturnsChanged("deleted", "placements", ("2026-Q2",), (DERBY,))
    assert "Deleted 0 return(s)" in _ok(runner, "retention", "apply")


def _upload_at(app: Flask, officer: Any, path: Path, when: datetime) -> None:
    with app.app_context(), open(path, "rb") as body:
        submit_return(get_session(), body=body, uploader=Uploader("test", officer.authority),
                      store=return_store(), settings=ingest_settings(), now=when)  # fmt: skip


def test_retention_sweeps_uploads_abandoned_by_killed_processes(
    app: Flask, runner: FlaskCliRunner
) -> None:
    """A staged upload older than a day is removed; a fresh one is left alone."""
    incoming = Path(app.instance_path) / "returns" / ".incoming"
    incoming.mkdir(parents=True)
    stale, fresh = incoming / "old.partial", incoming / "new.partial"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))
    _ok(runner, "retention", "apply")
    assert (stale.exists(), fresh.exists()) == (False, True)


def test_accepting_and_superseding_tell_the_rollups(
    app: Flask, changes: list[ReturnsChanged], tmp_path: Path
) -> None:
    """The hook hears of an accepted return, then of the correction that supersedes it."""
    officer = ready_authority(app, DERBY)
    first = make_return(tmp_path / "a.return", signing_key=officer.key)
    _upload(app, officer, tmp_path / "a.return")
    make_return(tmp_path / "b.return", signing_key=officer.key, sequence=2,
                supersedes=first.manifest_hash)  # fmt: skip
    _upload(app, officer, tmp_path / "b.return")
    assert [change.reason for change in changes] == ["accepted", "superseded"]
    assert changes[0] == ReturnsChanged("accepted", "placements", ("2026-Q2",), (DERBY,))


def test_a_failing_rollup_does_not_undo_the_upload(
    app: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A hook that raises is logged by name; the return stays accepted."""

    def broken(session: Session, change: ReturnsChanged) -> None:
        raise RuntimeError("roll-up exploded")

    officer = ready_authority(app, DERBY)
    make_return(tmp_path / "a.return", signing_key=officer.key)
    hooks.on_returns_changed(broken)
    try:
        with caplog.at_level(logging.INFO, logger="exchange"):
            _upload(app, officer, tmp_path / "a.return")
    finally:
        hooks.forget(broken)
    assert "returns_changed_callback_failed" in caplog.text
    assert "broken" in caplog.text
    assert "exploded" not in caplog.text


def test_the_ig_officer_sees_agreements_and_what_each_holds(
    app: Flask, client: FlaskClient, hub: Any, tmp_path: Path
) -> None:
    """/agreements lists each agreement with the returns and rows held and retention."""
    officer = ready_authority(app, DERBY)
    make_return(tmp_path / "a.return", signing_key=officer.key, rows=9)
    _upload(app, officer, tmp_path / "a.return")
    hub.login(client, hub.user("ig_officer"))
    page = client.get("/agreements").get_data(as_text=True)
    assert f"ISA-{DERBY}" in page
    assert "84 months" in page
    assert "1 return(s) (1 current, 0 superseded), 9 rows" in page
    hub.login(client, f"officer-{DERBY}")
    assert client.get("/agreements").status_code == 403


def test_logs_and_audit_carry_nothing_from_a_return(
    app: Flask, hub: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Accepting one return and refusing another logs no pseudonym, provider or cell value,
    and the audit entries carry none either."""
    officer = ready_authority(app, DERBY)
    good = frame_for("placements", 20)
    bad = frame_for("placements", 20, seed=11)
    bad.loc[bad.index[3], "care_type"] = "Edith Crawley 943 476 5919"
    make_return(tmp_path / "g.return", signing_key=officer.key, payload=shared_csv(good))
    make_return(tmp_path / "b.return", signing_key=officer.key, payload=shared_csv(bad),
                sequence=2, period="2026-Q3")  # fmt: skip
    client = app.test_client()
    with caplog.at_level(logging.DEBUG, logger="exchange"):
        for name in ("g", "b"):
            client.post("/api/v1/returns", data=(tmp_path / f"{name}.return").read_bytes(),
                        headers=officer.headers)  # fmt: skip
    audit = " ".join(entry.body for entry in hub.entries())
    secrets_ = [*good.placement_ref_pseudonym[:5], *good.provider_name[:5], "Edith", "943 476",
                *bad.local_person_id_pseudonym[:5]]  # fmt: skip
    for value in secrets_:
        assert value not in caplog.text
        assert value not in audit
    assert "return_refused" in caplog.text
    assert "return_accepted" in caplog.text
