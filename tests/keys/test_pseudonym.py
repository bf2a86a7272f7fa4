"""Pseudonyms: keyed, domain-separated, versioned, and immune to Excel damage."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from keys import (
    DOMAINS,
    PSEUDONYM_PATTERN,
    Pseudonymiser,
    RegionalKey,
    WorkerPool,
    normalise_identifier,
    pseudonym_version,
    rekey_mapping,
)
from keys.errors import UnknownDomain

KEY_V1 = RegionalKey(1, hashlib.sha256(b"tests/keys/regional-v1").digest())
KEY_V2 = RegionalKey(2, hashlib.sha256(b"tests/keys/regional-v2").digest())

nhs_numbers = st.from_regex(r"[0-9]{10}", fullmatch=True)
local_ids = st.from_regex(r"[A-Z]{0,3}[0-9]{1,8}", fullmatch=True)


def _insert(text: str, position: int, extra: str) -> str:
    at = position % (len(text) + 1)
    return text[:at] + extra + text[at:]


# Each damage takes (identifier, random int) and returns a damaged spelling of it.
DAMAGE = {
    "space": lambda v, n: _insert(v, n, " "),
    "dash": lambda v, n: _insert(v, n, "-"),
    "en dash": lambda v, n: _insert(v, n, "\u2013"),
    "no-break space": lambda v, n: _insert(v, n, "\u00a0"),
    "padding": lambda v, n: " " * (n % 3) + v + "\t" * (n % 2) + " ",
    "excel decimal": lambda v, n: v + ".0" if v.isdigit() else v,
    "lower case": lambda v, n: v.lower(),
    "apostrophe": lambda v, n: "'" + v,
    "full width": lambda v, n: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in v),
}


def damaged(identifier: str, draw_damage: list[tuple[str, int]]) -> str:
    text = identifier
    for name, n in draw_damage:
        text = DAMAGE[name](text, n)
    return text


damage_steps = st.lists(st.tuples(st.sampled_from(sorted(DAMAGE)), st.integers(0, 20)), max_size=5)


def test_a_pseudonym_is_the_specified_hmac() -> None:
    """v<N>: + HMAC-SHA256(key, prefix + domain + NUL + normalised identifier), in hex."""
    expected = hmac.new(
        KEY_V1.secret, b"regional-exchange/pseudonym/v1/nhs_number\x00" + b"0123456789", "sha256"
    ).hexdigest()
    assert Pseudonymiser(KEY_V1).pseudonymise("nhs_number", "123456789") == f"v1:{expected}"


@given(nhs_numbers)
def test_pseudonyms_are_deterministic_per_key_version(nhs: str) -> None:
    """The same identifier under the same key gives the same well-formed pseudonym."""
    first = Pseudonymiser(KEY_V1).pseudonymise("nhs_number", nhs)
    again = Pseudonymiser(RegionalKey(1, KEY_V1.secret)).pseudonymise("nhs_number", nhs)
    assert first == again
    assert first is not None
    assert PSEUDONYM_PATTERN.fullmatch(first)
    assert pseudonym_version(first) == 1


@given(local_ids)
def test_pseudonyms_differ_across_domains(identifier: str) -> None:
    """The same string as an NHS number, a local person id and a placement differs."""
    made = {Pseudonymiser(KEY_V1).pseudonymise(d, identifier) for d in DOMAINS}
    assert len(made) == len(DOMAINS)


@given(nhs_numbers)
def test_pseudonyms_differ_across_key_versions(nhs: str) -> None:
    """Two key versions give different pseudonyms, in the tag and in the digest."""
    one = Pseudonymiser(KEY_V1).pseudonymise("nhs_number", nhs)
    two = Pseudonymiser(KEY_V2).pseudonymise("nhs_number", nhs)
    assert one is not None
    assert two is not None
    assert (one[:3], two[:3]) == ("v1:", "v2:")
    assert one[3:] != two[3:]


@given(nhs_numbers, damage_steps)
def test_every_excel_damaged_nhs_number_gets_the_same_pseudonym(nhs: str, steps) -> None:
    """Spaces, dashes, .0, padding, full-width digits: one person, one pseudonym."""
    pseudonymiser = Pseudonymiser(KEY_V1)
    clean = pseudonymiser.pseudonymise("nhs_number", nhs)
    assert pseudonymiser.pseudonymise("nhs_number", damaged(nhs, steps)) == clean


@given(st.from_regex(r"0[1-9][0-9]{8}", fullmatch=True))
def test_an_nhs_number_that_lost_its_leading_zero_keeps_its_pseudonym(nhs: str) -> None:
    """Excel turning 0123456789 into the number 123456789(.0) changes nothing (9 digits pad)."""
    pseudonymiser = Pseudonymiser(KEY_V1)
    clean = pseudonymiser.pseudonymise("nhs_number", nhs)
    as_number = int(nhs)
    for form in (as_number, float(as_number), str(as_number), f"{as_number}.0"):
        assert pseudonymiser.pseudonymise("nhs_number", form) == clean


@given(local_ids, damage_steps)
def test_every_excel_damaged_local_id_gets_the_same_pseudonym(identifier: str, steps) -> None:
    """Local person ids survive the same damage, lower case included."""
    pseudonymiser = Pseudonymiser(KEY_V1)
    clean = pseudonymiser.pseudonymise("local_person_id", identifier)
    damaged_form = damaged(identifier, steps)
    assert pseudonymiser.pseudonymise("local_person_id", damaged_form) == clean


@given(nhs_numbers)
def test_a_pseudonym_is_never_a_plain_hash(nhs: str) -> None:
    """No unkeyed hash of the identifier (as written or with its domain) is the pseudonym."""
    pseudonym = Pseudonymiser(KEY_V1).pseudonymise("nhs_number", nhs)
    assert pseudonym is not None
    digest = pseudonym.split(":", 1)[1]
    plain = {
        hashlib.sha256(nhs.encode()).hexdigest(),
        hashlib.sha256(b"nhs_number" + nhs.encode()).hexdigest(),
        hashlib.sha256(b"regional-exchange/pseudonym/v1/nhs_number\x00" + nhs.encode()).hexdigest(),
    }
    assert digest not in plain


@pytest.mark.parametrize(
    ("domain", "value", "normalised"),
    [
        ("nhs_number", "943 476 5919", "9434765919"),
        ("nhs_number", "943-476-5919", "9434765919"),
        ("nhs_number", "9434765919.0", "9434765919"),
        ("nhs_number", 9434765919.0, "9434765919"),
        ("nhs_number", np.int64(9434765919), "9434765919"),
        ("nhs_number", "123456789", "0123456789"),
        ("nhs_number", "'0123456789", "0123456789"),
        (
            "nhs_number",
            "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",
            "0123456789",
        ),
        ("local_person_id", " ab-123 ", "AB123"),
        ("local_person_id", "00123", "00123"),
        ("local_person_id", "12.0", "12"),
        ("local_person_id", "AB.0", "AB.0"),
        ("placement", "pl/2024/0001", "PL/2024/0001"),
        ("placement", None, None),
        ("placement", float("nan"), None),
        ("placement", pd.NA, None),
        ("placement", " - ", None),
    ],
)
def test_normalisation_examples(domain: str, value: object, normalised: str | None) -> None:
    """The normalisation table in keys/normalise.py and docs/keys.md, example by example."""
    assert normalise_identifier(domain, value) == normalised


def test_an_unknown_domain_is_refused() -> None:
    """Only the specified domains can be pseudonymised."""
    with pytest.raises(UnknownDomain):
        Pseudonymiser(KEY_V1).pseudonymise("postcode", "DE1 1AA")
    with pytest.raises(UnknownDomain):
        Pseudonymiser(KEY_V1).pseudonymise_many("postcode", ["DE1 1AA"])


def test_batches_keep_their_shape_and_missing_values() -> None:
    """A list gives a list, an array an array, a Series a Series with the same index."""
    values = ["943 476 5919", None, "9434765919", float("nan"), ""]
    one = Pseudonymiser(KEY_V1).pseudonymise("nhs_number", "9434765919")
    expected = [one, None, one, None, None]
    pseudonymiser = Pseudonymiser(KEY_V1)
    assert pseudonymiser.pseudonymise_many("nhs_number", values) == expected
    array = pseudonymiser.pseudonymise_many("nhs_number", np.array(values, dtype=object))
    assert isinstance(array, np.ndarray)
    assert list(array) == expected
    series = pd.Series(values, index=[10, 11, 12, 13, 14], name="nhs_number")
    result = pseudonymiser.pseudonymise_many("nhs_number", series)
    assert list(result.index) == [10, 11, 12, 13, 14]
    assert list(result) == expected


def test_large_batches_on_several_processes_match_one_by_one() -> None:
    """Splitting a big batch across processes gives exactly the single-process answer."""
    fake = Faker("en_GB")
    fake.seed_instance(3)
    values = [fake.numerify("##########") for _ in range(60_000)] + [None]
    parallel = Pseudonymiser(KEY_V1, workers=2).pseudonymise_many("nhs_number", values)
    serial = Pseudonymiser(KEY_V1, workers=1).pseudonymise_many("nhs_number", values)
    assert parallel == serial
    assert parallel[123] == Pseudonymiser(KEY_V1).pseudonymise("nhs_number", values[123])


@pytest.mark.parametrize("workers", [0, 1, 2])
@pytest.mark.parametrize("repeats", [1, 40])
def test_batches_started_in_a_worker_pool_match_one_by_one(workers: int, repeats: int) -> None:
    """start_many, from Arrow text (nearly all distinct, or repeating) or objects, in 0-2
    real worker processes: the same pseudonyms as one at a time, missing values kept."""
    fake = Faker("en_GB")
    fake.seed_instance(repeats)
    distinct = [fake.bothify("PL-######??") for _ in range(60_000 // repeats)]
    values: list[str | None] = [distinct[i % len(distinct)] for i in range(60_000)]
    values[7] = values[59_999] = None
    index = pd.RangeIndex(5, 5 + len(values))
    arrow = pd.Series(values, index=index, dtype=pd.ArrowDtype(pa.string()))
    objects = pd.Series(values, index=index, dtype=object)
    pseudonymiser = Pseudonymiser(KEY_V1)
    expected = [pseudonymiser.pseudonymise("placement", v) for v in values[:50]]
    with WorkerPool(workers) as pool:
        started = pseudonymiser.start_many(
            {"a": ("placement", arrow), "o": ("placement", objects)}, pool
        )
        as_arrow = started.arrow_result()
        as_python = started.result()
    assert as_arrow["a"].to_pylist()[:50] == expected
    assert as_arrow["a"].to_pylist() == as_arrow["o"].to_pylist()
    assert list(as_python["o"]) == as_arrow["a"].to_pylist()
    assert list(as_python["o"].index) == list(index)
    assert as_arrow["a"][7].as_py() is None
    assert as_python["a"][59_999 + 5] is None


@settings(max_examples=25)
@given(st.lists(nhs_numbers, min_size=1, max_size=30))
def test_rekeying_maps_pseudonyms_and_carries_no_identifier(identifiers: list[str]) -> None:
    """The old-to-new mapping pairs each old pseudonym with its new one, and nothing else."""
    mapping = rekey_mapping(KEY_V1, KEY_V2, "nhs_number", identifiers)
    old, new = Pseudonymiser(KEY_V1), Pseudonymiser(KEY_V2)
    assert mapping == {
        old.pseudonymise("nhs_number", i): new.pseudonymise("nhs_number", i) for i in identifiers
    }
    text = repr(mapping)
    assert not any(i in text for i in identifiers)


def test_rekeying_needs_a_newer_version() -> None:
    """Re-keying to the same or an older version is refused."""
    with pytest.raises(ValueError, match="higher version"):
        rekey_mapping(KEY_V2, KEY_V1, "nhs_number", ["9434765919"])


def test_a_regional_key_never_shows_its_secret() -> None:
    """The key's repr and check value do not reveal the secret."""
    assert KEY_V1.secret.hex() not in repr(KEY_V1)
    assert KEY_V1.secret.hex()[:12] not in KEY_V1.check_value()
    assert KEY_V1.check_value().startswith("v1:")
