"""Cutting off request bodies that arrive too slowly (slow loris).

Under gunicorn's ``gthread`` workers a request thread reading a body blocks in
``recv()`` until the bytes it asked for have arrived (``Body.read(n)`` waits for all
``n``), and nothing times it out: gunicorn's worker timeout watches the worker's main
thread, not its request threads, and nginx's ``client_body_timeout`` only bounds the
gap between two reads, while ``/api/v1/returns`` is streamed to the hub unbuffered. A
client sending its body a byte every few seconds holds a thread for as long as it
likes; a few such clients hold them all.

:class:`BodyWatch` is WSGI middleware around the hub. Each HTTP/1 request with a body
served by gunicorn (``environ["gunicorn.socket"]``; the development server and the test
client are left alone) is noted with the worker's :class:`Watchdog`, a daemon thread
started by the first such request in each worker process, so after the fork. Every half
second it looks at the request threads waiting for a body. Once the hub has waited
``grace`` seconds in all for one, if fewer than ``min_rate`` bytes a second on average
have come over that time, the connection is shut down: the blocked read returns at once
and raises :class:`BodyTooSlow` (408, not a 500), the hub logs ``request body too
slow`` and the thread is free. The client sees its connection closed.

Progress is what the kernel has received on the connection (Linux's ``TCP_INFO``), not
what the hub has read: a read of 64 KiB returns nothing until all 64 KiB are in, so
counting completed reads would take a slow but honest link for a trickle. Where
``TCP_INFO`` is not available (a Unix socket), the read being waited on is taken as all
but complete, which still bounds a trickled body to its declared length at the minimum
rate. Time the hub spends on other work between reads is not counted against the client.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import structlog
from werkzeug.exceptions import RequestTimeout

log = structlog.get_logger("exchange.ops")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CHECK_INTERVAL = 0.5
#: ``tcpi_bytes_received`` in Linux's ``struct tcp_info`` (a u64, since Linux 4.1).
_TCP_BYTES_RECEIVED = 128
#: Most of a pending read credited when the kernel cannot say what has arrived.
_MAX_PENDING_CREDIT = 1024 * 1024


class BodyTooSlow(RequestTimeout):
    """The request body came slower than the hub accepts, so its connection was cut."""

    description = (
        "The request body arrived too slowly, so the hub stopped waiting for it. "
        "Send it again over a faster or steadier connection."
    )


def kernel_bytes_received(sock: socket.socket) -> int | None:
    """Bytes the kernel has received on a TCP connection, or None where it cannot say."""
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    except (OSError, AttributeError):  # not TCP, closed, or no TCP_INFO on this system
        return None
    if len(info) < _TCP_BYTES_RECEIVED + 8:
        return None
    received: int = struct.unpack_from("=Q", info, _TCP_BYTES_RECEIVED)[0]
    return received


@dataclass(eq=False)
class Transfer:
    """One request body being received: what the watchdog needs to judge its pace."""

    sock: socket.socket
    length: int | None  # the declared Content-Length; None when chunked
    baseline: int | None  # kernel's byte count when the body began; None: no count
    delivered: int = 0  # bytes the hub has read
    waited: float = 0.0  # seconds spent in finished reads
    reading_since: float | None = None  # when the read in progress began
    asked: int = 0  # bytes the read in progress asked for
    cut: bool = False

    def received(self) -> int:
        """Bytes of the body that have reached the hub (at least those it has read)."""
        if self.baseline is not None:
            now = kernel_bytes_received(self.sock)
            if now is not None:
                return max(self.delivered, now - self.baseline)
        pending = min(self.asked, _MAX_PENDING_CREDIT)
        if self.length is not None:
            pending = min(pending, self.length - self.delivered)
        return self.delivered + max(pending, 0)

    def waiting(self, now: float) -> float:
        """Seconds the hub has spent waiting for this body, up to ``now``."""
        since = self.reading_since
        return self.waited + (now - since if since is not None else 0.0)


class Watchdog:
    """A worker's watch over the bodies its request threads are waiting for."""

    def __init__(self, *, min_rate: int, grace: float, interval: float = CHECK_INTERVAL) -> None:
        self.min_rate, self.grace, self.interval = min_rate, grace, interval
        self._transfers: set[Transfer] = set()
        self._lock = threading.Lock()
        self._pid: int | None = None

    def watch(self, transfer: Transfer) -> None:
        """Judge ``transfer`` from now on (starting this process's thread if need be)."""
        self._ensure_running()
        with self._lock:
            self._transfers.add(transfer)

    def forget(self, transfer: Transfer) -> None:
        """Stop judging ``transfer``: its body is all in, or its request is over."""
        with self._lock:
            self._transfers.discard(transfer)

    def check(self, now: float) -> list[Transfer]:
        """Cut every transfer too slow at ``now``; those cut."""
        with self._lock:
            transfers = list(self._transfers)
        cut = [t for t in transfers if not t.cut and self._too_slow(t, now)]
        for transfer in cut:
            transfer.cut = True
            # Both ways: the blocked recv() returns at once, and gunicorn cannot keep the
            # connection alive for a next request the client might trickle just as slowly.
            with suppress(OSError):
                transfer.sock.shutdown(socket.SHUT_RDWR)
        return cut

    def _too_slow(self, transfer: Transfer, now: float) -> bool:
        if transfer.reading_since is None:
            return False  # the hub is busy with something else, not waiting for the client
        waited = transfer.waiting(now)
        return waited >= self.grace and transfer.received() < self.min_rate * waited

    def _ensure_running(self) -> None:
        # Threads do not survive a fork: each worker process starts its own, on its first
        # request with a body (gunicorn forks before any request is served).
        pid = os.getpid()
        if self._pid == pid:
            return
        with self._lock:
            if self._pid == pid:
                return
            self._transfers = set()
            thread = threading.Thread(target=self._run, name="exchange-bodywatch", daemon=True)
            thread.start()
            self._pid = pid

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self.check(time.monotonic())
            except Exception as err:  # the watch must outlive any one bad socket
                log.error("body watch failed", error_type=type(err).__name__)


class WatchedInput:
    """``wsgi.input`` telling its transfer when the hub waits for the body and how much
    it has read; a read cut off by the watchdog raises :class:`BodyTooSlow`."""

    def __init__(self, stream: Any, transfer: Transfer, watchdog: Watchdog) -> None:
        self._stream, self._transfer, self._watchdog = stream, transfer, watchdog

    def read(self, size: int | None = None) -> bytes:
        return self._timed(self._stream.read, size)

    def readline(self, size: int | None = None) -> bytes:
        return self._timed(self._stream.readline, size)

    def readlines(self, hint: int | None = None) -> list[bytes]:
        lines: list[bytes] = []
        total = 0
        for line in self:
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                break
        return lines

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def _timed(self, read: Callable[..., bytes], size: int | None) -> bytes:
        transfer = self._transfer
        if transfer.cut:
            raise self._too_slow()
        transfer.asked = size if size is not None and size >= 0 else _MAX_PENDING_CREDIT
        transfer.reading_since = started = time.monotonic()
        try:
            data = read() if size is None else read(size)
        except Exception:
            if transfer.cut:  # a chunked body's reader raises at the cut instead
                raise self._too_slow() from None
            raise
        finally:
            transfer.reading_since = None
            transfer.waited += time.monotonic() - started
        if transfer.cut:
            raise self._too_slow()
        transfer.delivered += len(data)
        ended = not data and size != 0
        if ended or (transfer.length is not None and transfer.delivered >= transfer.length):
            self._watchdog.forget(transfer)
        return data

    def _too_slow(self) -> BodyTooSlow:
        transfer = self._transfer
        log.warning(
            "request body too slow",
            received_bytes=transfer.received(),
            read_bytes=transfer.delivered,
            declared_bytes=transfer.length,
            waited_s=round(transfer.waited, 1),
            min_rate_bytes=self._watchdog.min_rate,
        )
        return BodyTooSlow()


class BodyWatch:
    """WSGI middleware cutting off request bodies slower than ``min_rate`` bytes a second
    on average once the hub has waited ``grace`` seconds for them (``min_rate`` 0: off)."""

    def __init__(
        self, app: WSGIApp, *, min_rate: int, grace: float, interval: float = CHECK_INTERVAL
    ) -> None:
        self.app = app
        self.watchdog = (
            Watchdog(min_rate=min_rate, grace=grace, interval=interval) if min_rate > 0 else None
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        watchdog = self.watchdog
        transfer = self._transfer(environ) if watchdog is not None else None
        if watchdog is None or transfer is None:
            return self.app(environ, start_response)
        environ["wsgi.input"] = WatchedInput(environ["wsgi.input"], transfer, watchdog)
        watchdog.watch(transfer)
        try:
            # The hub reads bodies before it answers, never while its answer streams out.
            return self.app(environ, start_response)
        finally:
            watchdog.forget(transfer)

    def _transfer(self, environ: dict[str, Any]) -> Transfer | None:
        sock = environ.get("gunicorn.socket")
        if not isinstance(sock, socket.socket):
            return None  # not gunicorn: the development server or the test client
        if not str(environ.get("SERVER_PROTOCOL", "")).startswith("HTTP/1"):
            return None  # HTTP/2 streams share one connection: cutting it would cut them all
        length = _content_length(environ)
        chunked = "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
        if not chunked and not length:
            return None
        return Transfer(sock, None if chunked else length, kernel_bytes_received(sock))


def _content_length(environ: dict[str, Any]) -> int | None:
    try:
        return max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return None
