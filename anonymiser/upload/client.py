"""Talking to the hub over HTTP: streamed uploads, reads, and bounded retries.

Retries follow one rule: a network error or a 5xx answer may be the hub or the network
having a bad moment, so the request is sent again after an exponentially growing,
jittered wait, a bounded number of times; a 4xx answer is the hub saying no, so it is
never retried and its JSON error message is reported. Sending a return again is safe:
the hub answers the exact same return with the receipt it already gave.

A certificate the machine does not trust is not retried either: it will not change
by itself (set ``ANONYMISER_CA_BUNDLE``).
"""

from __future__ import annotations

import random
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from anonymiser import __version__
from anonymiser.upload.errors import HubRefused, HubUnavailable
from anonymiser.upload.settings import CA_BUNDLE_ENV, HubConnection

CHUNK = 1 << 20
RETURN_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to try, and how long to wait between tries."""

    attempts: int = 5
    first_wait: float = 1.0
    longest_wait: float = 30.0

    def wait(self, attempt: int) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based): doubling, jittered."""
        ceiling = min(self.longest_wait, self.first_wait * 2 ** (attempt - 1))
        return ceiling * (0.5 + random.random() / 2)


Notice = Callable[[str], None]


class HubClient:
    """An HTTP client for the hub's API, with this authority's token."""

    def __init__(self, connection: HubConnection, *, timeout: float = 60.0) -> None:
        self._http = httpx.Client(
            base_url=connection.url,
            headers={
                "Authorization": f"Bearer {connection.token}",
                "User-Agent": f"regional-exchange-anonymiser/{__version__}",
                "Accept": "application/json",
            },
            proxy=connection.proxy,
            verify=connection.verify(),
            trust_env=False,  # proxy and trust come from our settings, explicitly
            timeout=httpx.Timeout(timeout, read=max(timeout, 900.0)),
        )

    def __enter__(self) -> HubClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._http.close()

    def upload(self, path: Path) -> httpx.Response:
        """POST the return file as the raw body, streamed from disk with its length."""
        headers = {"Content-Type": RETURN_TYPE, "Content-Length": str(path.stat().st_size)}
        return self._http.post("/api/v1/returns", content=_chunks(path), headers=headers)

    def get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """GET an API path."""
        return self._http.get(path, params=params)


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            yield chunk


def with_retries(
    send: Callable[[], httpx.Response],
    *,
    policy: RetryPolicy,
    notice: Notice | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """``send()`` until it answers below 500, retrying network errors and 5xx answers."""
    for attempt in range(1, policy.attempts + 1):
        try:
            response = send()
        except httpx.TransportError as err:
            _refuse_untrusted_certificate(err)
            problem = f"a network error ({type(err).__name__})"
        else:
            if response.status_code < 500:
                return response
            problem = f"the hub answered {response.status_code}"
        if attempt == policy.attempts:
            raise HubUnavailable(
                f"The hub could not take the request after {policy.attempts} attempts; the "
                f"last failure was {problem}. Try again later, or ask the hub administrator."
            )
        wait = policy.wait(attempt)
        if notice is not None:
            notice(f"{problem[0].upper()}{problem[1:]}; trying again in {wait:.1f} s "
                   f"(attempt {attempt + 1} of {policy.attempts}).")  # fmt: skip
        sleep(wait)
    raise AssertionError("unreachable: the loop returns or raises")


def refuse_unless_ok(response: httpx.Response, *, doing: str) -> dict[str, Any]:
    """The JSON body of a 2xx answer; a 4xx becomes :class:`HubRefused` with its message."""
    if response.is_success:
        body: dict[str, Any] = response.json()
        return body
    try:
        error = response.json()["error"]
        message, reason = str(error["message"]), (error.get("details") or {}).get("reason")
    except (ValueError, KeyError, TypeError):
        message, reason = f"HTTP {response.status_code} {response.reason_phrase}", None
    raise HubRefused(
        f"The hub refused {doing} ({response.status_code}): {message}",
        status=response.status_code,
        reason=reason,
    )


def _refuse_untrusted_certificate(err: httpx.TransportError) -> None:
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            raise HubUnavailable(
                "The hub's certificate is not trusted by this machine. If your network "
                f"inspects TLS, set {CA_BUNDLE_ENV} to your organisation's CA bundle (PEM)."
            ) from None
        cause = cause.__cause__ or cause.__context__
    if "CERTIFICATE_VERIFY_FAILED" in str(err):
        raise HubUnavailable(
            f"The hub's certificate is not trusted by this machine; set {CA_BUNDLE_ENV}."
        ) from None
