"""The shipped nginx site, run for real: Debian's nginx with ``deploy/nginx/exchange.conf``.

Not a test module: imported by ``tests/deploy`` and ``tests/security``. The site is
rendered from the file in ``deploy/`` with mechanical substitutions only (certificate and
log paths, the ports, the upstream's port, the static folder, the server name), each of
which must match the shipped text, so a change to the site cannot go untested by
silently matching nothing. It runs inside Debian's own ``/etc/nginx/nginx.conf`` (its
pid, log, temp paths and ``include`` of sites moved to the test's folder), as a
non-daemon nginx with ``-p FOLDER -c FOLDER/nginx.conf``, under a throwaway CA.
"""

from __future__ import annotations

import getpass
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import exchange
from tests.security.hub_server import (
    HubServer,
    free_port,
    fresh_postgres_database,
    gunicorn_hub,
)
from tests.services import missing

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "exchange.conf"
DEBIAN_CONF = Path("/etc/nginx/nginx.conf")
STATIC = Path(exchange.__file__).resolve().parent / "static"
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
CONNECT_SECONDS = 20  # to connect and finish the TLS handshake, on a busy machine too


def nginx_binary() -> str | None:
    """nginx's path: ``EXCHANGE_NGINX``, else on PATH, else Debian's (/usr/sbin is not on a
    normal user's PATH)."""
    named = os.environ.get("EXCHANGE_NGINX")
    if named:
        return named if os.access(named, os.X_OK) else None
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK)
                                     else None)  # fmt: skip


def require_nginx() -> str:
    """nginx's path; the test is skipped without it, or fails when EXCHANGE_REQUIRE_NGINX=1."""
    binary = nginx_binary()
    if binary is None:
        missing("nginx is not installed here (tests/deploy/ensure-nginx installs it)",
                required_by="EXCHANGE_REQUIRE_NGINX")  # fmt: skip
    return binary


@dataclass(frozen=True)
class Tls:
    """A throwaway CA and the server certificate it signed, as PEM files."""

    ca: Path
    fullchain: Path
    privkey: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())  # fmt: skip


def throwaway_tls(folder: Path) -> Tls:
    """A CA for one run and a certificate for localhost, 127.0.0.1 and ::1, valid a day."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("exchange tests throwaway CA")
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
             x509.IPAddress(ipaddress.ip_address("::1"))]  # fmt: skip
    server = (
        x509.CertificateBuilder().subject_name(_name("localhost")).issuer_name(ca_name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    tls = Tls(folder / "ca.pem", folder / "fullchain.pem", folder / "privkey.pem")
    tls.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    tls.fullchain.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    tls.privkey.write_bytes(_pem_key(key))
    tls.privkey.chmod(0o600)
    return tls


def shipped_seconds(directive: str) -> int:
    """The shipped site's value of a timeout DIRECTIVE, in seconds (the same everywhere)."""
    values = set(re.findall(rf"^\s*{directive} (\d+)s;", SITE.read_text(encoding="utf-8"), re.M))
    assert len(values) == 1, f"{directive}: {values or 'not set'} in the shipped site"
    return int(values.pop())


def _replace(text: str, old: str, new: str, count: int) -> str:
    found = text.count(old)
    assert found == count, f"the shipped site has {found} of {old!r}, the test expects {count}"
    return text.replace(old, new)


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def render_site(folder: Path, tls: Tls, *, http_port: int, https_port: int,
                upstream_port: int) -> str:  # fmt: skip
    """The shipped site with its paths, ports and name moved for this run; nothing else
    (on loopback only; the IPv6 lines are left out where this host has no IPv6)."""
    text = SITE.read_text(encoding="utf-8")
    v6 = "listen [::1]" if _ipv6_loopback() else "# no IPv6 here: listen [::1]"
    text = _replace(text, "/etc/exchange/tls/fullchain.pem", str(tls.fullchain), 1)
    text = _replace(text, "/etc/exchange/tls/privkey.pem", str(tls.privkey), 1)
    text = _replace(text, "/var/log/nginx/", f"{folder}/", 3)
    text = _replace(text, "listen 80;", f"listen 127.0.0.1:{http_port};", 1)
    text = _replace(text, "listen [::]:80;", f"{v6}:{http_port};", 1)
    text = _replace(text, "listen 443 ", f"listen 127.0.0.1:{https_port} ", 1)
    text = _replace(text, "listen [::]:443 ", f"{v6}:{https_port} ", 1)
    text = _replace(text, "server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};", 1)
    static = re.findall(r"alias (\S+/site-packages/exchange/static/);", text)
    assert len(static) == 1, "the shipped site's static alias has moved"
    text = text.replace(f"alias {static[0]};", f"alias {STATIC}/;")
    return _replace(text, "server_name exchange.example.org;", "server_name localhost;", 2)


def render_main(folder: Path, site_file: Path) -> str:
    """Debian's nginx.conf with its process paths in FOLDER and the site as its only site
    (a minimal equivalent where there is no Debian nginx.conf)."""
    # As root, workers run as root too: the test's folder is not readable by www-data. As
    # anyone else, nginx cannot change user and warns if told to.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    temp = "".join(f"    {name}_temp_path {folder}/{name}_temp;\n" for name in TEMP_PATHS)
    if not DEBIAN_CONF.exists():
        return (f"{user}\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
                f"events {{}}\nhttp {{\n    include /etc/nginx/mime.types;\n{temp}"
                f"    access_log {folder}/access.log;\n    include {site_file};\n}}\n")  # fmt: skip
    text = DEBIAN_CONF.read_text(encoding="utf-8")
    for pattern, new in (
        (r"(?m)^user \S+;", user),
        (r"(?m)^pid \S+;", f"pid {folder}/nginx.pid;"),
        (r"(?m)^error_log \S+;", f"error_log {folder}/error.log;"),
        (r"(?m)^(\s*)access_log \S+;", rf"\1access_log {folder}/access.log;"),
        # Only the site: nothing else installed on this host is part of the test.
        (r"(?m)^(\s*)include /etc/nginx/conf\.d/\*\.conf;\n", ""),
        (r"(?m)^(\s*)include /etc/nginx/sites-enabled/\*;", rf"{temp}\1include {site_file};"),
    ):  # fmt: skip
        text, found = re.subn(pattern, new, text)
        assert found == 1, f"Debian's nginx.conf no longer has {pattern!r}"
    return text


@dataclass
class Nginx:
    """A running nginx on the shipped site: its addresses, folder and CA."""

    folder: Path
    http_port: int
    https_port: int
    tls: Tls
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def access_log(self) -> Path:
        return self.folder / "exchange.access.log"

    def logged(self, until: Callable[[list[dict[str, Any]]], bool],
               timeout: float = 10) -> list[dict[str, Any]]:  # fmt: skip
        """The access log's lines, once UNTIL holds for them or TIMEOUT seconds have passed.

        nginx writes a request's line when it is done with the request, which can be after
        the client has its answer (a redirected POST's body is still being discarded)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [json.loads(line) for line in self.access_log.read_text().splitlines()]
            if until(lines) or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    def context(self) -> ssl.SSLContext:
        """A client TLS context trusting the throwaway CA only."""
        return ssl.create_default_context(cafile=str(self.tls.ca))

    def tls_socket(self, timeout: float, source: str = "127.0.0.1") -> ssl.SSLSocket:
        """A TLS connection to the site's HTTPS port, from SOURCE (any loopback address);
        reads and writes then time out after TIMEOUT seconds."""
        raw = socket.create_connection(("127.0.0.1", self.https_port), timeout=CONNECT_SECONDS,
                                       source_address=(source, 0))  # fmt: skip
        tls = self.context().wrap_socket(raw, server_hostname="localhost")
        tls.settimeout(timeout)
        return tls

    def log(self) -> str:
        parts = [self.folder / "error.log", self.folder / "exchange.error.log"]
        return "\n".join(p.read_text(errors="replace") for p in parts if p.exists())


def write_config(folder: Path, *, upstream_port: int) -> tuple[Path, Tls, int, int]:
    """The certificates, the rendered site and nginx.conf in FOLDER; the main file's path."""
    tls = throwaway_tls(folder)
    http_port, https_port = free_port(), free_port()
    site = folder / "exchange.conf"
    site.write_text(render_site(folder, tls, http_port=http_port, https_port=https_port,
                                upstream_port=upstream_port))  # fmt: skip
    main = folder / "nginx.conf"
    main.write_text(render_main(folder, site))
    return main, tls, http_port, https_port


def check_config(binary: str, folder: Path, main: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on the rendered configuration."""
    return subprocess.run([binary, "-t", "-p", str(folder), "-c", str(main)],
                          capture_output=True, text=True, check=False, timeout=30)  # fmt: skip


@contextmanager
def running_nginx(folder: Path, *, upstream_port: int) -> Iterator[Nginx]:
    """nginx in the foreground on the shipped site, in front of UPSTREAM_PORT; stopped after."""
    binary = require_nginx()
    folder.mkdir(parents=True, exist_ok=True)
    main, tls, http_port, https_port = write_config(folder, upstream_port=upstream_port)
    checked = check_config(binary, folder, main)
    assert checked.returncode == 0, checked.stderr
    with (folder / "nginx.out").open("wb") as out:
        process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(main), "-g", "daemon off;"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    proxy = Nginx(folder, http_port, https_port, tls, process)
    try:
        _wait_listening(proxy)
        yield proxy
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_listening(proxy: Nginx) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proxy.process.poll() is not None:
            raise AssertionError(f"nginx stopped: {proxy.log()}")
        try:
            with proxy.tls_socket(timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nginx did not listen within 30 s: {proxy.log()}")


@contextmanager
def hub_behind_nginx(folder: Path, *, workers: int, threads: int,
                     extra_env: Mapping[str, str] | None = None,
                     ) -> Iterator[tuple[HubServer, Nginx]]:  # fmt: skip
    """A fresh PostgreSQL database, gunicorn on it (trusting nginx's X-Forwarded-For, as
    deploy/README.md sets it) and the shipped site in front; all stopped afterwards."""
    require_nginx()
    (folder / "hub").mkdir(parents=True)
    extra = {"EXCHANGE_PROXY_FIX_X_FOR": "1", **(extra_env or {})}
    with (
        fresh_postgres_database("exchange_nginx") as url,
        gunicorn_hub(url, folder / "hub", workers=workers, threads=threads,
                     extra_env=extra) as hub,
        running_nginx(folder / "nginx", upstream_port=hub.port) as nginx,
    ):  # fmt: skip
        yield hub, nginx
