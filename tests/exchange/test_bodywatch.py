"""The body watch (``exchange.ops.bodywatch``) under real gunicorn, over real sockets.

gunicorn serves ``tests/exchange/bodywatch_app.py`` (one ``gthread`` worker with one
thread, so a request answered after a cut shows the thread was freed) with a grace of
one second and a minimum of 1024 bytes a second. Deadlines below are generous: they say
whether a connection is cut at all, not how fast.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.test import Client

from exchange.ops.bodywatch import BodyWatch
from tests.exchange.bodywatch_app import read_all
from tests.security.hub_server import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bodywatch")]


@dataclass
class Served:
    """A running gunicorn: where to connect, and its log."""

    address: tuple[str, int] | str
    log: Path

    def connect(self, timeout: float = 20) -> socket.socket:
        """A new connection to the server."""
        if isinstance(self.address, str):
            sock = socket.socket(socket.AF_UNIX)
            try:
                sock.settimeout(timeout)
                sock.connect(self.address)
            except OSError:
                sock.close()
                raise
            return sock
        return socket.create_connection(self.address, timeout=timeout)


@pytest.fixture(scope="module")
def tcp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The watched app under gunicorn on a loopback TCP port (the kernel counts bytes)."""
    folder = tmp_path_factory.mktemp("tcp")
    port = free_port()
    with _gunicorn(f"127.0.0.1:{port}", Served(("127.0.0.1", port), folder / "gunicorn.log")):
        yield Served(("127.0.0.1", port), folder / "gunicorn.log")


@pytest.fixture(scope="module")
def unix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The watched app under gunicorn on a Unix socket (no kernel byte count there)."""
    folder = tmp_path_factory.mktemp("unix")
    served = Served(str(folder / "app.sock"), folder / "gunicorn.log")
    with _gunicorn(f"unix:{served.address}", served):
        yield served


@contextmanager
def _gunicorn(bind: str, served: Served) -> Iterator[None]:
    env = {**os.environ, "BODYWATCH_MIN_RATE": "1024", "BODYWATCH_GRACE": "1"}
    with served.log.open("wb") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "--worker-class", "gthread", "--workers", "1", "--threads", "1",
             "--bind", bind, "--log-level", "warning", "tests.exchange.bodywatch_app:make_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_ready(process, served)
        yield
    finally:
        stop(process, seconds=20)


def _wait_ready(process: subprocess.Popen[bytes], served: Served) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(served.log.read_text())
        try:
            if _post(served, b"x" * 10).endswith(b"read 10"):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer: {served.log.read_text()}")


def _head(length: int | None) -> bytes:
    size = "Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}"
    return f"POST / HTTP/1.1\r\nHost: test\r\n{size}\r\n\r\n".encode()


def _post(served: Served, body: bytes) -> bytes:
    """An ordinary request sent at once; the whole answer."""
    with served.connect() as sock:
        sock.sendall(_head(len(body)) + body)
        return _answer(sock)


def _answer(sock: socket.socket, answer: bytes = b"") -> bytes:
    while b"\r\n\r\n" not in answer or not answer.split(b"\r\n\r\n", 1)[1]:
        data = sock.recv(4096)
        if not data:
            break
        answer += data
    return answer


def _trickle(served: Served, head: bytes, pieces: list[bytes], every: float) -> str:
    """Send ``head``, then each piece after a pause; how the server ended it."""
    with served.connect() as sock:
        sock.sendall(head)
        for piece in pieces:
            time.sleep(every)
            try:
                sock.sendall(piece)
            except OSError as error:
                return f"cut ({type(error).__name__})"
            timeout = sock.gettimeout()
            sock.setblocking(False)
            try:
                data = sock.recv(4096)
            except BlockingIOError:
                data = None
            except OSError as error:
                return f"cut ({type(error).__name__})"
            finally:
                sock.settimeout(timeout)
            if data == b"":
                return "cut (closed)"
            if data:
                return "answered " + _answer(sock, data).decode(errors="replace")
        try:
            return "answered " + _answer(sock).decode(errors="replace")
        except TimeoutError:
            return "still open"
        except OSError as error:
            return f"cut ({type(error).__name__})"


def test_a_trickled_body_is_cut_off_and_its_thread_freed(tcp: Served) -> None:
    """A byte every 0.2 s is cut off, logged, and the only thread then serves the next."""
    outcome = _trickle(tcp, _head(100_000), [b"a"] * 100, every=0.2)
    assert outcome.startswith("cut"), outcome
    assert _post(tcp, b"y" * 1000).endswith(b"read 1000")
    log = tcp.log.read_text()
    assert "request body too slow" in log
    assert "Traceback" not in log


def test_a_trickled_chunked_body_is_cut_off(tcp: Served) -> None:
    """A chunked body of one-byte chunks is cut off too (its reader fails at the cut)."""
    outcome = _trickle(tcp, _head(None), [b"1\r\na\r\n"] * 100, every=0.2)
    assert outcome.startswith("cut"), outcome
    assert _post(tcp, b"z" * 10).endswith(b"read 10")
    assert "Traceback" not in tcp.log.read_text()


def test_a_slow_steady_body_is_not_cut(tcp: Served) -> None:
    """48 KiB at about 16 KiB a second, read by the app in one 64 KiB read that returns
    only when all has come: the kernel's count, not the app's reads, shows the progress."""
    pieces = [b"s" * 4096] * 12
    outcome = _trickle(tcp, _head(len(pieces) * 4096), pieces, every=0.25)
    assert outcome.endswith("read 49152"), outcome


def test_a_body_that_stalls_is_cut_by_its_average(tcp: Served) -> None:
    """2 KiB at once, then nothing: cut once the average falls under the minimum."""
    outcome = _trickle(tcp, _head(10_000) + b"b" * 2048, [b""] * 100, every=0.2)
    assert outcome.startswith("cut"), outcome


def test_without_a_kernel_count_the_declared_length_bounds_the_wait(unix: Served) -> None:
    """On a Unix socket a trickle is still cut, once its declared 3,000 bytes could have
    come at the minimum rate (about three seconds)."""
    outcome = _trickle(unix, _head(3000), [b"a"] * 150, every=0.2)
    assert outcome.startswith("cut"), outcome
    assert _post(unix, b"u" * 100).endswith(b"read 100")


def test_requests_outside_gunicorn_are_left_alone() -> None:
    """The development server and the test client have no gunicorn socket: bodies are
    read as they come and no watchdog thread is started."""
    client = Client(BodyWatch(read_all, min_rate=1024, grace=1))
    answer = client.post("/", data=b"d" * 5000)
    assert answer.get_data() == b"read 5000"
    assert not [t for t in threading.enumerate() if t.name == "exchange-bodywatch"]
