"""The ledger of prepared returns: sequence numbers rise, a period is made once unless a
correction names what it supersedes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anonymiser.prepare import Ledger, LedgerBusy, LedgerEntry, LedgerUnusable
from anonymiser.prepare.errors import PeriodAlreadySent, PrepareError

DERBYSHIRE = "E10000007"


def _made(cli, region, keyrings, output: Path, *extra: object):
    export = region.export(DERBYSHIRE)
    return cli.prepare(export, keyrings[DERBYSHIRE], output, *extra)


def test_a_period_already_sent_is_refused_without_supersedes(
    cli, region, keyrings, tmp_path: Path
) -> None:
    """The second return for a period stops with exit 1 and says which hash to supersede."""
    first = _made(cli, region, keyrings, tmp_path / "first.return")
    assert first.exit_code == 0, first.output
    digest = cli.printed(first)["manifest_sha256"]
    again = _made(cli, region, keyrings, tmp_path / "again.return")
    assert again.exit_code == 1
    assert cli.printed(again)["error"]["kind"] == "PeriodAlreadySent"
    assert digest in cli.printed(again)["error"]["message"]
    assert not (tmp_path / "again.return").exists()


@pytest.mark.parametrize("by", ["hash", "path"])
def test_a_correction_supersedes_the_latest_return_with_the_next_sequence(
    cli, region, keyrings, tmp_path: Path, by: str
) -> None:
    """--supersedes (a manifest hash or a .return path) makes sequence 2, naming sequence 1."""
    first = cli.printed(_made(cli, region, keyrings, tmp_path / "first.return"))
    reference = first["manifest_sha256"] if by == "hash" else str(tmp_path / "first.return")
    second = _made(cli, region, keyrings, tmp_path / "second.return", "--supersedes", reference)
    assert second.exit_code == 0, second.output
    manifest = cli.printed(second)["manifest"]
    assert manifest["sequence"] == 2
    assert manifest["supersedes"] == first["manifest_sha256"]


def test_only_the_latest_return_of_a_period_can_be_superseded(
    cli, region, keyrings, tmp_path: Path
) -> None:
    """Superseding a return that was already corrected is refused (exit 1)."""
    first = cli.printed(_made(cli, region, keyrings, tmp_path / "first.return"))
    old = first["manifest_sha256"]
    assert _made(cli, region, keyrings, tmp_path / "2.return", "--supersedes", old).exit_code == 0
    third = _made(cli, region, keyrings, tmp_path / "3.return", "--supersedes", old)
    assert third.exit_code == 1
    assert "latest" in cli.printed(third)["error"]["message"]


def _entry(period: str, sequence: int, digest: str, authority: str = DERBYSHIRE) -> LedgerEntry:
    return LedgerEntry(
        authority=authority,
        return_type="placements",
        schema_version=1,
        period=period,
        sequence=sequence,
        manifest_sha256=digest,
        payload_sha256="0" * 64,
        rows=1,
        created_at="2026-07-01T09:30:00Z",
        file=f"{period}.return",
        key_id="ed25519:" + "0" * 32,
        pseudonym_key_version=1,
    )


def test_sequences_rise_per_authority_and_return_type_across_periods(tmp_path: Path) -> None:
    """A new period takes the next sequence of its authority and type, whatever the period."""
    ledger = Ledger(tmp_path / "ledger.json")
    ledger.record(_entry("2026-Q1", 1, "a" * 64))
    ledger.record(_entry("2026-Q2", 2, "b" * 64))
    ledger.record(_entry("2026-Q2", 7, "c" * 64, authority="E06000015"))
    assert ledger.plan(DERBYSHIRE, "placements", "2026-Q3", None).sequence == 3
    assert ledger.plan(DERBYSHIRE, "supplier_spend", "2026-Q2", None).sequence == 1
    assert ledger.plan("E06000015", "placements", "2026-Q3", None).sequence == 8
    with pytest.raises(PeriodAlreadySent):
        ledger.plan(DERBYSHIRE, "placements", "2026-Q1", None)
    slot = ledger.plan(DERBYSHIRE, "placements", "2026-Q1", "A" * 64)
    assert (slot.sequence, slot.supersedes) == (3, "a" * 64)


def test_a_hash_the_ledger_does_not_know_is_refused(tmp_path: Path) -> None:
    """--supersedes with an unknown hash asks for the .return file instead."""
    ledger = Ledger(tmp_path / "ledger.json")
    with pytest.raises(PrepareError, match=r"path of its \.return file"):
        ledger.plan(DERBYSHIRE, "placements", "2026-Q1", "d" * 64)


def test_a_damaged_ledger_is_unusable_not_silently_restarted(tmp_path: Path) -> None:
    """A ledger that is not JSON stops the run (exit 2): sequence numbers must not restart."""
    path = tmp_path / "ledger.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(LedgerUnusable) as caught:
        Ledger(path).plan(DERBYSHIRE, "placements", "2026-Q1", None)
    assert caught.value.exit_code == 2


def test_a_second_run_with_the_same_ledger_is_refused(tmp_path: Path) -> None:
    """Two prepares at once would take one sequence number: the second is refused."""
    ledger = Ledger(tmp_path / "ledger.json")
    with ledger.locked(), pytest.raises(LedgerBusy), Ledger(ledger.path).locked():
        pass


def test_an_upload_is_recorded_against_its_return(tmp_path: Path) -> None:
    """mark_uploaded notes the time on the entry with that manifest hash only."""
    ledger = Ledger(tmp_path / "ledger.json")
    ledger.record(_entry("2026-Q1", 1, "a" * 64))
    ledger.record(_entry("2026-Q2", 2, "b" * 64))
    ledger.mark_uploaded("b" * 64, "2026-07-02T10:00:00Z")
    document = json.loads(ledger.path.read_text("utf-8"))
    assert [e["uploaded_at"] for e in document["returns"]] == [None, "2026-07-02T10:00:00Z"]
    assert document["format"] == "anonymiser-ledger/1"
    assert ledger.path.stat().st_mode & 0o077 == 0
