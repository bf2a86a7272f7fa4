"""Attacks through the shipped nginx site: Debian's nginx running deploy/nginx/exchange.conf
over TLS in front of gunicorn (2 workers of 4 threads) on PostgreSQL and Redis.

* Oversized bodies: a declared ``Content-Length`` above the site's limit (16 MiB, 1 GiB on
  ``/api/v1/returns``) is refused 413 by nginx at once, unsent, and never reaches the hub;
  a body that is actually sent is refused at the limit too.
* Slow loris: connections that stall in the TLS handshake, trickle their headers (over
  TLS and on plain port 80) or stop sending their body are cut off by the site's own
  timeouts (``client_header_timeout``, ``client_body_timeout``: the shipped values, not
  shortened, so this takes about half a minute) while ordinary requests are served.
* Bodies trickling faster than ``client_body_timeout`` are not cut off by nginx, which
  only bounds the gap between reads: for ordinary paths nginx holds them itself (the hub
  never sees them) and ``limit_conn`` caps them per address; uploads of returns are
  streamed to the hub, so fewer of those are allowed per address.
"""

from __future__ import annotations

import json
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.deploy.nginx_site import Nginx, hub_behind_nginx, shipped_seconds
from tests.security.conftest import SecurityRecord
from tests.security.hub_server import HubServer, real_server_marks

MiB = 1024**2
MARGIN = 10  # seconds allowed beyond a timeout before a connection counts as not cut off
LOGIN_HEAD = (b"POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/"
              b"x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n")  # fmt: skip
pytestmark = real_server_marks("security-nginx")


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HubServer, Nginx]]:
    """gunicorn (2 workers x 4 threads) behind the shipped site."""
    with hub_behind_nginx(tmp_path_factory.mktemp("security-nginx"), workers=2,
                          threads=4) as pair:  # fmt: skip
        yield pair


@pytest.fixture(scope="module")
def token(proxied: tuple[HubServer, Nginx]) -> str:
    """A data officer's API token: uploads get past the hub's login check."""
    hub, _ = proxied
    hub.exchange("authority", "add", "E06000015")
    hub.exchange("user", "add", "officer", "--role", "data_officer", "--authority", "E06000015")
    return hub.exchange("token", "create", "--user", "officer", "--days", "1").split()[-1]


def _nginx_lines(nginx: Nginx) -> list[dict[str, object]]:
    return [json.loads(line) for line in nginx.access_log.read_text().splitlines()]


def _reached_hub(hub: HubServer, nginx: Nginx, seen: int, status: int) -> list[str]:
    """Of nginx's answers logged after the first SEEN lines (waiting for one with STATUS:
    nginx logs a request once its connection is done with), the request ids the hub's log
    also has."""
    deadline = time.monotonic() + MARGIN
    while True:
        lines = _nginx_lines(nginx)[seen:]
        if any(line["status"] == status for line in lines) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert [line["status"] for line in lines] == [status], lines
    hub_log = hub.log.read_text()
    return [str(line["request_id"]) for line in lines if str(line["request_id"]) in hub_log]


def _head(path: str, size: int, token: str, *, chunked: bool = False) -> bytes:
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    return (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/octet-stream\r\n{length}\r\n\r\n").encode()  # fmt: skip


@pytest.mark.parametrize(
    ("path", "size"),
    [("/login", 16 * MiB + 1), ("/api/v1/returns", 1024 * MiB + 1),
     ("/api/v1/returns", 8 * 1024 * MiB)],
)  # fmt: skip
def test_a_declared_oversized_body_is_refused_by_nginx_unsent(
    proxied: tuple[HubServer, Nginx], token: str, path: str, size: int,
    security: SecurityRecord,
) -> None:  # fmt: skip
    """413 from nginx before any of the body is sent; the hub never sees the request."""
    hub, nginx = proxied
    seen = len(_nginx_lines(nginx))
    started = time.monotonic()
    with nginx.tls_socket(timeout=MARGIN) as sock:
        sock.sendall(_head(path, size, token))
        answer = sock.recv(4096)
    seconds = time.monotonic() - started
    security.cases()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"Strict-Transport-Security" in answer
    assert _reached_hub(hub, nginx, seen, 413) == []
    security.note(f"nginx: {path} declaring {size:,} bytes -> 413 after "
                  f"{seconds * 1000:.0f} ms, unsent, not passed to the hub")  # fmt: skip


def test_a_sent_oversized_body_is_refused_at_the_limit(
    proxied: tuple[HubServer, Nginx], token: str, security: SecurityRecord
) -> None:
    """A chunked body (no length declared) to /login passing 16 MiB: nginx answers 413,
    and the hub never gets any of it."""
    hub, nginx = proxied
    chunk = secrets.token_bytes(MiB)
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    seen = len(_nginx_lines(nginx))
    with nginx.tls_socket(timeout=30) as sock:
        sock.sendall(_head("/login", 0, token, chunked=True))
        try:
            for _ in range(20):
                sock.sendall(framed)
        except OSError:
            pass  # nginx may close before all is sent: the answer is already waiting
        answer = sock.recv(4096)
    security.cases()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert _reached_hub(hub, nginx, seen, 413) == []
    security.note("nginx: a chunked 20 MiB body to /login -> 413, not passed to the hub")


def _outcome(recv: Callable[[], bytes], started: float, hold: float) -> tuple[str, float]:
    """Wait up to HOLD seconds for the server to answer or close; what happened, and when."""
    while time.monotonic() - started < hold:
        try:
            data = recv()
        except TimeoutError:
            continue
        except OSError as error:
            return f"closed ({type(error).__name__})", time.monotonic() - started
        return ("answered " + data[:12].decode(errors="replace") if data else "closed",
                time.monotonic() - started)  # fmt: skip
    return "still open", time.monotonic() - started


def _tls_stall(nginx: Nginx, hold: float) -> tuple[str, float]:
    """Connect to the TLS port and never start the handshake."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", nginx.https_port), timeout=10) as sock:
        sock.settimeout(1)
        return _outcome(lambda: sock.recv(4096), started, hold)


def _header_trickle(nginx: Nginx, hold: float, *, tls: bool) -> tuple[str, float]:
    """A request line, then one byte of headers a second, never ending them."""
    started = time.monotonic()
    sock = (nginx.tls_socket(timeout=1) if tls
            else socket.create_connection(("127.0.0.1", nginx.http_port), timeout=10))  # fmt: skip
    with sock:
        sock.settimeout(1)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")

        def trickle() -> bytes:
            sock.sendall(b"a")
            return sock.recv(4096)

        return _outcome(trickle, started, hold)


def _body_stall(nginx: Nginx, hold: float) -> tuple[str, float]:
    """Complete headers and the first 10 bytes of a 100 kB login body, then nothing."""
    started = time.monotonic()
    with nginx.tls_socket(timeout=1) as sock:
        sock.sendall(LOGIN_HEAD + b"username=a")
        return _outcome(lambda: sock.recv(4096), started, hold)


def _body_trickle(nginx: Nginx, hold: float, head: bytes, source: str) -> tuple[str, float]:
    """Complete headers, then the body a byte a second (well inside client_body_timeout)."""
    started = time.monotonic()
    with nginx.tls_socket(timeout=1, source=source) as sock:
        sock.sendall(head)

        def trickle() -> bytes:
            sock.sendall(b"a")
            return sock.recv(4096)

        return _outcome(trickle, started, hold)


def _ordinary(nginx: Nginx, seconds: float) -> list[int | str]:
    """GET /healthz through nginx every half second for SECONDS; the statuses."""
    statuses: list[int | str] = []
    deadline = time.monotonic() + seconds
    with httpx.Client(verify=nginx.context(), timeout=10, trust_env=False) as client:
        while time.monotonic() < deadline:
            try:
                statuses.append(client.get(f"{nginx.url}/healthz").status_code)
            except httpx.TransportError as error:
                statuses.append(type(error).__name__)
            time.sleep(0.5)
    return statuses


def test_slow_clients_are_cut_off_by_the_sites_timeouts(
    proxied: tuple[HubServer, Nginx], security: SecurityRecord
) -> None:
    """Three each of: TLS handshake never started, headers trickled over TLS, headers
    trickled on port 80 (cut off after client_header_timeout); a body that stops (after
    client_body_timeout). Ordinary requests are answered all the while."""
    _, nginx = proxied
    header, body = shipped_seconds("client_header_timeout"), shipped_seconds("client_body_timeout")
    hold = body + 2 * MARGIN
    attacks: dict[str, tuple[Callable[[], tuple[str, float]], int]] = {
        "tls handshake stall": (lambda: _tls_stall(nginx, hold), header),
        "header trickle (https)": (lambda: _header_trickle(nginx, hold, tls=True), header),
        "header trickle (port 80)": (lambda: _header_trickle(nginx, hold, tls=False), header),
        "body stall": (lambda: _body_stall(nginx, hold), body),
    }
    with ThreadPoolExecutor(max_workers=3 * len(attacks) + 1) as pool:
        futures = {name: [pool.submit(attack) for _ in range(3)]
                   for name, (attack, _) in attacks.items()}  # fmt: skip
        served = pool.submit(_ordinary, nginx, body + MARGIN).result()
        outcomes = {name: [f.result() for f in fs] for name, fs in futures.items()}
    security.cases(3 * len(attacks) + len(served))
    for name, results in outcomes.items():
        limit = attacks[name][1]
        late = [r for r in results if r[0] == "still open" or r[1] > limit + MARGIN]
        if late:
            security.finding(f"nginx: {name} not cut off within {limit} + {MARGIN} s: {late}")
        security.note(f"nginx: 3 x {name} (timeout {limit} s) -> "
                      f"{sorted({o for o, _ in results})} after "
                      f"{max(s for _, s in results):.1f} s at most")  # fmt: skip
        assert not late, f"{name}: {results}"
        assert all(not outcome.startswith("answered 2") for outcome, _ in results)
    assert served == [200] * len(served), served
    security.note(f"nginx: {len(served)} ordinary requests during the slow clients, all 200")


def test_trickling_bodies_stay_in_nginx_and_are_capped_per_address(
    proxied: tuple[HubServer, Nginx], security: SecurityRecord
) -> None:
    """24 login bodies trickled from one address: nginx holds 20 (limit_conn), refuses the
    rest with 503 at once, passes none to the hub; others are served meanwhile. nginx does
    not cut them off: client_body_timeout bounds only the gap between reads."""
    hub, nginx = proxied
    hold = 2 * MARGIN
    with ThreadPoolExecutor(max_workers=25) as pool:
        slow = [pool.submit(_body_trickle, nginx, hold, LOGIN_HEAD, "127.0.0.3") for _ in range(24)]
        served = pool.submit(_ordinary, nginx, hold).result()
        outcomes = [future.result() for future in slow]
    security.cases(len(slow) + len(served))
    held = [o for o, _ in outcomes if o == "still open"]
    refused = [o for o, _ in outcomes if o.startswith("answered HTTP/1.1 503")]
    security.note(f"nginx: 24 login bodies trickled a byte a second from one address for "
                  f"{hold} s -> {len(held)} still open, {len(refused)} refused 503; "
                  f"{len(served)} ordinary requests meanwhile: {sorted(set(map(str, served)))}"
                  )  # fmt: skip
    assert (len(held), len(refused)) == (20, 4), outcomes
    assert served == [200] * len(served), served
    hub_log = hub.log.read_text()
    slow_ids = [str(line["request_id"]) for line in _nginx_lines(nginx)
                if line["remote"] == "127.0.0.3"]  # fmt: skip
    assert not [i for i in slow_ids if i in hub_log]


def test_trickling_uploads_of_returns_are_capped_per_address(
    proxied: tuple[HubServer, Nginx], token: str, security: SecurityRecord
) -> None:
    """Uploads are streamed to the hub, each holding a gunicorn thread while it trickles:
    one address gets 4 at a time (503 at once for more, which `anonymiser upload` retries),
    so the hub's other threads still serve. What the hub then does with the 4 (it may cut
    off a body that is too slow) is its own test's business (test_security_server)."""
    _, nginx = proxied
    head = _head("/api/v1/returns", 50 * MiB, token)
    hold = 2 * MARGIN
    with ThreadPoolExecutor(max_workers=9) as pool:
        slow = [pool.submit(_body_trickle, nginx, hold, head, "127.0.0.4") for _ in range(8)]
        served = pool.submit(_ordinary, nginx, hold).result()
        outcomes = [future.result() for future in slow]
    security.cases(len(slow) + len(served))
    refused = [s for o, s in outcomes if o.startswith("answered HTTP/1.1 503")]
    passed = sorted({o for o, _ in outcomes if not o.startswith("answered HTTP/1.1 503")})
    security.note(f"nginx: 8 uploads of returns trickled from one address for {hold} s -> "
                  f"{len(refused)} refused 503 by nginx, the other {8 - len(refused)} streamed "
                  f"to the hub: {passed}; ordinary requests meanwhile: "
                  f"{sorted(set(map(str, served)))}")  # fmt: skip
    if served != [200] * len(served):
        security.finding(f"nginx: while one address trickled 8 uploads, /healthz gave {served}")
    assert len(refused) == 4, outcomes
    assert max(refused) < MARGIN, outcomes
    assert served == [200] * len(served), served
