"""The payload CSV: RFC 4180 as docs/return-format.md says, readable back value for value,
and valid against the schema's shared view."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymiser.prepare.payload import write_measured_payload, write_payload
from keys import open_payload
from keys.payload import CsvRecordCounter, PayloadMeter
from schemas import get_schema

SPEND = get_schema("supplier_spend")
_TEXT = st.one_of(st.none(), st.text(min_size=1, max_size=30).filter(lambda t: t.strip() != ""))
# Amounts in whole pence, as money is read: half-pence rounding is not the question here.
_MONEY = st.one_of(st.none(), st.integers(-(10**10), 10**10).map(lambda pence: pence / 100))


def _spend_frame(texts: list[str | None], amounts: list[float | None]) -> pd.DataFrame:
    size = len(texts)
    return pd.DataFrame(
        {
            "body": ["E06000015"] * size,
            "service_area": np.array(texts, dtype=object),
            "expense_type": [None] * size,
            "supplier_name": np.array(texts[::-1], dtype=object),
            "supplier_id": [None] * size,
            "payment_month": ["2026-04"] * size,
            "transaction_number": [str(n) for n in range(size)],
            "net_amount": np.array([np.nan if a is None else a for a in amounts], dtype=float),
        },
        index=range(2, 2 + size),
    )


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(_TEXT, _MONEY), min_size=0, max_size=40))
def test_any_text_and_amount_reads_back_exactly(
    rows: list[tuple[str | None, float | None]],
) -> None:
    """Commas, quotes, line breaks and any characters survive a CSV reader; money has pence."""
    texts = [text for text, _ in rows]
    amounts = [amount for _, amount in rows]
    stream = io.BytesIO()
    filled = write_payload(_spend_frame(texts, amounts), SPEND, stream)
    data = stream.getvalue()
    records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert records[0] == [field.name for field in SPEND.shared_fields]
    assert [r[1] for r in records[1:]] == [t or "" for t in texts]
    assert [r[3] for r in records[1:]] == [t or "" for t in texts[::-1]]
    expected = ["" if a is None else f"{a:.2f}".replace("-0.00", "0.00") for a in amounts]
    assert [r[7] for r in records[1:]] == expected
    counter = CsvRecordCounter()
    counter.feed(data)
    assert counter.rows == len(rows)
    assert filled["service_area"] == sum(t is not None for t in texts)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(_TEXT, _MONEY), min_size=0, max_size=40))
def test_the_measured_facts_are_those_of_the_bytes_written(
    rows: list[tuple[str | None, float | None]],
) -> None:
    """The facts given to the signer (hash, length, rows) are what an independent meter
    finds in the bytes written, line breaks inside quoted values included."""
    frame = _spend_frame([t for t, _ in rows], [a for _, a in rows])
    stream = io.BytesIO()
    filled, facts = write_measured_payload(frame, SPEND, stream)
    meter = PayloadMeter("csv")
    meter.add_stored(stream.getvalue())
    assert facts == meter.facts()
    assert filled == write_payload(frame, SPEND, io.BytesIO())


def test_a_failing_stream_stops_the_payload() -> None:
    """A write that fails (a full disk) is raised in the caller, not lost in the writer."""

    class Full(io.BytesIO):
        def write(self, data: object) -> int:
            raise OSError(28, "No space left on device")

    frame = _spend_frame(["Adults"] * 3, [1.0] * 3)
    with pytest.raises(OSError, match="No space left"):
        write_measured_payload(frame, SPEND, Full())


def test_values_are_quoted_only_when_they_must_be() -> None:
    """Plain values stay bare; a comma or a quote brings quotes ("" inside)."""
    frame = _spend_frame(["Adults", "Oak House, Belper", 'The "Elms"'], [912.5, 1104.0, -12.5])
    stream = io.BytesIO()
    write_payload(frame, SPEND, stream)
    lines = stream.getvalue().decode("utf-8").splitlines()
    assert lines[1] == 'E06000015,Adults,,"The ""Elms""",,2026-04,0,912.50'
    assert lines[2] == 'E06000015,"Oak House, Belper",,"Oak House, Belper",,2026-04,1,1104.00'
    assert lines[3] == 'E06000015,"The ""Elms""",,Adults,,2026-04,2,-12.50'


def test_a_prepared_payload_is_valid_in_the_shared_view(
    cli, region, keyrings, tmp_path: Path
) -> None:
    """What leaves passes the schema's shared-view validation, as the hub will run it."""
    for return_type in ("placements", "supplier_spend"):
        export = region.export("E10000018", return_type)
        output = tmp_path / f"{return_type}.return"
        assert cli.prepare(export, keyrings["E10000018"], output).exit_code == 0
        with open_payload(output) as stream:
            shared = pd.read_csv(stream, dtype=str, keep_default_na=False)
        shared = shared.replace("", None)
        checked = get_schema(return_type).validate_frame(shared, "shared")
        assert checked.ok, checked.errors.to_dict(orient="records")
        assert list(shared.columns) == [f.name for f in get_schema(return_type).shared_fields]
