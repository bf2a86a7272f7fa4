"""The hub as production runs it: gunicorn with ``deploy/gunicorn.conf.py`` on a fresh
PostgreSQL database and Redis, set up with the ``exchange`` command only, several
authorities uploading at once with the real ``anonymiser upload``, one correction, and
the audit log exported and verified offline afterwards."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from keys import verify_receipt
from tests.exchange.conftest import POSTGRES_URL
from tests.exchange.returns_kit import PERIOD, make_return, signing_key
from tests.security.hub_server import REDIS_URL, free_port, real_server_marks, stop

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CODES = ("E06000015", "E06000016", "E06000018")
PASSWORD = "a long enough test password"


pytestmark = real_server_marks("deploy-server")


@dataclass
class Server:
    """A running hub: its address, environment, instance folder and log file."""

    url: str
    env: dict[str, str]
    instance: Path
    log: Path

    def exchange(self, *args: str) -> str:
        """Run ``exchange ARGS`` as the hub's administrator would; its output."""
        done = subprocess.run(
            [str(BIN / "exchange"), *args], env=self.env, capture_output=True, text=True,
            check=False, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, f"exchange {' '.join(args)}: {done.stderr}"
        return done.stdout


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards."""
    name = f"exchange_deploy_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def server(postgres_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``exchange init`` then gunicorn, in production mode, on a free loopback port."""
    tmp_path = tmp_path_factory.mktemp("deploy-server")
    port = free_port()
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXCHANGE_", "GUNICORN_"))}
    env.update({
        "EXCHANGE_ENV": "production",
        "EXCHANGE_SECRET_KEY": secrets.token_urlsafe(48),
        "EXCHANGE_INSTANCE_PATH": str(instance),
        "EXCHANGE_DATABASE_URL": postgres_database,
        "EXCHANGE_RATELIMIT_STORAGE_URI": REDIS_URL,
        "EXCHANGE_AUDIT_ORIGIN": "deploy-tests.exchange.invalid/audit",
        "EXCHANGE_NEW_USER_PASSWORD": PASSWORD,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
    })  # fmt: skip
    hub = Server(f"http://127.0.0.1:{port}", env, instance, tmp_path / "gunicorn.log")
    hub.exchange("init")
    with hub.log.open("wb") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
            env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_ready(hub, process)
        yield hub
    finally:
        stop(process, seconds=40)


def _wait_ready(hub: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn stopped: {hub.log.read_text()}"
        try:
            if httpx.get(f"{hub.url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the hub was not ready within 60 s: {hub.log.read_text()}")


def register(hub: Server, codes: tuple[str, ...] = CODES) -> dict[str, str]:
    """Each authority with its signing key, agreement, data officer and token; tokens by code."""
    hub.exchange("authority", "add", *codes)
    tokens = {}
    due = (date.today() + timedelta(days=7)).isoformat()
    hub.exchange("period", "add", "--type", "placements", "--period", PERIOD, "--due", due)
    for code in codes:
        hub.exchange("key", "register", "--authority", code,
                     "--public-key", signing_key(code).public_key.hex(),
                     "--valid-from", "2020-01-01T00:00:00Z")  # fmt: skip
        hub.exchange("agreement", "add", "--authority", code, "--type", "placements",
                     "--reference", f"ISA-{code}", "--purpose", "Regional commissioning",
                     "--start", "2020-01-01", "--retention", "7y")  # fmt: skip
        hub.exchange("user", "add", f"officer-{code}", "--role", "data_officer",
                     "--authority", code)  # fmt: skip
        created = hub.exchange("token", "create", "--user", f"officer-{code}", "--days", "5")
        tokens[code] = created.strip().splitlines()[-1]
    return tokens


def anonymiser_upload(
    hub: Server, path: Path, token: str, *, ca_bundle: Path | None = None
) -> dict[str, Any]:
    """``anonymiser upload --json`` as the authority runs it (trusting CA_BUNDLE's
    authorities too, for an https hub); its answer."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ANONYMISER_") and "proxy" not in k.lower()}  # fmt: skip
    env.update({
        "ANONYMISER_HUB_TOKEN": token,
        "ANONYMISER_HUB_KEY": str(hub.instance / "hub-signing.pub"),
    })  # fmt: skip
    if ca_bundle is not None:
        env["ANONYMISER_CA_BUNDLE"] = str(ca_bundle)
    done = subprocess.run(
        [str(BIN / "anonymiser"), "upload", str(path), "--hub", hub.url, "--json"],
        env=env, cwd=path.parent, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr or done.stdout
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def test_concurrent_uploads_through_gunicorn_end_in_a_verifiable_log(
    server: Server, tmp_path: Path
) -> None:
    """Four authorities upload at once; a correction follows; the exported log verifies."""
    tokens = register(server)
    paths = {}
    for number, code in enumerate(CODES):
        folder = tmp_path / code
        folder.mkdir()
        paths[code] = folder / f"{code}-{PERIOD}.return"
        make_return(paths[code], signing_key=signing_key(code), authority=code, rows=300,
                    seed=number)  # fmt: skip
    with ThreadPoolExecutor(max_workers=len(CODES)) as pool:
        answers = dict(zip(CODES, pool.map(
            lambda code: anonymiser_upload(server, paths[code], tokens[code]), CODES
        ), strict=True))  # fmt: skip
    assert {a["status"] for a in answers.values()} == {"accepted"}
    assert len({a["log_index"] for a in answers.values()}) == len(CODES)
    public = (server.instance / "hub-signing.pub").read_text().strip()
    for code, answer in answers.items():
        receipt = verify_receipt(Path(answer["receipt_file"]).read_bytes().strip(),
                                 hub_public_key=public)  # fmt: skip
        assert (receipt.authority, receipt.rows) == (code, 300)

    first = CODES[0]
    correction = tmp_path / first / "correction.return"
    make_return(correction, signing_key=signing_key(first), authority=first, rows=280,
                sequence=2, seed=99, supersedes=answers[first]["manifest_hash"])  # fmt: skip
    corrected = anonymiser_upload(server, correction, tokens[first])
    assert corrected["status"] == "accepted"
    listed = httpx.get(
        f"{server.url}/api/v1/returns/{answers[first]['manifest_hash']}",
        headers={"Authorization": f"Bearer {tokens[first]}"},
        timeout=10,
    )
    assert listed.status_code == 200
    assert listed.json()["status"] == "superseded"

    export = tmp_path / "audit-export.json"
    server.exchange("audit", "export", "-o", str(export))
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXCHANGE_")}
    verified = subprocess.run(
        [str(BIN / "exchange"), "audit", "verify", str(export), "--hub-key",
         str(server.instance / "hub-signing.pub")],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("OK: ")
    bodies = [json.loads(e["body"]) for e in json.loads(export.read_text())["entries"]]
    accepted = [b for b in bodies if b["tag"] == "returns:return:accepted"]
    assert len(accepted) == len(CODES) + 1
    assert {b["authority"] for b in accepted} == set(CODES)


def test_gunicorn_logs_json_access_lines_with_the_request_id(server: Server) -> None:
    """Each request is one JSON line naming its path (never the query) and its request id."""
    sent = "deploy-test-" + secrets.token_hex(8)
    answer = httpx.get(f"{server.url}/healthz?note=private", headers={"X-Request-ID": sent})
    assert answer.headers["X-Request-ID"] == sent
    deadline = time.monotonic() + 10
    lines: list[dict[str, Any]] = []
    while not lines and time.monotonic() < deadline:
        lines = [json.loads(line) for line in server.log.read_text().splitlines()
                 if line.startswith("{") and sent in line]  # fmt: skip
        time.sleep(0.1)
    access = [line for line in lines if line.get("logger") == "gunicorn.access"]
    assert access, server.log.read_text()
    assert access[0]["path"] == "/healthz"
    assert access[0]["status"] == 200
    assert "private" not in json.dumps(lines)
