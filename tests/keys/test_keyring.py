"""The keyring on disk: private files 0600, locked by a passphrase, refused when exposed."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from keys import (
    Keyring,
    RegionalKey,
    TrustedKey,
    TrustStore,
    default_keyring_dir,
    verify_rotation_statement,
)
from keys.errors import (
    KeyFileCorrupt,
    KeyFileTooOpen,
    KeyNotFound,
    KeyringExists,
    WrongPassphrase,
)

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.initialise(tmp_path / "keyring", "E06000015", PASSPHRASE)


@pytest.fixture
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277], indirect=True)
def test_files_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    """Every keyring file is 0600 and the directory 0700, even with umask 000 or 277."""
    keyring = Keyring.initialise(tmp_path / "kr", "E06000015", PASSPHRASE)
    keyring.add_regional_key(RegionalKey.generate(1), PASSPHRASE)
    assert _mode(keyring.directory) == 0o700
    files = list(keyring.directory.iterdir())
    assert len(files) == 4
    assert {_mode(f) for f in files} == {0o600}


def test_the_signing_key_opens_with_its_passphrase(keyring: Keyring) -> None:
    """The unlocked key is the one the registration names."""
    key = keyring.signing_key(PASSPHRASE)
    assert key.key_id == keyring.registration()["signing_key"]["key_id"]
    assert key.public_key.hex() == keyring.registration()["signing_key"]["public_key"]


def test_a_wrong_passphrase_is_refused(keyring: Keyring) -> None:
    """A wrong passphrase is WrongPassphrase, for every private key."""
    with pytest.raises(WrongPassphrase, match="ANONYMISER_KEY_PASSPHRASE"):
        keyring.signing_key("wrong")
    with pytest.raises(WrongPassphrase):
        keyring.exchange_key("wrong")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_a_key_file_others_can_read_is_refused(keyring: Keyring, mode: int) -> None:
    """A private key readable by group or others is not used, and the message says why."""
    (key_file,) = keyring.directory.glob("signing-*.key")
    key_file.chmod(mode)
    with pytest.raises(KeyFileTooOpen, match="chmod 600"):
        keyring.signing_key(PASSPHRASE)


def test_a_missing_keyring_or_key_is_reported(tmp_path: Path, keyring: Keyring) -> None:
    """No keyring, or a deleted key file, is KeyNotFound with the command to run."""
    with pytest.raises(KeyNotFound, match="keys init"):
        Keyring(tmp_path / "nowhere").signing_key(PASSPHRASE)
    (key_file,) = keyring.directory.glob("exchange-*.key")
    key_file.unlink()
    with pytest.raises(KeyNotFound):
        keyring.exchange_key(PASSPHRASE)


def test_a_keyring_is_never_overwritten(keyring: Keyring) -> None:
    """Initialising an initialised keyring is refused."""
    with pytest.raises(KeyringExists):
        Keyring.initialise(keyring.directory, "E06000015", PASSPHRASE)


def test_a_key_file_cannot_pass_for_another_kind(keyring: Keyring) -> None:
    """Putting the exchange key file in the signing key's place is KeyFileCorrupt."""
    (signing,) = keyring.directory.glob("signing-*.key")
    (exchange,) = keyring.directory.glob("exchange-*.key")
    signing.write_bytes(exchange.read_bytes())
    with pytest.raises(KeyFileCorrupt, match="x25519-exchange"):
        keyring.signing_key(PASSPHRASE)


def test_no_secret_is_stored_in_the_clear(keyring: Keyring) -> None:
    """Neither the seed, the exchange key nor the passphrase appears in any file."""
    secrets = [
        keyring.signing_key(PASSPHRASE).seed(),
        keyring.exchange_key(PASSPHRASE).private_bytes(),
    ]
    spellings = [s.hex().encode() for s in secrets] + secrets + [PASSPHRASE.encode()]
    for path in keyring.directory.iterdir():
        content = path.read_bytes()
        assert not any(s in content for s in spellings), path.name


def test_rotation_replaces_the_key_and_records_a_verifiable_statement(
    keyring: Keyring, now
) -> None:
    """After rotate the new key is in use and the saved statement verifies."""
    old = keyring.signing_key(PASSPHRASE)
    trust = TrustStore(
        [TrustedKey(old.key_id, "E06000015", old.public_key, now - timedelta(days=30))]
    )
    statement = keyring.rotate(PASSPHRASE, now=now)
    new = keyring.signing_key(PASSPHRASE)
    assert new.key_id != old.key_id
    assert keyring.signing_key_id == new.key_id
    checked = verify_rotation_statement(statement, trust)
    assert (checked.old_key_id, checked.new_key_id) == (old.key_id, new.key_id)
    saved = keyring.directory / f"rotation-{new.key_id.split(':')[1]}.json"
    assert saved.read_bytes() == statement
    history = json.loads((keyring.directory / "keyring.json").read_text())["signing_keys"]
    assert [h["retired_at"] is None for h in history] == [False, True]


def test_regional_keys_are_kept_by_version(keyring: Keyring) -> None:
    """Regional keys are stored locked, listed by version, newest returned by default."""
    one, two = RegionalKey.generate(1), RegionalKey.generate(2)
    keyring.add_regional_key(two, PASSPHRASE)
    keyring.add_regional_key(one, PASSPHRASE)
    assert keyring.regional_versions() == [1, 2]
    assert keyring.regional_key(PASSPHRASE) == two
    assert keyring.regional_key(PASSPHRASE, 1) == one
    with pytest.raises(KeyNotFound, match="v3"):
        keyring.regional_key(PASSPHRASE, 3)


def test_the_keyring_directory_comes_from_the_environment() -> None:
    """ANONYMISER_KEYRING names the keyring; without it, ./keyring."""
    assert default_keyring_dir({"ANONYMISER_KEYRING": "/srv/keys"}) == Path("/srv/keys")
    assert default_keyring_dir({}) == Path("keyring")
