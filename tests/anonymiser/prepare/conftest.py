"""Fixtures for ``anonymiser prepare``: the synthetic region, a keyring per authority sharing
one regional key, and a helper that runs the command.

The region is generated once per session (80 rows per export, seed 2026, rehearsal data:
NHS numbers in the 999 test range). Keyrings are made once per session with a fixed test
passphrase; each test gets its own ledger and working folder, so returns made by one test
never count as "already sent" in another.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from anonymiser.cli import main
from anonymiser.synth import generate_region, write_export
from anonymiser.synth.providers import region_providers
from keys import Keyring, RegionalKey

PASSPHRASE = "correct horse battery staple (tests only)"
PERIOD = "2026-Q2"
ROWS = 80
SEED = 2026


@dataclass(frozen=True)
class Export:
    """One raw export of the synthetic region, as region.json describes it."""

    authority: str
    return_type: str
    path: Path
    mapping: Path | None
    #: Whether the export has errors an officer must fix (planted ones, a footer total).
    has_errors: bool


@dataclass(frozen=True)
class Region:
    """The synthetic region on disk."""

    root: Path
    manifest: dict[str, Any]
    exports: tuple[Export, ...]

    def export(self, authority: str, return_type: str = "placements") -> Export:
        """The export of one authority and return type."""
        return next(
            e for e in self.exports if (e.authority, e.return_type) == (authority, return_type)
        )

    @property
    def authorities(self) -> list[str]:
        """Every authority's ONS code."""
        return [a["code"] for a in self.manifest["authorities"]]


@pytest.fixture(scope="session")
def region(tmp_path_factory: pytest.TempPathFactory) -> Region:
    """The whole synthetic region, generated once."""
    root = tmp_path_factory.mktemp("region")
    manifest = generate_region(root, rows=ROWS, seed=SEED, period=PERIOD)
    exports = tuple(
        Export(
            authority=e["authority"],
            return_type=e["return_type"],
            path=root / e["path"],
            mapping=root / e["mapping"] if e["mapping"] else None,
            has_errors=bool(e["planted_errors"]) or bool(e["mess"]["footer_total"]),
        )
        for e in manifest["exports"]
    )
    return Region(root, manifest, exports)


@pytest.fixture(scope="session")
def clean_exports(tmp_path_factory: pytest.TempPathFactory, region: Region) -> dict[str, Export]:
    """For each export with errors, the same rows written clean (schema headers, no mess)."""
    root = tmp_path_factory.mktemp("clean")
    fixed = {}
    for export in region.exports:
        if not export.has_errors:
            continue
        path = root / f"{export.authority}-{export.return_type}.csv"
        write_export(
            path,
            return_type=export.return_type,
            authority=export.authority,
            rows=ROWS,
            seed=SEED,
            period=PERIOD,
            fmt="csv",
            mess=False,
        )
        fixed[f"{export.authority}/{export.return_type}"] = Export(
            export.authority, export.return_type, path, None, False
        )
    return fixed


@pytest.fixture(scope="session")
def suppliers_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The officer's list of known providers (every spelling of the region's providers) as
    organisations: "Nurture Foster Care Ltd" is a company even when a client is a Foster."""
    names = sorted({v for p in region_providers(SEED) for v in p.variants})
    path = tmp_path_factory.mktemp("suppliers") / "suppliers.toml"
    path.write_text(f"organisations = {json.dumps(names)}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def regional_key() -> RegionalKey:
    """The region's pseudonymisation key (version 1), shared by every authority."""
    return RegionalKey(1, bytes(range(32)))


@pytest.fixture(scope="session")
def keyrings(
    tmp_path_factory: pytest.TempPathFactory, region: Region, regional_key: RegionalKey
) -> dict[str, Path]:
    """A keyring for every authority of the region, each holding the regional key."""
    root = tmp_path_factory.mktemp("keyrings")
    found = {}
    for authority in region.authorities:
        keyring = Keyring.initialise(root / authority, authority, PASSPHRASE)
        keyring.add_regional_key(regional_key, PASSPHRASE)
        found[authority] = keyring.directory
    return found


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean environment: the test passphrase, a ledger of this test's own, no other
    ANONYMISER_* settings, and a working folder without an anonymiser.toml."""
    for name in list(os.environ):
        if name.startswith("ANONYMISER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ANONYMISER_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("ANONYMISER_LEDGER", str(tmp_path / "ledger" / "prepared-returns.json"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


class Runner:
    """Runs ``anonymiser`` commands in this process, as an officer would type them."""

    def __init__(self, suppliers: Path) -> None:
        self.suppliers = suppliers

    def invoke(self, *args: object) -> Result:
        """``anonymiser ARGS...``; exceptions other than exits propagate."""
        return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)

    def prepare(
        self, export: Export, keyring: Path, output: Path, *extra: object, as_json: bool = True
    ) -> Result:
        """``anonymiser prepare`` on an export of the region (rehearsal data)."""
        args = prepare_args(export, keyring, output, as_json=as_json)
        return self.invoke(*args, "--suppliers", self.suppliers, *extra)

    @staticmethod
    def printed(result: Result) -> dict[str, Any]:
        """The JSON document a ``--json`` run printed."""
        parsed: dict[str, Any] = json.loads(result.stdout)
        return parsed


@pytest.fixture
def cli(suppliers_file: Path) -> Runner:
    """Runs anonymiser commands (prepare with the officer's list of known providers)."""
    return Runner(suppliers_file)


def prepare_args(export: Export, keyring: Path, output: Path, *, as_json: bool) -> list[str]:
    """The command line that prepares an export of the region."""
    args: list[str] = [
        "prepare",
        str(export.path),
        "--type",
        export.return_type,
        "--period",
        PERIOD,
        "--rehearsal",
        "--keyring",
        str(keyring),
        "-o",
        str(output),
    ]
    if export.mapping is not None:
        args += ["--map", str(export.mapping)]
    if as_json:
        args.append("--json")
    return args
