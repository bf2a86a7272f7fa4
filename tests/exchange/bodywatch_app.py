"""A tiny WSGI app behind :class:`exchange.ops.bodywatch.BodyWatch`, for gunicorn.

Not a test module: ``tests/exchange/test_bodywatch.py`` serves it with gunicorn
(``gunicorn 'tests.exchange.bodywatch_app:make_app()'``) and talks to it over real
sockets. It reads the whole body in 64 KiB reads, as the hub's form parser does, and
answers ``read <bytes>``, or 408 when the body watch cut the body off. The watch's
settings come from ``BODYWATCH_MIN_RATE`` and ``BODYWATCH_GRACE``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from exchange.ops.bodywatch import BodyTooSlow, BodyWatch


def read_all(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Read the body to its end; say how many bytes came."""
    total = 0
    try:
        while chunk := environ["wsgi.input"].read(64 * 1024):
            total += len(chunk)
    except BodyTooSlow:
        return _answer(start_response, "408 Request Timeout", b"too slow")
    return _answer(start_response, "200 OK", f"read {total}".encode())


def _answer(start_response: Callable[..., Any], status: str, text: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))])
    return [text]


def make_app() -> BodyWatch:
    """The app, watched with the settings from the environment."""
    return BodyWatch(
        read_all,
        min_rate=int(os.environ.get("BODYWATCH_MIN_RATE", "1024")),
        grace=float(os.environ.get("BODYWATCH_GRACE", "1")),
        interval=0.2,
    )
