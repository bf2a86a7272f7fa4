"""Strict JSON for signed documents: what is signed must mean one thing only.

Parsing refuses invalid UTF-8, a byte-order mark, duplicate keys, ``NaN`` and
``Infinity``, and lone surrogate escapes, so two parsers can never disagree on what a
signed manifest says. Serialising is canonical: sorted keys, no spaces, UTF-8.
"""

from __future__ import annotations

import json
from typing import Any

from keys.errors import DuplicateJsonKey, InvalidUtf8, MalformedDocument


def canonical_json(value: Any) -> bytes:
    """Serialise ``value`` with sorted keys and no whitespace, as UTF-8 bytes."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def parse_strict_json(data: bytes, *, what: str) -> Any:
    """Parse ``data`` as strict JSON; ``what`` names the document in error messages."""
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as err:
        raise InvalidUtf8(f"{what} is not valid UTF-8 (byte {err.start}).") from None
    if text.startswith("\ufeff"):
        raise MalformedDocument(f"{what} starts with a byte-order mark; remove it.")
    try:
        value = json.loads(
            text, object_pairs_hook=_refuse_duplicates(what), parse_constant=_refuse_constant
        )
    except DuplicateJsonKey:
        raise
    except ValueError as err:
        raise MalformedDocument(f"{what} is not valid JSON: {err}.") from None
    _refuse_surrogates(value, what)
    return value


def _refuse_duplicates(what: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise DuplicateJsonKey(f"{what} has the key {key!r} twice in one object.")
            result[key] = value
        return result

    return hook


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _refuse_surrogates(value: Any, what: str) -> None:
    """Lone surrogates (``"\\ud800"``) decode in Python but are not Unicode text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _check_text(item, what)
        elif isinstance(item, dict):
            for key, inner in item.items():
                _check_text(key, what)
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)


def _check_text(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidUtf8(f"{what} contains an escaped lone surrogate.") from None
