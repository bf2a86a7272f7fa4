"""The hub behind the shipped nginx site, over TLS, as deploy/README.md sets it up.

gunicorn with ``deploy/gunicorn.conf.py`` on a fresh PostgreSQL database and Redis
(``proxy_fix_x_for = 1``, as the README's instance file has it), behind Debian's nginx
running ``deploy/nginx/exchange.conf`` with a throwaway CA's certificate. An authority
uploads a real return with ``anonymiser upload`` through it, trusting that CA through
``ANONYMISER_CA_BUNDLE``. The attacks through nginx are in
``tests/security/test_security_nginx.py``.
"""

from __future__ import annotations

import re
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from keys import verify_receipt
from tests.deploy.nginx_site import SITE, STATIC, Nginx, hub_behind_nginx
from tests.deploy.test_deploy_server import Server, anonymiser_upload, register
from tests.exchange.returns_kit import PERIOD, make_return, signing_key
from tests.security.hub_server import HubServer, real_server_marks

HSTS = "max-age=31536000; includeSubDomains"
pytestmark = real_server_marks("deploy-nginx")


@dataclass
class Site:
    """The hub, the nginx in front of it, and the hub as the tests' helpers see it."""

    hub: HubServer
    nginx: Nginx
    public: Server

    def client(self, **options: Any) -> httpx.Client:
        return httpx.Client(base_url=self.nginx.url, verify=self.nginx.context(),
                            timeout=20, trust_env=False, **options)  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """gunicorn (2 workers) on PostgreSQL and Redis, behind the shipped site."""
    folder = tmp_path_factory.mktemp("deploy-nginx")
    with hub_behind_nginx(folder, workers=2, threads=4) as (hub, nginx):
        yield Site(hub, nginx, Server(nginx.url, hub.env, hub.instance, hub.log))


def test_plain_http_only_redirects_to_https(site: Site) -> None:
    """Port 80's answer to anything is a 301 to the same path over https, and nothing else."""
    url = f"http://127.0.0.1:{site.nginx.http_port}/login?next=%2Fdashboard"
    answer = httpx.get(url, follow_redirects=False, trust_env=False, timeout=10)
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://127.0.0.1/login?next=%2Fdashboard"
    assert "exchange_session" not in answer.headers.get("set-cookie", "")
    posted = httpx.post(f"http://127.0.0.1:{site.nginx.http_port}/api/v1/returns",
                        content=b"x" * 1000, trust_env=False, timeout=10)  # fmt: skip
    assert posted.status_code == 301
    wanted = [("GET", "/login"), ("POST", "/api/v1/returns")]

    def moved(lines: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return [(line["method"], line["path"]) for line in lines if line["status"] == 301]

    logged = site.nginx.logged(until=lambda lines: moved(lines)[-2:] == wanted)
    redirects = [line for line in logged if line["status"] == 301]
    assert moved(logged)[-2:] == wanted
    assert not [r for r in redirects if r["request_id"] in site.hub.log.read_text()]


def test_hub_pages_come_over_tls_with_hsts_once(site: Site) -> None:
    """The login page over HTTPS: the hub's page, one HSTS header (nginx's), no nginx version."""
    with site.client() as client:
        answer = client.get("/login")
    assert answer.status_code == 200
    assert 'name="csrf_token"' in answer.text
    assert answer.headers.get_list("Strict-Transport-Security") == [HSTS]
    assert answer.headers["Server"] == "nginx"
    assert answer.extensions["http_version"] == b"HTTP/1.1"


def test_tls_offers_http2_and_a_current_protocol(site: Site) -> None:
    """The certificate verifies against the CA for 127.0.0.1; ALPN picks h2 (the listen
    line's http2); the protocol is TLS 1.2 or 1.3."""
    context = site.nginx.context()
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", site.nginx.https_port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_static_files_are_served_by_nginx_with_hsts(site: Site) -> None:
    """The vendored Chart.js comes from the package's folder, through nginx, with its headers;
    the hub never sees the request."""
    chart = STATIC / "vendor" / "chartjs" / "chart.umd.min.js"
    with site.client() as client:
        answer = client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert answer.status_code == 200
    assert answer.content == chart.read_bytes()
    assert answer.headers.get_list("Strict-Transport-Security") == [HSTS]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "max-age=3600"
    assert "javascript" in answer.headers["Content-Type"]
    assert "/static/vendor/chartjs/chart.umd.min.js" not in site.hub.log.read_text()
    with site.client() as client:
        assert client.get("/static/../instance/hub-signing.key").status_code in (400, 404)
        assert client.get("/static/vendor/chartjs/").status_code in (403, 404)


def test_an_authority_uploads_through_nginx_with_the_ca_bundle(site: Site, tmp_path: Path) -> None:
    """`anonymiser upload` to https://… trusting the throwaway CA: accepted, receipt verifies."""
    code = "E06000016"
    tokens = register(site.public, codes=(code,))
    path = tmp_path / f"{code}-{PERIOD}.return"
    make_return(path, signing_key=signing_key(code), authority=code, rows=500, seed=7)
    answer = anonymiser_upload(site.public, path, tokens[code], ca_bundle=site.nginx.tls.ca)
    assert answer["status"] == "accepted"
    public = (site.hub.instance / "hub-signing.pub").read_text().strip()
    receipt = verify_receipt(Path(answer["receipt_file"]).read_bytes().strip(),
                             hub_public_key=public)  # fmt: skip
    assert (receipt.authority, receipt.rows) == (code, 500)

    def uploads(lines: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
        return [(line["method"], line["path"], line["status"]) for line in lines
                if line["user_agent"].startswith("regional-exchange-anonymiser")]  # fmt: skip

    accepted = ("POST", "/api/v1/returns", 201)
    assert accepted in uploads(site.nginx.logged(until=lambda lines: accepted in uploads(lines)))


def test_without_the_ca_the_upload_refuses_the_hub(site: Site, tmp_path: Path) -> None:
    """The same upload without the CA bundle stops at TLS verification: nothing is sent."""
    code = "E06000018"
    path = tmp_path / f"{code}-{PERIOD}.return"
    make_return(path, signing_key=signing_key(code), authority=code, rows=20, seed=8)
    with pytest.raises(AssertionError, match=r"(?i)certificate|tls|ssl"):
        anonymiser_upload(site.public, path, "not-a-token")


def test_readyz_answers_this_host_only(site: Site) -> None:
    """/readyz from 127.0.0.1 is the hub's 200; from another address (127.0.0.2) nginx's 403."""
    with site.client() as client:
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    transport = httpx.HTTPTransport(local_address="127.0.0.2", verify=site.nginx.context())
    with site.client(transport=transport) as client:
        elsewhere = client.get("/readyz")
        healthz = client.get("/healthz")
    assert elsewhere.status_code == 403
    assert "not_ready" not in elsewhere.text
    assert healthz.status_code == 200


def test_nginx_request_id_reaches_the_hub_and_its_answer(site: Site) -> None:
    """nginx's $request_id replaces the client's and is what the hub answers with; nginx's
    JSON log and gunicorn's carry the same id."""
    sent = "client-" + secrets.token_hex(8)
    with site.client() as client:
        answer = client.get("/healthz", headers={"X-Request-ID": sent})
    assert answer.status_code == 200
    request_id = answer.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), request_id
    logged = site.nginx.logged(until=lambda lines: any(
        line["request_id"] == request_id for line in lines))  # fmt: skip
    nginx_lines = [line for line in logged if line["request_id"] == request_id]
    assert [(line["path"], line["status"]) for line in nginx_lines] == [("/healthz", 200)]
    assert request_id in site.hub.log.read_text()
    assert sent not in site.hub.log.read_text()


def test_the_site_under_test_is_the_shipped_one(site: Site) -> None:
    """The running site differs from deploy/nginx/exchange.conf only in paths, ports, names."""
    text = (site.nginx.folder / "exchange.conf").read_text().replace("# no IPv6 here: ", "")
    rendered, shipped = text.splitlines(), SITE.read_text().splitlines()
    assert len(rendered) == len(shipped)
    changed = [(a.split()[0], b.split()[0]) for a, b in zip(shipped, rendered, strict=True)
               if a != b]  # fmt: skip
    assert {first for first, _ in changed} <= {
        "listen", "server", "server_name", "ssl_certificate", "ssl_certificate_key",
        "access_log", "error_log", "alias",
    }, changed  # fmt: skip
    assert all(a == b for a, b in changed)
