"""The authorities' side of ``make demo``: keys, the regional key ceremony, prepared returns.

Every step runs the ``anonymiser`` console script as a data officer would, each
authority with its own keyring under ``<out>/authorities/<slug>/keyring``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click


@dataclass(frozen=True)
class Authority:
    """One demo authority: its code, name and folders."""

    code: str
    name: str
    folder: Path

    @property
    def keyring(self) -> Path:
        return self.folder / "keyring"

    @property
    def registration(self) -> Path:
        return self.folder / "registration.json"


@dataclass(frozen=True)
class Prepared:
    """A return an authority prepared, or why it could not."""

    authority: Authority
    return_type: str
    path: Path | None
    rows: int
    manifest_hash: str
    message: str


def anonymiser(args: list[str], *, passphrase: str, expect: tuple[int, ...] = (0,)) -> str:
    """Run ``anonymiser`` with the demo passphrase; its stdout, or a ClickException."""
    tool = str(Path(sys.executable).with_name("anonymiser"))
    env = {**os.environ, "ANONYMISER_KEY_PASSPHRASE": passphrase}
    done = subprocess.run(  # noqa: S603 - our own console script, no shell
        [tool, *args], capture_output=True, text=True, check=False, env=env
    )
    if done.returncode not in expect:
        raise click.ClickException(
            f"`anonymiser {' '.join(args[:2])}` failed (exit {done.returncode}):\n"
            f"{done.stderr.strip()}"
        )
    return done.stdout


def make_keys(
    authorities: list[Authority], *, custodian: str, passphrase: str
) -> dict[str, dict[str, Any]]:
    """Keys for every authority, and the regional key sealed to each; their registrations."""
    registrations: dict[str, dict[str, Any]] = {}
    for authority in authorities:
        authority.folder.mkdir(parents=True, exist_ok=True)
        anonymiser(["keys", "init", "--authority", authority.code,
                    "--keyring", str(authority.keyring)], passphrase=passphrase)  # fmt: skip
        shown = anonymiser(["keys", "show", "--json", "--keyring", str(authority.keyring)],
                           passphrase=passphrase)  # fmt: skip
        authority.registration.write_text(shown)
        registrations[authority.code] = json.loads(shown)
    host = next(a for a in authorities if a.code == custodian)
    anonymiser(["keys", "regional", "new", "--keyring", str(host.keyring)], passphrase=passphrase)
    for authority in authorities:
        if authority is host:
            continue
        sealed = authority.folder / "regional-key.sealed"
        anonymiser(["keys", "regional", "seal", "--keyring", str(host.keyring),
                    "--for", str(authority.registration), "-o", str(sealed)],
                   passphrase=passphrase)  # fmt: skip
        anonymiser(["keys", "regional", "open", str(sealed), "--keyring",
                    str(authority.keyring)], passphrase=passphrase)  # fmt: skip
    return registrations


def prepare_return(
    authority: Authority, export: dict[str, Any], region: Path, *, passphrase: str
) -> Prepared:
    """``anonymiser prepare`` for one export; the signed return beside the preview."""
    returns = authority.folder / "returns"
    returns.mkdir(exist_ok=True)
    out = returns / f"{Path(export['path']).stem}.return"
    args = ["prepare", str(region / export["path"]), "--type", export["return_type"],
            "--period", export["period"], "--rehearsal", "--json", "-o", str(out),
            "--keyring", str(authority.keyring)]  # fmt: skip
    if export.get("mapping"):
        args += ["--map", str(region / export["mapping"])]
    document = json.loads(anonymiser(args, passphrase=passphrase, expect=(0, 1)))
    if not document.get("ok"):
        message = document["error"]["message"]
        return Prepared(authority, export["return_type"], None, 0, "", message)
    manifest = document["manifest"]
    return Prepared(
        authority, export["return_type"], out, int(manifest["payload"]["rows"]),
        document["manifest_sha256"], Path(document["preview"]["html"]).name,
    )  # fmt: skip
