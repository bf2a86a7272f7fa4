"""Keys that cannot be used stop prepare with a clear message and exit status 2: missing,
locked with another passphrase, readable by others, lacking the regional key, or another
authority's. Nothing is written and no traceback is shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from keys import Keyring

DERBYSHIRE = "E10000007"


def _refused(cli, region, keyring: Path, tmp_path: Path, *extra: object) -> dict:
    output = tmp_path / "out" / "x.return"
    output.parent.mkdir(exist_ok=True)
    result = cli.prepare(region.export(DERBYSHIRE), keyring, output, *extra)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert list(output.parent.iterdir()) == []
    document: dict = cli.printed(result)
    assert document["ok"] is False
    assert document["error"]["exit_code"] == 2
    return document


def test_a_missing_keyring_is_exit_2(cli, region, tmp_path: Path) -> None:
    """No keyring where the settings point: say how to make one."""
    document = _refused(cli, region, tmp_path / "nowhere", tmp_path)
    assert "keys init" in document["error"]["message"]


def test_a_wrong_passphrase_is_exit_2(
    cli, region, keyrings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A passphrase that does not open the keys is reported as such."""
    monkeypatch.setenv("ANONYMISER_KEY_PASSPHRASE", "not the passphrase")
    document = _refused(cli, region, keyrings[DERBYSHIRE], tmp_path)
    assert "passphrase does not open" in document["error"]["message"]


def test_a_key_file_others_can_read_is_exit_2(cli, region, keyrings, tmp_path: Path) -> None:
    """A signing key readable by group or others is not used, and the message says chmod 600."""
    copy = Path(shutil.copytree(keyrings[DERBYSHIRE], tmp_path / "keyring"))
    signing = next(copy.glob("signing-*.key"))
    signing.chmod(0o644)
    document = _refused(cli, region, copy, tmp_path)
    assert "chmod 600" in document["error"]["message"]


def test_a_keyring_without_the_regional_key_is_exit_2(
    cli, region, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pseudonyms need the regional key: without it nothing is prepared."""
    keyring = Keyring.initialise(tmp_path / "bare", DERBYSHIRE, "another passphrase")
    monkeypatch.setenv("ANONYMISER_KEY_PASSPHRASE", "another passphrase")
    document = _refused(cli, region, keyring.directory, tmp_path)
    assert "regional key" in document["error"]["message"]


def test_another_authoritys_keyring_is_exit_2(cli, region, keyrings, tmp_path: Path) -> None:
    """Signing for Derby with Derbyshire's settings would put the wrong name on the return."""
    document = _refused(cli, region, keyrings["E06000015"], tmp_path, "--authority", DERBYSHIRE)
    assert "signs for E06000015" in document["error"]["message"]


def test_no_passphrase_and_no_terminal_is_exit_2(
    cli, region, keyrings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unattended runs need ANONYMISER_KEY_PASSPHRASE; the message names it."""
    monkeypatch.delenv("ANONYMISER_KEY_PASSPHRASE")
    document = _refused(cli, region, keyrings[DERBYSHIRE], tmp_path)
    assert "ANONYMISER_KEY_PASSPHRASE" in document["error"]["message"]


def test_an_unknown_setting_in_the_settings_file_is_exit_2(
    cli, region, keyrings, tmp_path: Path
) -> None:
    """A typo in anonymiser.toml is named, never silently ignored."""
    settings = tmp_path / "anonymiser.toml"
    settings.write_text('authorty = "E10000007"\n', encoding="utf-8")
    document = _refused(cli, region, keyrings[DERBYSHIRE], tmp_path, "--config", settings)
    assert "authorty" in document["error"]["message"]


def test_a_missing_export_is_named_before_the_keys_are_asked_for(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No file, no keyring, no passphrase: the message is about the file, exit status 2."""
    monkeypatch.delenv("ANONYMISER_KEY_PASSPHRASE", raising=False)
    missing = tmp_path / "placements-2026-Q2.csv"
    output = tmp_path / "out.return"
    result = cli.invoke(
        "prepare", str(missing), "--type", "placements", "--period", "2026-Q2",
        "--keyring", str(tmp_path / "nowhere"), "-o", str(output),
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"{missing} does not exist" in result.output
    assert "passphrase" not in result.output
    assert not output.exists()
