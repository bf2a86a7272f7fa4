"""Strict JSON: one signed document, one meaning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keys.errors import DuplicateJsonKey, InvalidUtf8, MalformedDocument
from keys.strict_json import canonical_json, parse_strict_json


def test_duplicate_keys_are_refused_at_any_depth() -> None:
    """The same key twice in one object raises DuplicateJsonKey, even when nested."""
    with pytest.raises(DuplicateJsonKey):
        parse_strict_json(b'{"a":1,"a":1}', what="doc")
    with pytest.raises(DuplicateJsonKey):
        parse_strict_json(b'{"a":{"b":1,"b":2}}', what="doc")


def test_invalid_utf8_is_refused() -> None:
    """Bytes that are not UTF-8 raise InvalidUtf8 before any parsing."""
    with pytest.raises(InvalidUtf8):
        parse_strict_json(b'{"a":"\xff"}', what="doc")


def test_escaped_lone_surrogates_are_refused() -> None:
    """A \\ud800 escape decodes in Python but is not text, so it is refused."""
    with pytest.raises(InvalidUtf8):
        parse_strict_json(b'{"a":"\\ud800"}', what="doc")


@pytest.mark.parametrize(
    "data", [b"\xef\xbb\xbf{}", b'{"a":NaN}', b'{"a":Infinity}', b"{", b"", b'{"a":1} x']
)
def test_other_irregular_json_is_refused(data: bytes) -> None:
    """A byte-order mark, NaN, Infinity and broken JSON are malformed documents."""
    with pytest.raises(MalformedDocument):
        parse_strict_json(data, what="doc")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_round_trips(value: object) -> None:
    """Whatever canonical_json writes, the strict parser reads back unchanged."""
    assert parse_strict_json(canonical_json(value), what="doc") == value
