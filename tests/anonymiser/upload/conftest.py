"""Fixtures for the upload client's tests: a real hub, and real things between it and us.

``live_hub`` is the exchange hub itself (SQLite, migrated, with its own key and Derby
registered), served over HTTP on 127.0.0.1 by a threaded server; ``gateway`` is a small
reverse proxy in front of it that can fail requests (503, a dropped connection) or
alter answers; ``tls_hub`` serves the hub over HTTPS with a certificate from a test CA;
``connect_proxy`` is a forward proxy that tunnels ``CONNECT``, as councils' proxies do.
The anonymiser under test imports nothing of the exchange; these tests may.
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import select
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask

from exchange import create_app
from exchange.db import database, upgrade
from exchange.hub_key import HUB_KEY_FILE, create_hub_key, verifier_key
from tests.exchange.returns_kit import Officer, close_app, ready_authority, serving

ORIGIN = "upload-tests.exchange.invalid/audit"


@dataclass
class LiveHub:
    """A running hub: its app, address, Derby's officer and the hub's verifier key."""

    app: Flask
    url: str
    officer: Officer
    hub_key: str


def build_hub(folder: Path) -> tuple[Flask, Officer, str]:
    """A migrated SQLite hub in ``folder`` with its key, and Derby ready to upload."""
    app = create_app({
        "TESTING": True, "SECRET_KEY": "upload-tests-" + "k" * 40,
        "INSTANCE_PATH": str(folder), "AUDIT_ORIGIN": ORIGIN, "LOG_LEVEL": "WARNING",
    })  # fmt: skip
    upgrade(database(app).engine)
    key = create_hub_key(folder / HUB_KEY_FILE)
    return app, ready_authority(app), str(verifier_key(key, ORIGIN))


@pytest.fixture
def live_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveHub]:
    """The hub over real HTTP, with the officer's token and the hub key in the environment."""
    app, officer, hub_key = build_hub(tmp_path / "hub")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY",
                 "ANONYMISER_HUB_PROXY", "ANONYMISER_CA_BUNDLE", "ANONYMISER_HUB_TOKEN_FILE",
                 "ANONYMISER_CONFIG", "ANONYMISER_HUB_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANONYMISER_HUB_TOKEN", officer.token)
    monkeypatch.setenv("ANONYMISER_HUB_KEY", hub_key)
    with serving(app) as url:
        yield LiveHub(app, url, officer, hub_key)
    close_app(app)


@dataclass
class GatewayState:
    """What the gateway saw, and what it will do to the next requests and answers."""

    upstream: str
    failures: list[str] = field(default_factory=list)
    alter: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    seen: list[tuple[str, str]] = field(default_factory=list)


class _GatewayHandler(http.server.BaseHTTPRequestHandler):
    state: GatewayState

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._relay()

    def do_POST(self) -> None:
        self._relay()

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.state.seen.append((self.command, self.path))
        failure = self.state.failures.pop(0) if self.state.failures else None
        if failure == "drop":
            return  # close the connection without an answer: a network error
        if failure is not None:
            message = "The gateway is overloaded."
            error = {"error": {"status": int(failure), "code": "unavailable",
                               "message": message, "request_id": "gw"}}  # fmt: skip
            self._answer(int(failure), json.dumps(error).encode())
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() in
                   ("authorization", "content-type", "accept")}  # fmt: skip
        answer = httpx.request(self.command, self.state.upstream + self.path, content=body,
                               headers=headers, timeout=60)  # fmt: skip
        content = answer.content
        if self.state.alter is not None and answer.is_success:
            content = json.dumps(self.state.alter(answer.json())).encode()
        self._answer(answer.status_code, content)

    def _answer(self, status: int, content: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)


@pytest.fixture
def gateway(live_hub: LiveHub) -> Iterator[tuple[str, GatewayState]]:
    """A reverse proxy in front of the live hub; its address and its state."""
    state = GatewayState(upstream=live_hub.url)
    handler = type("Handler", (_GatewayHandler,), {"state": state})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", state
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@dataclass(frozen=True)
class CouncilCA:
    """A certificate authority for the tests, and a server certificate for 127.0.0.1."""

    bundle: Path
    server: ssl.SSLContext


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject: str, key: Any, issuer: str, signer: Any, *, ca: bool) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )  # fmt: skip
    if not ca:
        san = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
        builder = builder.add_extension(san, critical=False)
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture
def council_ca(tmp_path: Path) -> CouncilCA:
    """A fresh CA (its PEM bundle on disk) and a server context with a cert it issued."""
    ca_key, server_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca_cert = _certificate(
        "Test Council Proxy CA", ca_key, "Test Council Proxy CA", ca_key, ca=True
    )
    server_cert = _certificate("127.0.0.1", server_key, "Test Council Proxy CA", ca_key, ca=False)
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca_cert.public_bytes(pem))
    (tmp_path / "server.pem").write_bytes(server_cert.public_bytes(pem))
    (tmp_path / "server.key").write_bytes(server_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server.pem", tmp_path / "server.key")
    return CouncilCA(tmp_path / "ca.pem", context)


@pytest.fixture
def tls_hub(live_hub: LiveHub, council_ca: CouncilCA) -> Iterator[str]:
    """The same hub also served over HTTPS with the test CA's certificate; its address."""
    with serving(live_hub.app, ssl_context=council_ca.server) as url:
        yield url


class _ConnectHandler(socketserver.BaseRequestHandler):
    tunnels: list[str]

    def handle(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            head += chunk
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        if method != "CONNECT":
            self.request.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=30) as upstream:
            self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _pipe(self.request, upstream)


def _pipe(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until either side closes (a reset is a close: a TLS client may
    end its connection that way once it has its answer)."""
    sockets = [client, upstream]
    while True:
        readable, _, _ = select.select(sockets, [], [], 30)
        if not readable:
            return
        for source in readable:
            try:
                data = source.recv(65536)
                if data:
                    (upstream if source is client else client).sendall(data)
            except (ConnectionResetError, BrokenPipeError):
                return
            if not data:
                return


@pytest.fixture
def connect_proxy() -> Iterator[tuple[str, list[str]]]:
    """A forward proxy tunnelling CONNECT; its address and the targets it tunnelled to."""
    tunnels: list[str] = []
    handler = type("Handler", (_ConnectHandler,), {"tunnels": tunnels})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tunnels
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
