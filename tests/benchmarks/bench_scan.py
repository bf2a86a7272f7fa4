"""Benchmark the stray-identifier scan on 1,000,000 rows of realistic text in three columns.

The columns are as a supplier-spend or placements export keeps them: a provider
name (a few thousand distinct names, repeated), a free-text note (mostly distinct:
amounts, invoice numbers, CQC ids, Ofsted URNs, months) and a transaction number
(all distinct). About 0.1% of the cells get an identifier planted in a sentence,
every kind in turn (NHS number, NI number, postcode, email, phone, date, name
from the file's 100,000-person name columns), built with Faker (fixed seed).

Prints records/s (rows of three columns, and cells of one column), the recall on
the planted identifiers and the hits in unplanted cells, and writes them to
``tests/benchmarks/results/scan.json``. Target (issue 4): >= 100,000 records/s per
column.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from faker import Faker

from anonymiser.scanning import KINDS, NameIndex, scan
from anonymiser.scanning.scanner import DETECTORS, scan_column
from schemas import geography
from schemas.fieldtypes import with_check_digits

RESULTS = Path(__file__).resolve().parent / "results" / "scan.json"
COLUMNS = ("provider_name", "note", "transaction_number")
SEED = 20240401
PLACES = (
    "Acorn", "Beech", "Oak", "Riverside", "Meadow", "Highfield", "Millbrook", "Sunrise", "Willow",
    "Elm", "Cedar", "Holly", "Ivy", "Maple", "Rowan", "Hazel", "Birch", "Larch", "Fern", "Heather",
    "Primrose", "Bluebell", "Orchard", "Valley", "Grange", "Abbey",
)  # fmt: skip
BUILDINGS = ("Lodge", "House", "Court", "Manor", "View", "Gardens", "Place")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
TAILS = (
    "Care Ltd", "Nursing Home", "Healthcare Ltd", "Supported Living CIC", "Care Homes Ltd",
    "Trust", "Care Services Ltd", "Fostering Agency",
)  # fmt: skip
FIXED = ("229 Mitcham Lane Ltd", "Royal Mencap Society", "St Mary's Care Ltd", "A A GuestHouses")
SERVICES = ("Residential care", "Nursing care", "Home care", "Respite", "Supported living")
NOTES = (
    "{service} w/c {month} invoice {invoice} £{amount}",
    "Spot purchase, CQC location 1-{cqc}, {service}",
    "Agency placement, Ofsted URN {urn}, period {month}",
    "Block contract payment {month} net {plain}",
    "Top-up for {service}, provider GB-COH-{org}, £{amount}",
)


def providers() -> np.ndarray:
    """About 1,700 provider names in the shapes councils use."""
    made = [f"{p} {b} {t}" for p in PLACES for b in BUILDINGS for t in TAILS]
    return np.array(made + list(FIXED), dtype=object)


def people(rng: np.random.Generator, count: int) -> pd.DataFrame:
    """The file's own name columns: ``count`` people with en_GB first and last names."""
    from faker.providers.person.en_GB import Provider

    first = np.array([*Provider.first_names_male, *Provider.first_names_female], dtype=object)
    last = np.array(list(Provider.last_names), dtype=object)
    return pd.DataFrame(
        {"given_name": rng.choice(first, count), "family_name": rng.choice(last, count)}
    )


def text_frame(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    """Realistic text with no identifiers in it."""
    month = [f"2024-{m:02d}" for m in range(1, 13)]
    parts: dict[str, list[str] | np.ndarray] = {
        "service": rng.choice(SERVICES, rows),
        "month": rng.choice(month, rows),
        "invoice": rng.integers(1, 999_999, rows),
        "amount": [f"{a:,.2f}" for a in rng.uniform(500, 50_000, rows)],
        "plain": [f"{a:.2f}" for a in rng.uniform(500, 99_999_999, rows)],
        "cqc": rng.integers(100_000_000, 999_999_999, rows),
        "urn": [f"SC{u}" for u in rng.integers(100_000, 999_999, rows)],
        "org": [f"{o:08d}" for o in rng.integers(0, 99_999_999, rows)],
    }
    templates = rng.integers(0, len(NOTES), rows)
    notes = [
        NOTES[t].format(**{key: values[i] for key, values in parts.items()})
        for i, t in enumerate(templates.tolist())
    ]
    return pd.DataFrame(
        {
            "provider_name": rng.choice(providers(), rows),
            "note": notes,
            "transaction_number": [f"INV-2024-{i:06d}" for i in range(rows)],
        },
        index=pd.RangeIndex(2, rows + 2),  # Excel row numbers below a header
    )


def identifier(kind: str, fake: Faker, rng: np.random.Generator, names: pd.DataFrame) -> str:
    """A sentence carrying one identifier of ``kind``, written as people write them."""
    if kind == "nhs_number":
        number = str(with_check_digits(np.array([rng.integers(400_000_000, 999_999_999)]))[0])
        if number == "-1":
            return identifier(kind, fake, rng, names)
        shape = ["{}{}{}", "{} {} {}", "{}-{}-{}"][int(rng.integers(3))]
        return "Client NHS no " + shape.format(number[:3], number[3:6], number[6:]) + " moved"
    if kind == "ni_number":
        prefix = fake.random_element(["AB", "CE", "JR", "NE", "PW", "YZ"])
        return f"NI {prefix} {fake.numerify('## ## ##')} {fake.random_element('ABCD')} on file"
    if kind == "postcode":
        outward = fake.random_element(sorted(geography.OUTWARD_DISTRICTS))
        inward = f"{fake.random_digit()}{fake.lexify('??', letters=POSTCODE_LETTERS)}"
        return f"lives at {outward} {inward}"
    if kind == "email":
        return f"email {fake.email()} re invoice"
    if kind == "phone":
        number = fake.phone_number()
        national = "0" + "".join(filter(str.isdigit, number)).removeprefix("44").lstrip("0")
        # Faker's 08/09 numbers are businesses, and its 028/029 shapes have 10 digits, which
        # no UK number has: neither is a person's phone number the scan should find.
        if national.startswith(("08", "09")) or len(national) != 11:
            return identifier(kind, fake, rng, names)
        return f"call {number}"
    if kind == "date_of_birth":
        born = fake.date_of_birth(minimum_age=18, maximum_age=100)
        shape = fake.random_element(["%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%Y-%m-%d"])
        return f"DOB {born.strftime(shape)}"
    person = names.iloc[int(rng.integers(len(names)))]
    return f"Respite for {person['given_name']} {person['family_name']}"


def plant(frame: pd.DataFrame, names: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """Write identifiers into about ``share`` of the cells; the planted cells, with their kinds."""
    rng = np.random.default_rng(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    count = max(len(KINDS), round(len(frame) * share))
    positions = rng.choice(len(frame), count, replace=False)
    planted = pd.DataFrame(
        {
            "row": frame.index[positions],
            "column": rng.choice(COLUMNS, count),
            "kind": [KINDS[i % len(KINDS)] for i in range(count)],
        }
    )
    for cell in planted.itertuples():
        text = identifier(str(cell.kind), fake, rng, names)
        frame.loc[cell.row, str(cell.column)] = text
    return planted


def measure(frame: pd.DataFrame, names: pd.DataFrame, planted: pd.DataFrame) -> dict[str, Any]:
    """Time the scan of the three columns; recall on planted cells and hits elsewhere."""
    started = time.perf_counter()
    index = NameIndex.of(names)
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    hits = scan(frame, columns=COLUMNS, names=names)
    seconds = time.perf_counter() - started
    keys = ["row", "column", "kind"]
    found = planted.merge(hits[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    unplanted = hits.merge(
        planted[["row", "column"]], on=["row", "column"], how="left", indicator=True
    )
    recall_by_kind = found.assign(hit=found["_merge"] == "both").groupby("kind")["hit"].mean()
    return {
        "seconds": seconds,
        "name_index_seconds": index_seconds,
        "name_index_people": len(index.distinctive),
        "recall": float((found["_merge"] == "both").mean()),
        "recall_by_kind": {str(kind): round(float(v), 4) for kind, v in recall_by_kind.items()},
        "hits": len(hits),
        "hits_in_unplanted_cells": int((unplanted["_merge"] == "left_only").sum()),
    }


def per_column(frame: pd.DataFrame, names: pd.DataFrame) -> dict[str, int]:
    """Records/s of each column scanned on its own (the name index built beforehand)."""
    index = NameIndex.of(names)
    speeds = {}
    for column in COLUMNS:
        started = time.perf_counter()
        scan_column(frame[column], detectors=DETECTORS, names=index)
        speeds[column] = round(len(frame) / (time.perf_counter() - started))
    return speeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--share", type=float, default=0.001, help="share of rows planted")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    names = people(rng, args.people)
    frame = text_frame(rng, args.rows)
    planted = plant(frame, names, args.share, SEED)
    print(
        f"generated {args.rows:,} rows x {len(COLUMNS)} columns, {len(planted):,} planted "
        f"identifiers, {args.people:,} people, in {time.perf_counter() - started:.1f}s"
    )
    figures = measure(frame, names, planted)
    figures["per_column"] = per_column(frame, names)
    results = _results(args, len(planted), figures)
    print(
        f"scan: {figures['seconds']:.2f}s, {results['records_per_second']:,} records/s over "
        f"{len(COLUMNS)} columns; per column alone (records/s): {figures['per_column']}"
    )
    print(f"name index of {args.people:,} people: {figures['name_index_seconds']:.2f}s")
    print(f"recall on planted identifiers: {figures['recall']:.4f} {figures['recall_by_kind']}")
    print(f"hits: {figures['hits']:,}; in unplanted cells: {figures['hits_in_unplanted_cells']:,}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {RESULTS}")
    return 0


def _results(args: argparse.Namespace, planted: int, figures: dict[str, Any]) -> dict[str, Any]:
    rows_per_second = args.rows / figures["seconds"]
    return {
        "benchmark": "scan",
        "rows": args.rows,
        "columns": len(COLUMNS),
        "people": args.people,
        "planted": planted,
        "seconds": round(figures["seconds"], 3),
        "records_per_second": round(rows_per_second),
        "records_per_second_per_column": round(rows_per_second * len(COLUMNS)),
        "records_per_second_each_column_alone": figures["per_column"],
        "name_index_seconds": round(figures["name_index_seconds"], 3),
        "recall": round(figures["recall"], 4),
        "recall_by_kind": figures["recall_by_kind"],
        "hits": figures["hits"],
        "hits_in_unplanted_cells": figures["hits_in_unplanted_cells"],
        "targets": {"records_per_second_per_column": 100_000, "recall": 1.0},
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
    }


if __name__ == "__main__":
    raise SystemExit(main())
