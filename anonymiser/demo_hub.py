"""The hub's side of ``make demo``, driven as its administrator would: through ``exchange``.

The anonymiser never imports the hub; this module only runs the ``exchange`` console
script and talks to the running hub over HTTP, exactly as a region would. The hub
runs on the embedded default (SQLite in ``<out>/hub``), on http://127.0.0.1:5000.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
import httpx

HOST, PORT = "127.0.0.1", 5000
HUB_URL = f"http://{HOST}:{PORT}"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo's own logins
ROLES = ("admin", "regional_lead", "ig_officer")


@dataclass(frozen=True)
class Hub:
    """A demo hub: its instance folder and environment."""

    instance: Path

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "EXCHANGE_INSTANCE_PATH": str(self.instance.resolve()),
            "EXCHANGE_NEW_USER_PASSWORD": DEMO_PASSWORD,
            # The picture is rebuilt before each upload is answered, so it is complete
            # (and the period's release current) the moment the last receipt arrives.
            "EXCHANGE_PICTURE_RECOMPUTE": "inline",
        }

    @property
    def public_key_file(self) -> Path:
        return self.instance / "hub-signing.pub"

    def run(self, *args: str) -> str:
        """Run ``exchange ARGS`` against this hub; its stdout, or a ClickException."""
        tool = str(Path(sys.executable).with_name("exchange"))
        done = subprocess.run(  # noqa: S603 - our own console script, no shell
            [tool, *args], capture_output=True, text=True, check=False, env=self.env
        )
        if done.returncode != 0:
            raise click.ClickException(
                f"`exchange {' '.join(args[:2])}` failed (exit {done.returncode}):\n"
                f"{done.stderr.strip()}"
            )
        return done.stdout


def set_up(hub: Hub, registrations: dict[str, dict[str, Any]], period: str) -> dict[str, str]:
    """Initialise the hub, register the region; the data officers' upload tokens by code."""
    hub.run("init")
    hub.run("authority", "add", "--region")
    for role in ROLES:
        hub.run("user", "add", f"demo-{role.replace('_', '-')}", "--role", role)
    tokens: dict[str, str] = {}
    for code, registration in registrations.items():
        signing, relay = registration["signing_key"], registration["exchange_key"]
        hub.run("key", "register", "--authority", code, "--public-key", str(signing["public_key"]))
        hub.run("key", "register", "--authority", code, "--purpose", "relay",
                "--public-key", str(relay["public_key"]))  # fmt: skip
        for return_type in ("placements", "supplier_spend"):
            hub.run("agreement", "add", "--authority", code, "--type", return_type,
                    "--reference", f"EM-ISA-2026-{code}", "--purpose",
                    "Regional commissioning: supplier and spend picture", "--start",
                    "2026-04-01", "--retention", "7y")  # fmt: skip
        user = f"demo-officer-{code.lower()}"
        hub.run("user", "add", user, "--role", "data_officer", "--authority", code)
        tokens[code] = _token(hub.run("token", "create", "--user", user, "--days", "30",
                                      "--label", "demo upload"))  # fmt: skip
    for return_type in ("placements", "supplier_spend"):
        # Due a week from today, so the tracker shows the demo's returns as on time.
        due = (date.today() + timedelta(days=7)).isoformat()
        hub.run("period", "add", "--type", return_type, "--period", period, "--due", due)
    return tokens


def _token(output: str) -> str:
    found = re.search(r"exch_[0-9a-f]+_[A-Za-z0-9_\-]+", output)
    if found is None:
        raise click.ClickException("`exchange token create` printed no token")
    return found.group(0)


def start(hub: Hub, log: Path) -> subprocess.Popen[bytes]:
    """Start the hub's server in the background and wait until it answers.

    The port must be free first: a hub left running by an earlier demo would otherwise
    answer in this one's place, and refuse its tokens."""
    ensure_port_free(HOST, PORT)
    tool = str(Path(sys.executable).with_name("exchange"))
    server = subprocess.Popen(  # noqa: S603 - our own console script, no shell
        [tool, "run", "--host", HOST, "--port", str(PORT), "--no-debug", "--no-reload"],
        env=hub.env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise click.ClickException(f"The hub stopped at start; its log: {log}")
        try:
            httpx.get(f"{HUB_URL}/api/v1/openapi.json", timeout=1.0)
            return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.terminate()
    raise click.ClickException(f"The hub did not answer within 30 s; its log: {log}")


def ensure_port_free(host: str, port: int) -> None:
    """Refuse, saying what to do, when something already listens on ``host:port``."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            raise click.ClickException(
                f"Port {port} on {host} is already in use, perhaps by the hub of an earlier "
                f"`make demo` still running: stop it (Ctrl-C in its terminal, or "
                f"`fuser -k {port}/tcp`) and run the demo again."
            ) from None


def upload(path: Path, *, token: str, hub: Hub) -> dict[str, Any]:
    """``anonymiser upload`` as the authority would; the verified receipt's summary."""
    tool = str(Path(sys.executable).with_name("anonymiser"))
    env = {
        **os.environ,
        "ANONYMISER_HUB_TOKEN": token,
        "ANONYMISER_HUB_KEY": str(hub.public_key_file.resolve()),
    }
    done = subprocess.run(  # noqa: S603 - our own console script, no shell
        [tool, "upload", str(path), "--hub", HUB_URL, "--json"],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    if done.returncode != 0:
        raise click.ClickException(
            f"`anonymiser upload {path.name}` failed (exit {done.returncode}):\n"
            f"{done.stderr.strip() or done.stdout.strip()}"
        )
    document: dict[str, Any] = json.loads(done.stdout)
    return document
