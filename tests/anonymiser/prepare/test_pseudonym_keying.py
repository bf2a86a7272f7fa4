"""Pseudonyms keyed in a forked child while the other steps run: always exactly the
pseudonyms :class:`keys.Pseudonymiser` gives the parsed values, whatever the child saw."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from anonymiser.prepare import pseudonyms
from anonymiser.prepare.pseudonyms import PseudonymKeying, keyed_identifiers
from keys import Pseudonymiser, RegionalKey, open_payload
from keys.normalise import normalise_identifier

KEY = RegionalKey(3, bytes(range(32)))
FIELDS = {"ref": "placement", "person": "local_person_id", "nhs": "nhs_number"}

#: Raw cells as exports hold them, and a parsed form that is not always the normalised one.
RAW = {
    "ref": ["LCC-PL1", "lcc-pl2", "LCCPL1", "", "PL 3", "ＰＬ４", "'PL5", "PL6.0", "A/B_1", "-"],
    "person": ["p1", "P1", "p-1", "p2", " p3 ", "", "P4", "p5", "00123", "x"],
    "nhs": ["9434765919", "943 476 5919", "434765918", "", "0434765918", "943-476-5919",
            "9434765919.0", "1", "12345678901", "943476591"],
}  # fmt: skip
PARSED = {
    "ref": ["LCCPL1", "LCCPL2", "LCCPL1", None, "PL3", "PL4", "PL5", "PL6", "A/B_1", None],
    "person": ["P1", "P1", "P1", "P2", "P3", None, "p4", "P5.0", "00123", "X"],
    "nhs": ["9434765919", "9434765919", "434765918", None, "0434765918", "9434765919",
            "9434765919", "1", "12345678901", "0943476591"],
}  # fmt: skip


def frames(rows: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The raw and parsed frames, each row of the tables above repeated ``rows`` times."""
    index = pd.RangeIndex(2, 2 + len(RAW["ref"]) * rows, name="row")
    raw = pd.DataFrame({k: np.array(v * rows, dtype=object) for k, v in RAW.items()}, index)
    parsed = pd.DataFrame({k: np.array(v * rows, dtype=object) for k, v in PARSED.items()}, index)
    return raw, parsed


def expected(parsed: pd.DataFrame) -> dict[str, list[str | None]]:
    """What the pseudonymiser itself gives each parsed column."""
    pseudonymiser = Pseudonymiser(KEY, workers=1)
    return {
        name: list(pseudonymiser.pseudonymise_many(domain, parsed[name].to_numpy(dtype=object)))
        for name, domain in FIELDS.items()
    }


def keyed(raw: pd.DataFrame, parsed: pd.DataFrame, **start: int) -> tuple[dict, PseudonymKeying]:
    with PseudonymKeying(Pseudonymiser(KEY, workers=1), FIELDS) as keying:
        forked = keying.start(raw, **start)
        keying.hold(parsed)
        columns = keying.columns(parsed.index)
    values = {name: [None if pd.isna(v) else v for v in column] for name, column in columns.items()}
    assert all(column.index.equals(parsed.index) for column in columns.values())
    return values | {"forked": forked}, keying


def test_the_childs_pseudonyms_are_the_pseudonymisers_own() -> None:
    raw, parsed = frames(rows=3)
    values, keying = keyed(raw, parsed, min_rows=0)
    assert values.pop("forked") is True
    assert keying.received == list(FIELDS)  # every column came from the child
    assert values == expected(parsed)
    assert values["ref"][0] == values["ref"][2]
    assert values["ref"][3] is None


def test_without_a_child_the_pseudonyms_are_the_same() -> None:
    raw, parsed = frames(rows=3)
    values, keying = keyed(raw, parsed, min_rows=len(raw) + 1)
    assert values.pop("forked") is False
    assert keying.received == []
    assert values == expected(parsed)


def test_a_child_that_fails_is_replaced_by_keying_here() -> None:
    raw, parsed = frames(rows=2)
    raw["person"] = [[value] for value in raw["person"]]  # unhashable: the child fails
    pseudonymiser = Pseudonymiser(KEY, workers=1)
    with PseudonymKeying(pseudonymiser, FIELDS) as keying:
        assert keying.start(raw, min_rows=0)
        keying.hold(parsed)
        columns = keying.columns(parsed.index)
    assert keying.received == ["ref"]  # what came before the failure is still used
    got = {name: [None if pd.isna(v) else v for v in c] for name, c in columns.items()}
    assert got == expected(parsed)


def test_leaving_early_ends_the_child() -> None:
    raw, _ = frames(rows=2000)
    with PseudonymKeying(Pseudonymiser(KEY, workers=1), FIELDS) as keying:
        assert keying.start(raw, min_rows=0)
        process = keying._process
    assert not process.is_alive()
    assert process.exitcode is not None


@pytest.mark.parametrize("domain", ["placement", "local_person_id", "nhs_number"])
def test_the_child_keys_every_normalised_identifier_once(domain: str) -> None:
    values = [*RAW["ref"], *RAW["person"], *RAW["nhs"], None, float("nan"), "ab-", "123456789"]
    identifiers, lengths, texts, codes = keyed_identifiers(KEY, domain, values)
    sizes = np.frombuffer(lengths, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    keys = [identifiers[a:b].decode() for a, b in itertools.pairwise(starts)]
    normalised = [normalise_identifier(domain, value) for value in values]
    assert keys == list(dict.fromkeys(n for n in normalised if n is not None))
    rows = np.frombuffer(codes, dtype=np.int32)
    assert [keys[c] if c >= 0 else None for c in rows] == normalised
    texts = bytes(texts)
    width = len(texts) // len(keys)
    made = [texts[i * width : (i + 1) * width].decode() for i in range(len(keys))]
    assert made == Pseudonymiser(KEY, workers=1).pseudonymise_many(domain, keys)


@pytest.mark.parametrize("domain", ["placement", "nhs_number"])
def test_the_whole_column_normalisation_matches_the_specification(domain: str) -> None:
    values = ["ab-12", "AB12", "", "-", "123456789", "0123456789", "12-345-6789", "x-y-z", "Q"]
    bulk = pseudonyms._normalised_in_bulk(domain, values)
    assert bulk == [normalise_identifier(domain, value) for value in values]
    assert pseudonyms._normalised_in_bulk(domain, ["ab 12"]) is None  # spaces: each value
    assert pseudonyms._normalised_in_bulk(domain, ["a\nb", "c"]) is None
    assert pseudonyms._normalised_in_bulk(domain, ["a", None]) is None


def test_hex_pseudonyms_have_the_documented_form() -> None:
    [text] = Pseudonymiser(KEY, workers=1).pseudonymise_many("placement", ["X1"])
    _, _, made, _ = keyed_identifiers(KEY, "placement", ["X1"])
    assert bytes(made).decode() == text
    assert text.startswith("v3:")
    assert len(text) == 67


def test_a_return_is_the_same_with_or_without_the_child(
    cli, keyrings, region, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole run: the payload is byte for byte the same either way."""
    export = region.export("E10000018")
    made = {}
    forked: list[bool] = []
    start = PseudonymKeying.start

    def noted_start(self: PseudonymKeying, raw: pd.DataFrame, **options: int) -> bool:
        forked.append(start(self, raw, **options))
        return forked[-1]

    monkeypatch.setattr(PseudonymKeying, "start", noted_start)
    for name, threshold in (("child", 0), ("here", 10**9)):
        monkeypatch.setattr(pseudonyms, "CHILD_MIN_ROWS", threshold)
        monkeypatch.setenv("ANONYMISER_LEDGER", str(tmp_path / name / "ledger.json"))
        output = tmp_path / f"{name}.return"
        result = cli.prepare(export, keyrings[export.authority], output)
        assert result.exit_code == 0, result.output
        assert "Pseudonymising identifiers" in cli.printed(result)["timings"]
        with open_payload(output) as stream:
            made[name] = stream.read()
    assert forked == [True, False]
    assert made["child"] == made["here"]
    header, first = made["child"].decode().splitlines()[:2]
    row = dict(zip(header.split(","), first.split(","), strict=True))
    assert row["placement_ref_pseudonym"].startswith("v1:")


def test_a_column_without_identifiers_keys_nothing() -> None:
    for values in ([], [None, "", "-"]):
        identifiers, lengths, texts, codes = keyed_identifiers(KEY, "placement", values)
        assert (identifiers, lengths, bytes(texts)) == (b"", b"", b"")
        assert list(np.frombuffer(codes, dtype=np.int32)) == [-1] * len(values)
