"""Times in signed documents: UTC, whole seconds, written ``2026-07-01T09:30:00Z``.

One spelling only, so the signed bytes of a time never vary between implementations.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from keys.errors import MalformedDocument

_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def utc_now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def format_utc(moment: datetime) -> str:
    """Write an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (microseconds dropped)."""
    return require_aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: object, *, what: str) -> datetime:
    """Read a time written by :func:`format_utc`; anything else is malformed."""
    if not isinstance(text, str) or not _PATTERN.fullmatch(text):
        raise MalformedDocument(f"{what} must be a UTC time written like 2026-07-01T09:30:00Z.")
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise MalformedDocument(f"{what} is not a real date and time.") from None


def require_aware(moment: datetime) -> datetime:
    """Refuse a naive datetime: a time without a zone is ambiguous in a signature."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must carry a time zone (use datetime.now(UTC))")
    return moment
