"""Fixtures for the keys tests: fixed keys, a trust store, a draft manifest and a
helper that writes a signed return into memory.

Keys are derived from fixed, published seeds (never real keys), so failures repeat.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from faker import Faker

from keys import (
    ManifestDraft,
    SigningKey,
    TrustedKey,
    TrustStore,
    write_return,
)

DERBY, LEICESTER = "E06000015", "E06000016"
NOW = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
KNOWN_SCHEMAS = {"placements": {1}, "supplier_spend": {1}}


def seeded_key(label: str) -> SigningKey:
    """A signing key from the SHA-256 of a label: reproducible, obviously not real."""
    return SigningKey.from_seed(hashlib.sha256(f"tests/keys/{label}".encode()).digest())


@pytest.fixture
def derby_key() -> SigningKey:
    return seeded_key("derby")


@pytest.fixture
def leicester_key() -> SigningKey:
    return seeded_key("leicester")


@pytest.fixture
def trust(derby_key: SigningKey, leicester_key: SigningKey) -> TrustStore:
    since = NOW - timedelta(days=365)
    return TrustStore(
        [
            TrustedKey(derby_key.key_id, DERBY, derby_key.public_key, since),
            TrustedKey(leicester_key.key_id, LEICESTER, leicester_key.public_key, since),
        ]
    )


@pytest.fixture
def draft() -> ManifestDraft:
    return ManifestDraft(
        authority=DERBY,
        return_type="placements",
        schema_version=1,
        period="2026-Q2",
        sequence=3,
        disclosure_policy_sha256=hashlib.sha256(b"policy").hexdigest(),
        pseudonym_key_version=1,
        anonymiser_version="0.1.0",
    )


@pytest.fixture
def csv_payload() -> bytes:
    """A small shared-view CSV with quoted commas and a quoted line break."""
    fake = Faker("en_GB")
    fake.seed_instance(20260701)
    lines = ["district,provider_name,weekly_cost"]
    for _ in range(40):
        lines.append(f'E07000032,"{fake.company()}, {fake.city()}",{fake.pyint(500, 3000)}.00')
    lines.append('E07000033,"Two\nline name",812.50')
    return ("\n".join(lines) + "\n").encode("utf-8")


SignReturn = Callable[..., bytes]


@pytest.fixture
def sign_return(derby_key: SigningKey, draft: ManifestDraft, csv_payload: bytes) -> SignReturn:
    """Write a return into memory; keyword arguments override the defaults."""

    def make(**overrides: object) -> bytes:
        out = io.BytesIO()
        options: dict[str, object] = {
            "draft": draft,
            "signing_key": derby_key,
            "now": NOW,
        }
        payload = overrides.pop("payload", csv_payload)
        assert isinstance(payload, bytes)
        options.update(overrides)
        write_return(out, [payload], **options)  # type: ignore[arg-type]
        return out.getvalue()

    return make


@pytest.fixture
def now() -> datetime:
    """The fixed "current time" the tests verify at."""
    return NOW


@pytest.fixture
def known() -> dict[str, set[int]]:
    """The agreed return types and schema versions."""
    return {k: set(v) for k, v in KNOWN_SCHEMAS.items()}


@pytest.fixture
def key_factory() -> Callable[[str], SigningKey]:
    """Make further reproducible signing keys by label."""
    return seeded_key
