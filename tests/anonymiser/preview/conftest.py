"""Fixtures for the preview: one authority's keyring, and a return prepared from a clean
synthetic export (60 rows, seed 2026, rehearsal data) once per session; tests that alter
files work on copies."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from anonymiser.cli import main
from anonymiser.synth import write_export
from anonymiser.synth.providers import region_providers
from keys import Keyring, RegionalKey

PASSPHRASE = "preview tests passphrase"
AUTHORITY = "E06000016"


def run(*args: object) -> Result:
    """``anonymiser ARGS...`` in this process."""
    return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)


@pytest.fixture
def anonymiser() -> Callable[..., Result]:
    """Runs ``anonymiser`` commands in this process."""
    return run


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The test passphrase, no other ANONYMISER_* settings, a folder without settings."""
    for name in list(os.environ):
        if name.startswith("ANONYMISER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ANONYMISER_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.chdir(tmp_path)


def make_keyring(folder: Path, authority: str = AUTHORITY) -> Path:
    """A keyring for ``authority`` holding regional key v1."""
    keyring = Keyring.initialise(folder, authority, PASSPHRASE)
    keyring.add_regional_key(RegionalKey(1, bytes(range(32))), PASSPHRASE)
    return keyring.directory


@pytest.fixture
def new_keyring(tmp_path: Path) -> Callable[[str], Path]:
    """Makes another keyring (for another authority) in this test's folder."""
    return lambda authority: make_keyring(tmp_path / f"keyring-{authority}", authority)


@pytest.fixture(scope="session")
def keyring(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This authority's keyring."""
    return make_keyring(tmp_path_factory.mktemp("keyring") / "keys")


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory, keyring: Path) -> Path:
    """A return prepared once, with its preview files beside it."""
    folder = tmp_path_factory.mktemp("prepared")
    export = folder / "placements.csv"
    write_export(
        export,
        return_type="placements",
        authority=AUTHORITY,
        rows=60,
        seed=2026,
        period="2026-Q2",
        fmt="csv",
        mess=False,
    )
    suppliers = folder / "suppliers.toml"
    names = sorted({v for p in region_providers(2026) for v in p.variants})
    suppliers.write_text(f"organisations = {json.dumps(names)}\n", encoding="utf-8")
    output = folder / "placements.return"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANONYMISER_KEY_PASSPHRASE", PASSPHRASE)
        patch.setenv("ANONYMISER_LEDGER", str(folder / "ledger.json"))
        result = run(
            "prepare", export, "--type", "placements", "--period", "2026-Q2", "--rehearsal",
            "--keyring", keyring, "--suppliers", suppliers, "-o", output, "--json",
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    return output


@pytest.fixture
def copied(prepared: Path, tmp_path: Path) -> Path:
    """A copy of the prepared return and its preview files, free to alter."""
    for path in prepared.parent.glob("placements.*"):
        shutil.copy2(path, tmp_path / path.name)
    return tmp_path / prepared.name
