"""Names from the file's own name columns are found again in the columns it keeps."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from faker import Faker

from anonymiser.scanning import scan
from anonymiser.scanning.names import words_of

ScanTexts = Callable[..., pd.DataFrame]
PEOPLE = pd.DataFrame(
    {
        "given_name": ["Mary", "Darren", "Jo", "Anne-Marie", None, "Li"],
        "family_name": ["Okonjo", "Green", "Ng", "O'Neil", "Kaboha", "Young"],
    }
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Respite for Mary Okonjo", ["M••• O•••"]),
        ("OKONJO, Mary moved to Birch Lodge", ["O••• M•••"]),
        ("Darren Green called", ["D••• G•••"]),
        ("Jo Ng", ["J••• N•••"]),
        ("anne-marie o\u2019neil (daughter)", ["A••• O•••"]),
        ("Mrs Green is unwell", ["M••• G•••"]),
        ("Okonjo said no", ["O•••"]),
        ("seen by Kaboha.", ["K•••"]),
        ("Mary Okonjo and Darren Green", ["M••• O•••", "D••• G•••"]),
    ],
)
def test_names_found(scan_texts: ScanTexts, text: str, masked: list[str]) -> None:
    """Full names (either order), a title with a family name and distinctive family names."""
    hits = scan_texts([text], names=PEOPLE)
    assert hits["kind"].eq("name").all()
    assert hits["masked"].tolist() == masked


@pytest.mark.parametrize(
    "text",
    [
        "Green Lane Care Ltd",
        "Young Carers Project",
        "Mary Street Nursing Home",
        "Ng",
        "Darren",
        "Young People's Centre",
        "Okonjos",
    ],
)
def test_ordinary_words_alone_are_not_names(scan_texts: ScanTexts, text: str) -> None:
    """Common-word, short or given names alone, and other words, are not hits."""
    assert scan_texts([text], names=PEOPLE).empty


def test_no_name_hits_without_name_columns(scan_texts: ScanTexts) -> None:
    """Without the file's names no text is taken for a name."""
    assert scan_texts(["Respite for Mary Okonjo"]).empty
    assert scan_texts(["Respite for Mary Okonjo"], names=pd.DataFrame({"x": [1]})).empty


def test_every_planted_faker_name_is_found(fake: Faker) -> None:
    """Among many generated people, each one written into a note is found there and nowhere else."""
    people = pd.DataFrame(
        {"given_name": [fake.first_name() for _ in range(2_000)],
         "family_name": [fake.last_name() for _ in range(2_000)]}
    )  # fmt: skip
    rng = np.random.default_rng(7)
    chosen = rng.choice(len(people), 50, replace=False)
    notes = ["Weekly rate agreed at £812.40", "Invoice INV-2024-000123"] * 100
    for place, person in enumerate(chosen):
        given, family = people.iloc[person]
        notes[place * 4] = f"Visit {given} {family} on Tuesday"
    hits = scan(pd.DataFrame({"notes": notes}), columns=["notes"], names=people)
    assert sorted(hits["row"]) == [place * 4 for place in range(50)]


def test_cells_are_split_into_exactly_their_words() -> None:
    """Every cell's words come out whole, with no white space left on the last one.

    pyarrow 26's ``utf8_split_whitespace`` now and then leaves trailing white space
    on the last word of an array, so a name ending a column was missed.
    """
    rng = np.random.default_rng(11)
    pieces = np.array(["Mary", "Okonjo's", "x" * 30, "\u00e9\u00e9", "", "\t", " ", "\u00a0"])
    for _ in range(3_000):
        cells = [" ".join(rng.choice(pieces, int(rng.integers(0, 7)))) for _ in range(12)]
        words, owners = words_of(pa.array(cells, type=pa.large_string()))
        found = [word for word in words.to_pylist() if word]
        assert found == [word.lower() for cell in cells for word in cell.split()]
        assert len(owners) == len(words)
