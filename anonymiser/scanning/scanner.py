"""Scan the text columns a return keeps for identifiers that slipped in; each hit stops the return.

A column is scanned by its *distinct* values: exports repeat the same provider,
service area and expense type thousands of times, so a million-row column is
often a few thousand values to search. Hits found in a value are then given to
every row holding it. The hits come back as a frame, one row per identifier
found, pointing at the row label (the Excel row number the reader sets as the
index) and the column, with a masked rendering that never reveals the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymiser.scanning.dates import DATE_OF_BIRTH
from anonymiser.scanning.detectors import Detector, any_prefilter, as_text_array, passing
from anonymiser.scanning.errors import ScanError
from anonymiser.scanning.identifiers import EMAIL, NHS_NUMBER, NI_NUMBER, PHONE, POSTCODE
from anonymiser.scanning.names import NameIndex
from anonymiser.scanning.references import ChanceMatches, without_chance_matches

#: The columns of the hits frame :func:`scan` returns.
HIT_COLUMNS = ("row", "column", "kind", "masked", "message")
DETECTORS: tuple[Detector, ...] = (NHS_NUMBER, NI_NUMBER, POSTCODE, EMAIL, PHONE, DATE_OF_BIRTH)
#: Every kind of identifier the scan reports, in the order of the hits' ``kind``.
KINDS = (*(detector.kind for detector in DETECTORS), "name")

_SAMPLE = 10_000
_MOSTLY_DISTINCT = 0.5
_WHAT = {
    "nhs_number": "An NHS number",
    "ni_number": "A National Insurance number",
    "postcode": "A full postcode",
    "email": "An email address",
    "phone": "A phone number",
    "date_of_birth": "A date (in a text column, most likely a date of birth)",
    "name": "A person's name from the file's own name columns",
}


@dataclass(frozen=True)
class ScanResult:
    """The hits, and the references that passed for identifiers by chance and were let
    through (see :mod:`~anonymiser.scanning.references`)."""

    hits: pd.DataFrame
    chance: tuple[ChanceMatches, ...]


def scan(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str],
    names: pd.DataFrame | None = None,
    exempt_dates: Sequence[str] = (),
) -> pd.DataFrame:
    """Identifiers found in ``columns`` of ``frame``, one row per hit.

    ``names`` holds the file's ``given_name``/``family_name`` columns (either may be
    missing), whose names are then looked for too; ``exempt_dates`` are columns that
    legitimately hold dates, where dates are not hits. The result has the columns
    :data:`HIT_COLUMNS`: ``row`` is the frame's index label, ``kind`` one of
    :data:`KINDS`, ``masked`` a rendering that does not reveal the identifier.
    """
    return scan_with_notes(frame, columns=columns, names=names, exempt_dates=exempt_dates).hits


def scan_with_notes(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str],
    names: pd.DataFrame | None = None,
    exempt_dates: Sequence[str] = (),
) -> ScanResult:
    """:func:`scan`, with what was let through as chance matches in references."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ScanError(f"Cannot scan columns that are not in the return: {', '.join(missing)}")
    index = NameIndex.of(names) if names is not None else None
    found = []
    chance: list[ChanceMatches] = []
    for order, column in enumerate(columns):
        detectors = [
            d for d in DETECTORS if not (d.kind == "date_of_birth" and column in exempt_dates)
        ]
        hits, let_through = _scan_column(column, frame[column], detectors, index)
        found.append(hits.assign(column=column, order=order))
        chance += let_through
    found = [hits for hits in found if len(hits)]
    if not found:
        return ScanResult(_no_hits(), tuple(chance))
    return ScanResult(_hit_frame(frame.index, pd.concat(found, ignore_index=True)), tuple(chance))


def _hit_frame(rows: pd.Index, hits: pd.DataFrame) -> pd.DataFrame:
    """The hits as reported: by row label, in row order, then column order, then place in cell."""
    hits = hits.sort_values(["position", "order", "offset"], kind="stable", ignore_index=True)
    return pd.DataFrame(
        {
            "row": pd.Series(rows[hits["position"].to_numpy()], dtype=object),
            "column": hits["column"],
            "kind": hits["kind"],
            "masked": hits["masked"],
            "message": [
                _message(kind, column)
                for kind, column in zip(hits["kind"], hits["column"], strict=True)
            ],
        },
        columns=list(HIT_COLUMNS),
    )


def scan_column(
    column: pd.Series, *, detectors: Sequence[Detector], names: NameIndex | None = None
) -> pd.DataFrame:
    """Hits in one column: ``position`` (0-based row), ``offset`` in the cell, kind, masked."""
    return _scan_column(str(column.name), column, detectors, names)[0]


def _scan_column(
    name: str, column: pd.Series, detectors: Sequence[Detector], names: NameIndex | None
) -> tuple[pd.DataFrame, list[ChanceMatches]]:
    codes, values = _distinct(column)
    found = _find(values, detectors)
    if names is not None:
        found.append(names.find(values))
    found = [hits for hits in found if len(hits)]
    if not found:
        return pd.DataFrame(columns=["position", "value", "offset", "end", "kind", "masked"]), []
    value_hits = _drop_nested(
        pd.concat(found, ignore_index=True), inner="nhs_number", outer="phone"
    )
    value_hits, let_through = without_chance_matches(name, values, value_hits)
    rows = np.flatnonzero(np.isin(codes, value_hits["value"].unique()))
    cells = pd.DataFrame({"position": rows, "value": codes[rows]})
    return cells.merge(value_hits, on="value"), let_through


def _distinct(column: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Each row's value number, and the values: distinct ones unless nearly all are distinct.

    Encoding costs a hash of every cell, which pays only when values repeat; a sample
    says whether they do. (Arrow, not ``pd.factorize``: pandas hashes text only up to
    a NUL character, which would merge different cells.)
    """
    cells = as_text_array(column)
    sample = cells.slice(0, _SAMPLE)
    if len(sample) and pc.count_distinct(sample).as_py() > _MOSTLY_DISTINCT * len(sample):
        return np.arange(len(cells)), cells
    encoded = pc.dictionary_encode(cells)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return codes, encoded.dictionary


def _find(values: pa.Array, detectors: Sequence[Detector]) -> list[pd.DataFrame]:
    """Every detector's hits, searching only the values one of their prefilters passes."""
    if not detectors:
        return []
    candidates = passing(values, any_prefilter(detectors))
    if not len(candidates):
        return []
    subset = values.take(pa.array(candidates, type=pa.int64()))
    found = [detector.find(subset) for detector in detectors]
    return [hits.assign(value=candidates[hits["value"].to_numpy()]) for hits in found]


def _drop_nested(hits: pd.DataFrame, *, inner: str, outer: str) -> pd.DataFrame:
    """Without hits of kind ``inner`` lying inside a hit of kind ``outer`` in the same value.

    The ten digits after ``+44 (0)`` in a phone number pass the NHS check digit one
    time in eleven; the phone number is what was written.
    """
    inside, around = hits[hits["kind"] == inner], hits[hits["kind"] == outer]
    if inside.empty or around.empty:
        return hits
    pairs = inside.reset_index().merge(
        around[["value", "offset", "end"]], on="value", suffixes=("", "_outer")
    )
    nested = (pairs["offset"] >= pairs["offset_outer"]) & (pairs["end"] <= pairs["end_outer"])
    return hits.drop(index=pairs.loc[nested, "index"].drop_duplicates().tolist())


def _message(kind: str, column: str) -> str:
    return (
        f"{_WHAT[kind]} was found in column {column!r}. It must not leave the authority: "
        "remove it from this column in the export and run again."
    )


def _no_hits() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in HIT_COLUMNS})
