"""Writing and reading return files: the round trip, the layout and the row count."""

from __future__ import annotations

import gzip
import io
import itertools
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keys import (
    MAGIC,
    ManifestDraft,
    SigningKey,
    TrustStore,
    manifest_hash,
    open_payload,
    verify_return,
    write_return,
)
from keys.payload import CsvRecordCounter, PayloadMeter


def test_a_written_return_verifies(sign_return, trust, known, now, csv_payload) -> None:
    """A return written by the writer passes the verifier, which reports its manifest."""
    data = sign_return()
    result = verify_return(io.BytesIO(data), trust=trust, known_schemas=known, now=now)
    assert result.manifest.authority == "E06000015"
    assert result.manifest.payload.length == len(csv_payload)
    assert result.manifest.payload.rows == 41
    assert result.manifest_hash == manifest_hash(result.manifest_bytes)
    assert result.flags == ()


def test_the_file_is_magic_line_envelope_line_then_payload(sign_return, csv_payload) -> None:
    """The layout is exactly the one documented in docs/return-format.md."""
    data = sign_return()
    assert data.startswith(MAGIC)
    envelope_line, payload = data[len(MAGIC) :].split(b"\n", 1)
    assert envelope_line.startswith(b'{"payload":')
    assert payload == csv_payload


def test_a_gzipped_payload_verifies_and_reads_back(
    tmp_path: Path, sign_return, trust, known, now, csv_payload
) -> None:
    """With compress=True the payload is stored gzipped, counted and read back as CSV."""
    path = tmp_path / "derby.return"
    path.write_bytes(sign_return(compress=True))
    result = verify_return(path, trust=trust, known_schemas=known, now=now)
    assert result.manifest.payload.format == "csv+gzip"
    assert result.manifest.payload.rows == 41
    with open_payload(path) as stream:
        assert stream.read() == csv_payload
    with open_payload(path, decompress=False) as stream:
        assert gzip.decompress(stream.read()) == csv_payload


def test_a_payload_file_is_streamed_into_the_return(
    tmp_path: Path, draft: ManifestDraft, derby_key: SigningKey, trust, known, now, csv_payload
) -> None:
    """A CSV file path is accepted as the payload and written to a path destination."""
    source, target = tmp_path / "shared.csv", tmp_path / "out" / "derby.return"
    source.write_bytes(csv_payload)
    target.parent.mkdir()
    signed = write_return(target, source, draft=draft, signing_key=derby_key, now=now)
    result = verify_return(target, trust=trust, known_schemas=known, now=now)
    assert result.manifest_hash == signed.manifest_hash
    assert sorted(os.listdir(target.parent)) == ["derby.return"]
    with open_payload(target) as stream:
        assert stream.read() == csv_payload


def test_a_payload_measured_as_written_is_read_once_and_still_checked(
    tmp_path: Path, draft: ManifestDraft, derby_key: SigningKey, trust, known, now, csv_payload
) -> None:
    """``measured`` facts from the writer's own meter give the same manifest as measuring
    the file; facts that do not match the file's bytes write nothing at all."""
    source = tmp_path / "shared.csv"
    source.write_bytes(csv_payload)
    meter = PayloadMeter("csv")
    meter.add_stored(csv_payload)
    target = tmp_path / "measured.return"
    signed = write_return(
        target, source, draft=draft, signing_key=derby_key, now=now, measured=meter.facts()
    )
    unmeasured = write_return(io.BytesIO(), source, draft=draft, signing_key=derby_key, now=now)
    assert signed.manifest.payload == unmeasured.manifest.payload
    assert verify_return(target, trust=trust, known_schemas=known, now=now).flags == ()
    wrong = PayloadMeter("csv")
    wrong.add_stored(csv_payload + b"extra,row\n")
    refused = tmp_path / "refused.return"
    with pytest.raises(ValueError, match="payload changed"):
        write_return(
            refused, source, draft=draft, signing_key=derby_key, now=now, measured=wrong.facts()
        )
    assert sorted(os.listdir(tmp_path)) == ["measured.return", "shared.csv"]


def test_chunked_payloads_give_the_same_facts(
    draft: ManifestDraft, derby_key: SigningKey, now, csv_payload
) -> None:
    """Splitting the payload into many chunks changes nothing the manifest binds."""
    pieces = [csv_payload[i : i + 7] for i in range(0, len(csv_payload), 7)]
    facts = []
    for payload in ([csv_payload], pieces, io.BytesIO(csv_payload)):
        signed = write_return(io.BytesIO(), payload, draft=draft, signing_key=derby_key, now=now)
        facts.append(signed.manifest.payload)
    assert facts[0] == facts[1] == facts[2]


def test_the_verifier_copies_the_payload_to_a_sink(sign_return, trust, known, now) -> None:
    """payload_sink receives exactly the stored payload bytes."""
    data = sign_return(compress=True)
    sink = io.BytesIO()
    verify_return(io.BytesIO(data), trust=trust, known_schemas=known, now=now, payload_sink=sink)
    assert data.endswith(sink.getvalue())
    assert gzip.decompress(sink.getvalue()).startswith(b"district,")


def test_an_empty_payload_has_no_rows(sign_return, trust, known, now) -> None:
    """A return with an empty payload is valid and states zero rows."""
    data = sign_return(payload=b"")
    result = verify_return(io.BytesIO(data), trust=trust, known_schemas=known, now=now)
    assert (result.manifest.payload.length, result.manifest.payload.rows) == (0, 0)


def test_nonces_differ_between_returns(sign_return, trust, known, now) -> None:
    """Each return carries a fresh 128-bit nonce, so identical content still differs."""
    nonces = set()
    for _ in range(5):
        data = sign_return()
        manifest = verify_return(io.BytesIO(data), trust=trust, known_schemas=known, now=now)
        nonces.add(manifest.manifest.nonce)
    assert len(nonces) == 5
    assert all(len(n) == 32 for n in nonces)


@pytest.mark.parametrize(
    ("csv", "rows"),
    [
        (b"", 0),
        (b"a,b\n", 0),
        (b"a,b", 0),
        (b"a,b\n1,2\n", 1),
        (b"a,b\n1,2", 1),
        (b"a,b\r\n1,2\r\n3,4\r\n", 2),
        (b'a,b\n"x\ny",2\n', 1),
        (b'a,b\n"say ""hi""\nthere",2\n3,4\n', 2),
    ],
)
def test_rows_are_counted_the_rfc_4180_way(csv: bytes, rows: int) -> None:
    """Line breaks inside quotes do not end a row; the header is not a row."""
    counter = CsvRecordCounter()
    counter.feed(csv)
    assert counter.rows == rows


@given(st.binary(max_size=200), st.lists(st.integers(0, 200), max_size=6))
def test_row_counts_do_not_depend_on_chunking(data: bytes, cuts: list[int]) -> None:
    """Feeding bytes in any chunks counts the same rows as feeding them at once."""
    whole = CsvRecordCounter()
    whole.feed(data)
    pieces = CsvRecordCounter()
    edges = [0, *sorted(c for c in cuts if c <= len(data)), len(data)]
    for start, end in itertools.pairwise(edges):
        pieces.feed(data[start:end])
    assert pieces.rows == whole.rows


def test_the_trust_store_round_trips_through_json(trust: TrustStore) -> None:
    """An offline verifier can load the hub's trust store from JSON."""
    again = TrustStore.from_json(trust.to_json())
    assert {k.key_id: k for k in again} == {k.key_id: k for k in trust}
