"""Fuzzing the return-file reader: ``keys.verify_return`` over hostile bytes.

Random bytes, random bytes behind the magic line, and valid signed returns mutated
(bytes flipped, inserted, deleted, truncated, the envelope's JSON tampered with) must be
refused with the module's own errors (:class:`keys.errors.KeysError`), never with any
other exception and never accepted unless the bytes are unchanged.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keys import MAGIC, ManifestDraft, SigningKey, TrustedKey, TrustStore, verify_return
from keys.errors import KeysError
from keys.return_file import write_return
from tests.security.conftest import SecurityRecord

NOW = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
KNOWN = {"placements": {1}, "supplier_spend": {1}}
KEY = SigningKey.from_seed(hashlib.sha256(b"tests/security/fuzz").digest())
TRUST = TrustStore([TrustedKey(KEY.key_id, "E06000015", KEY.public_key, NOW - timedelta(days=9))])
PAYLOAD = (
    b"district,provider_name,weekly_cost\n"
    + b"".join(b'E07000032,"Oak Lodge, Derby",%d.00\n' % (700 + i) for i in range(30))
    + b'E07000033,"Two\nline name",812.50\n'
)
FUZZ = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip


def signed(compress: bool) -> bytes:
    out = io.BytesIO()
    draft = ManifestDraft(
        authority="E06000015", return_type="placements", schema_version=1, period="2026-Q2",
        sequence=1, disclosure_policy_sha256=hashlib.sha256(b"policy").hexdigest(),
        pseudonym_key_version=1, anonymiser_version="0.1.0",
    )  # fmt: skip
    write_return(out, [PAYLOAD], draft=draft, signing_key=KEY, now=NOW, compress=compress)
    return out.getvalue()


VALID = {False: signed(False), True: signed(True)}


def outcome(data: bytes) -> str:
    """``accepted`` or the name of the module's own error; anything else propagates."""
    try:
        verify_return(io.BytesIO(data), trust=TRUST, known_schemas=KNOWN, now=NOW)
    except KeysError as error:
        return type(error).__name__
    return "accepted"


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(VALID[draw(st.booleans())])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "json"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "truncate":
            del data[at:]
        else:  # swap a JSON token of the envelope for another
            envelope_end = data.find(b"\n", len(MAGIC))
            token = draw(st.sampled_from([b'"', b"{", b"}", b":", b",", b"null", b"\\u0000",
                                          b"1e999", b"[]", b'"payload"']))  # fmt: skip
            spot = draw(st.integers(len(MAGIC), max(envelope_end, len(MAGIC))))
            data[spot : spot + 1] = token
    return bytes(data)


def test_the_valid_returns_verify() -> None:
    """The fuzzing starts from returns that do verify (plain and gzipped)."""
    assert outcome(VALID[False]) == outcome(VALID[True]) == "accepted"


def test_random_bytes_are_refused_with_the_modules_errors(security: SecurityRecord) -> None:
    """Random bytes, with or without the magic line in front: a KeysError, nothing else."""
    seen: set[str] = set()

    @FUZZ
    @given(st.binary(max_size=4096), st.booleans())
    def run(data: bytes, magic: bool) -> None:
        security.cases()
        result = outcome(MAGIC + data if magic else data)
        assert result != "accepted"
        seen.add(result)

    run()
    security.note(f"random bytes: refusals seen {sorted(seen)}")


def test_mutated_returns_are_refused_with_the_modules_errors(security: SecurityRecord) -> None:
    """Flipped, inserted, deleted or truncated bytes: refused with a KeysError (or, when the
    mutation happens to leave the signed bytes unchanged, accepted)."""
    seen: set[str] = set()

    @FUZZ
    @given(mutated())
    def run(data: bytes) -> None:
        security.cases()
        result = outcome(data)
        seen.add(result)
        if result == "accepted":
            assert data in VALID.values(), "a changed return was accepted"

    run()
    security.note(f"mutated returns: outcomes seen {sorted(seen)}")
    assert len(seen - {"accepted"}) >= 3, "the mutations should reach several refusals"


@pytest.mark.parametrize("cut", [0, 1, len(MAGIC), len(MAGIC) + 10, -1, -40])
def test_truncated_returns_are_refused(cut: int, security: SecurityRecord) -> None:
    """A return cut anywhere is refused with a KeysError."""
    security.cases()
    assert outcome(VALID[False][:cut]) != "accepted"
