"""`anonymiser upload` against a real hub: success only on a verified receipt saved beside
the return; 5xx and network errors retried (bounded), 4xx never; a tampered receipt is a
failure; the same return twice is one return; `anonymiser status` lists what the hub holds."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from anonymiser.cli import main
from anonymiser.prepare.ledger import Ledger, LedgerEntry
from anonymiser.upload import (
    HubRefused,
    HubUnavailable,
    ReceiptRefused,
    RetryPolicy,
    hub_connection,
    receipt_path_for,
    upload_return,
)
from anonymiser.upload.uploading import read_manifest
from exchange.db import get_session
from exchange.returns.models import Return
from keys import verify_receipt
from keys.transparency import VerifierKey
from tests.exchange.returns_kit import make_return

FAST = RetryPolicy(attempts=3, first_wait=0.01, longest_wait=0.05)


def signed(tmp_path: Path, hub: Any, name: str = "derby-2026-Q2.return", **kwargs: Any) -> Path:
    """A return signed by Derby's registered key."""
    make_return(tmp_path / name, signing_key=hub.officer.key, **kwargs)
    return tmp_path / name


def run(*args: str) -> Result:
    """Run the anonymiser command line."""
    return CliRunner().invoke(main, list(args))


def stored_returns(hub: Any) -> int:
    """How many returns the hub holds."""
    with hub.app.app_context():
        count = get_session().scalar(select(func.count(Return.id))) or 0
        get_session().rollback()
    return count


def test_an_upload_ends_with_a_verified_receipt_saved_beside_the_return(
    live_hub: Any, tmp_path: Path
) -> None:
    """Exit 0 only after the receipt verified; it is saved as <name>.receipt.json."""
    path = signed(tmp_path, live_hub, rows=25)
    result = run("upload", str(path), "--hub", live_hub.url)
    assert result.exit_code == 0, result.output
    assert "Accepted: placements 2026-Q2 from E06000015, 25 rows" in result.output
    assert "Receipt verified with the hub key" in result.output
    saved = receipt_path_for(path)
    assert saved == tmp_path / "derby-2026-Q2.receipt.json"
    receipt = verify_receipt(saved.read_bytes().strip(), hub_public_key=live_hub.hub_key)
    assert receipt.rows == 25
    assert live_hub.officer.token not in result.output


def test_the_same_return_twice_is_one_return_with_one_receipt(
    live_hub: Any, tmp_path: Path
) -> None:
    """Sending again (a lost answer, a crash) gives the same receipt; the hub keeps one."""
    path = signed(tmp_path, live_hub)
    assert run("upload", str(path), "--hub", live_hub.url).exit_code == 0
    first = receipt_path_for(path).read_bytes()
    again = run("upload", str(path), "--hub", live_hub.url)
    assert again.exit_code == 0, again.output
    assert "The hub already held this return" in again.output
    assert receipt_path_for(path).read_bytes() == first
    assert stored_returns(live_hub) == 1


def test_5xx_answers_are_retried_until_the_hub_takes_it(
    live_hub: Any, gateway: tuple[str, Any], tmp_path: Path
) -> None:
    """Two 503s, then the upload goes through and is verified."""
    url, state = gateway
    state.failures = ["503", "503"]
    notices: list[str] = []
    uploaded = upload_return(signed(tmp_path, live_hub), connection=hub_connection(url),
                             policy=FAST, notice=notices.append)  # fmt: skip
    assert uploaded.receipt.rows == 20
    assert [method for method, _ in state.seen] == ["POST", "POST", "POST"]
    assert notices[0].startswith("The hub answered 503; trying again in")
    assert stored_returns(live_hub) == 1


def test_network_errors_are_retried(
    live_hub: Any, gateway: tuple[str, Any], tmp_path: Path
) -> None:
    """A dropped connection is a network error: tried again, then accepted."""
    url, state = gateway
    state.failures = ["drop"]
    notices: list[str] = []
    upload_return(signed(tmp_path, live_hub), connection=hub_connection(url), policy=FAST,
                  notice=notices.append)  # fmt: skip
    assert len(state.seen) == 2
    assert "network error" in notices[0]


def test_retries_are_bounded(live_hub: Any, gateway: tuple[str, Any], tmp_path: Path) -> None:
    """A hub that keeps failing: three attempts, then a clear failure; nothing saved."""
    url, state = gateway
    state.failures = ["502"] * 10
    path = signed(tmp_path, live_hub)
    with pytest.raises(HubUnavailable, match="after 3 attempts"):
        upload_return(path, connection=hub_connection(url), policy=FAST)
    assert len(state.seen) == 3
    assert not receipt_path_for(path).exists()


def test_a_4xx_is_never_retried_and_the_hubs_message_is_shown(
    live_hub: Any, gateway: tuple[str, Any], tmp_path: Path
) -> None:
    """A refused return (sequence not rising) is sent once; the hub's message is printed."""
    upload_return(signed(tmp_path, live_hub, sequence=5), connection=hub_connection(live_hub.url))
    url, state = gateway
    stale = signed(tmp_path, live_hub, name="old.return", sequence=4, period="2026-Q1")
    with pytest.raises(HubRefused) as refused:
        upload_return(stale, connection=hub_connection(url), policy=FAST)
    assert (refused.value.status, refused.value.reason) == (409, "sequence_not_rising")
    assert len(state.seen) == 1
    result = run("upload", str(stale), "--hub", url)
    assert result.exit_code == 1
    assert "The hub refused the return (409)" in result.output
    assert "is not above the last one" in result.output


def _tamper(answer: dict[str, Any]) -> dict[str, Any]:
    """Change the rows the receipt states, leaving the hub's signature as it was."""
    payload = json.loads(base64.b64decode(answer["receipt"]["payload"]))
    payload["rows"] += 1
    answer["receipt"]["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
    return answer


def test_a_tampered_receipt_fails_the_upload(
    live_hub: Any, gateway: tuple[str, Any], tmp_path: Path
) -> None:
    """A receipt altered on the way does not verify: exit 1, no receipt saved."""
    url, state = gateway
    state.alter = _tamper
    path = signed(tmp_path, live_hub)
    result = run("upload", str(path), "--hub", url)
    assert result.exit_code == 1
    assert "receipt failed verification" in result.output
    assert not receipt_path_for(path).exists()


def test_a_receipt_from_another_key_fails_the_upload(
    live_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Configured with a key that is not the hub's, no receipt is believed."""
    impostor = str(VerifierKey("other.hub.invalid/audit", b"7" * 32))
    monkeypatch.setenv("ANONYMISER_HUB_KEY", impostor)
    with pytest.raises(ReceiptRefused, match="not signed by the hub key"):
        upload_return(signed(tmp_path, live_hub), connection=hub_connection(live_hub.url))


def test_status_lists_this_authoritys_returns(live_hub: Any, tmp_path: Path) -> None:
    """After an upload, `status` shows the return, its period and state; --json for scripts."""
    run("upload", str(signed(tmp_path, live_hub, rows=7)), "--hub", live_hub.url)
    result = run("status", "--hub", live_hub.url)
    assert result.exit_code == 0, result.output
    assert "2026-Q2" in result.output
    assert "placements" in result.output
    assert "accepted" in result.output
    listed = json.loads(run("status", "--hub", live_hub.url, "--json").output)
    assert [(item["period"], item["rows"]) for item in listed] == [("2026-Q2", 7)]
    empty = run("status", "--hub", live_hub.url, "--type", "supplier_spend")
    assert "holds no return" in empty.output


def test_the_token_is_never_a_command_line_argument(live_hub: Any, tmp_path: Path) -> None:
    """There is no --token option; without the environment the command stops (exit 2)."""
    path = signed(tmp_path, live_hub)
    assert run("upload", str(path), "--hub", live_hub.url, "--token", "x").exit_code == 2
    result = CliRunner().invoke(main, ["upload", str(path), "--hub", live_hub.url],
                                env={"ANONYMISER_HUB_TOKEN": ""})  # fmt: skip
    assert result.exit_code == 2
    assert "No API token" in result.output


def test_the_token_may_come_from_a_private_file(
    live_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 0600 token file works; one others can read is refused (exit 2)."""
    token_file = tmp_path / "hub-token"
    token_file.write_text(live_hub.officer.token + "\n")
    os.chmod(token_file, 0o644)
    monkeypatch.delenv("ANONYMISER_HUB_TOKEN")
    monkeypatch.setenv("ANONYMISER_HUB_TOKEN_FILE", str(token_file))
    path = signed(tmp_path, live_hub)
    refused = run("upload", str(path), "--hub", live_hub.url)
    assert refused.exit_code == 2
    assert "chmod 600" in refused.output
    os.chmod(token_file, 0o600)
    assert run("upload", str(path), "--hub", live_hub.url).exit_code == 0


def test_the_hub_key_is_required(
    live_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the hub's public key no receipt could be believed: stop before uploading."""
    monkeypatch.delenv("ANONYMISER_HUB_KEY")
    result = run("upload", str(signed(tmp_path, live_hub)), "--hub", live_hub.url)
    assert result.exit_code == 2
    assert "ANONYMISER_HUB_KEY" in result.output
    assert stored_returns(live_hub) == 0


def test_the_hub_key_may_be_the_public_key_file(
    live_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ANONYMISER_HUB_KEY may name hub-signing.pub instead of holding its text."""
    key_file = tmp_path / "hub-signing.pub"
    key_file.write_text(live_hub.hub_key + "\n")
    monkeypatch.setenv("ANONYMISER_HUB_KEY", str(key_file))
    assert run("upload", str(signed(tmp_path, live_hub)), "--hub", live_hub.url).exit_code == 0


def test_a_file_that_is_not_a_return_is_refused_before_sending(
    live_hub: Any, gateway: tuple[str, Any], tmp_path: Path
) -> None:
    """A spreadsheet given by mistake is named and never sent."""
    url, state = gateway
    wrong = tmp_path / "placements.xlsx"
    wrong.write_bytes(b"PK\x03\x04 not a return")
    result = run("upload", str(wrong), "--hub", url)
    assert result.exit_code == 1
    assert "not a return file" in result.output
    assert state.seen == []


def test_an_upload_is_noted_in_the_ledger_of_prepared_returns(
    live_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A return `prepare` recorded in the ledger is marked uploaded, with the hub's time."""
    path = signed(tmp_path, live_hub)
    manifest, digest = read_manifest(path)
    ledger = Ledger(tmp_path / "prepared-returns.json")
    ledger.record(LedgerEntry(
        authority=manifest.authority, return_type=manifest.return_type, schema_version=1,
        period=manifest.period, sequence=manifest.sequence, manifest_sha256=digest,
        payload_sha256=manifest.payload.sha256, rows=manifest.payload.rows,
        created_at="2026-07-01T09:30:00Z", file=str(path), key_id=manifest.key_id,
        pseudonym_key_version=1,
    ))  # fmt: skip
    monkeypatch.setenv("ANONYMISER_LEDGER", str(ledger.path))
    assert run("upload", str(path), "--hub", live_hub.url).exit_code == 0
    entry = ledger.find(digest)
    assert entry is not None
    assert entry.uploaded_at is not None
    assert entry.uploaded_at.endswith("Z")
