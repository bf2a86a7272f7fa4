"""Telling suppliers who are private individuals from organisations, by name."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd
import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st

from anonymiser.errors import UnusableInput
from anonymiser.suppliers import SupplierLists, classify, load_supplier_lists

TESTS = Path(__file__).resolve().parents[2]
LABELS = TESTS / "anonymiser" / "data" / "lambeth_supplier_labels.csv"
LAMBETH = TESTS.parents[1] / "shared" / "data" / "real" / "lambeth-2011-01-supplier-totals.csv"

INDIVIDUALS = [
    "Mr J K S Patel",
    "Ms Andrea Garvey",
    "Veronique Kaboha",
    "Mrs A L Elder",
    "Dr K Nowak",
    "Mr & Mrs Charles Donkoh",
    "F E Bright",
    "N Hosanee (Roselands)",
    "P E Modile T/A Laglin House",
    "Edward Ofori- Afriye",
    "JOHN SMITH",
    "Natalie Price",
    "Darren Hall",
    "Dr C Marshall",
    "Véronique Kabohá",
]
ORGANISATIONS = [
    "St Mary's Care Ltd",
    "Royal Mencap Society",
    "A A GuestHouses",
    "229 Mitcham Lane Ltd",
    "229 Mitcham Lane",
    "Carr-Gomm Society Limited",
    "Future Health & Social Care Association C.I.C",
    "Age Concern",
    "G M B ",
    "Sir Frederick Snow & Partners Ltd",
    "Kartikeya Solutions Limited t/a Unique Children Home",
    "",
]


def verdicts(names: list[str]) -> list[bool]:
    return classify(pd.Series(names)).loc[:, "is_individual"].tolist()


@pytest.mark.parametrize("name", INDIVIDUALS)
def test_individuals(name: str) -> None:
    """Titles, initials and bare first-and-last names are private individuals."""
    assert verdicts([name]) == [True]


@pytest.mark.parametrize("name", ORGANISATIONS)
def test_organisations(name: str) -> None:
    """Legal forms, numbers, organisation words and common words mark organisations."""
    assert verdicts([name]) == [False]


#: Organisations that read like two or three names, each with the sign that gives it away.
SIGNS_OF_ORGANISATIONS = {
    "Croydon Mencap": "organisation word: mencap",
    "Morgan Executive": "organisation word: executive",
    "Blake Morgan Solicitors": "organisation word: solicitors",
    "Blake Morgan Solictors": "organisation word, misspelt: solictors for solicitors",
    "Harlow Acountants": "organisation word, misspelt: acountants for accountants",
    "Rowan Conusltancy": "organisation word, misspelt: conusltancy for consultancy",
    "George Brown's": "a possessive ('s): a business's name",
    "GEORGE BROWN'S": "a possessive ('s): a business's name",
    "Hackney Playlink": "place name: hackney",
    "Playlink Hackney": "place name: hackney",
    "Tower Hamlets Befrienders": "place name: tower hamlets",
    "Brixton Playzone": "place name: brixton",
    "Mount Tabor": "place name: mount tabor",
    "Port Meirion": "place name: port meirion",
    "Brightwell Psg": "acronym: PSG",
    "ORVANE DHM": "acronym: DHM",
}

#: People whose names hold a place, a place-like word or a short word: still people.
PEOPLE_WITH_PLACE_LIKE_NAMES = [
    "Mr J K S Patel",
    "Ms Andrea Garvey",
    "Veronique Kaboha",
    "Sarah Croft",
    "John Port",
    "Stuart Mount",
    "Mount Stuart",
    "Emma Kent",
    "Kelly Lambeth",
    "Lambeth Kelly",
    "Tesfaye Wakefield",
    "Wendy Ng",
    "Ros Ng",
    "Priya Psg",
    "Gillian Chambers",
    "Mary Power",
    "Aoife O'Sullivan",
]


@pytest.mark.parametrize(("name", "reason"), SIGNS_OF_ORGANISATIONS.items())
def test_signs_of_an_organisation(name: str, reason: str) -> None:
    """A place, an acronym, a charity, a misspelt trade or a possessive marks an organisation."""
    result = classify(pd.Series([name]))
    assert result["is_individual"].tolist() == [False]
    assert result["reason"].tolist() == [reason]


@pytest.mark.parametrize("name", PEOPLE_WITH_PLACE_LIKE_NAMES)
def test_place_like_surnames_stay_people(name: str) -> None:
    """A place word beside a known name, or a place that is a common surname, is a person."""
    assert verdicts([name]) == [True]


@pytest.mark.parametrize(
    "locale", ["en_GB", "en_IE", "fr_FR", "pl_PL", "pt_PT", "yo_NG", "tw_GH", "en_IN", "tr_TR"]
)
def test_signs_of_an_organisation_never_fire_beside_a_known_name(locale: str) -> None:
    """A place or an acronym beside any of Faker's given names, in either order, is no sign."""
    fake = Faker(locale)
    fake.seed_instance(21)
    given = [fake.first_name() for _ in range(200)]
    names = [f"{name} {sign}" for name in given for sign in ("Lambeth", "Hackney", "Psg")]
    names += [f"{sign} {name}" for name in given for sign in ("Lambeth", "Brixton")]
    names += [f"{name} {fake.last_name()}" for name in given]
    names += [name.upper() for name in names]
    reasons = classify(pd.Series(names))["reason"]
    signs = reasons.str.startswith(("place name", "acronym", "organisation word, misspelt"))
    assert not signs.any(), reasons[signs]


@pytest.mark.parametrize("name", ["Michał Kowalski", "ŁUKASZ NOWAK", "Ayşe Yılmaz", "Søren Lund"])
def test_letters_that_keep_no_accent_are_read_as_plain_letters(name: str) -> None:
    """Polish, Turkish and Nordic letters do not hide a person's name from the rules."""
    assert verdicts([name]) == [True]


def test_reasons_say_which_rule_decided() -> None:
    """Each verdict carries the rule that made it."""
    names = pd.Series(["Mr J K S Patel", "229 Mitcham Lane", "Royal Mencap Society", "Oak Ltd"])
    reasons = classify(names)["reason"].tolist()
    assert reasons == [
        "title: mr",
        "contains a number",
        "organisation word: royal",
        "legal form: ltd",
    ]


def test_result_keeps_the_index_and_handles_missing_names() -> None:
    """The result lines up with the input's index; missing names are not individuals."""
    names = pd.Series(["Ms Andrea Garvey", None, float("nan")], index=[7, 9, 12])
    result = classify(names)
    assert list(result.index) == [7, 9, 12]
    assert result["is_individual"].tolist() == [True, False, False]
    assert list(result.columns) == ["is_individual", "reason"]


def test_faker_people_are_individuals() -> None:
    """Names Faker makes for people in England are classed as individuals."""
    fake = Faker("en_GB")
    fake.seed_instance(11)
    names = [f"{fake.first_name()} {fake.last_name()}" for _ in range(200)]
    names += [f"{fake.prefix()} {fake.first_name()[0]} {fake.last_name()}" for _ in range(50)]
    assert all(verdicts(names))


def test_faker_companies_with_legal_forms_are_organisations() -> None:
    """Company names with a legal form are never classed as individuals."""
    fake = Faker("en_GB")
    fake.seed_instance(12)
    names = [f"{fake.last_name()} {fake.random_element(['Ltd', 'LLP', 'PLC'])}" for _ in range(100)]
    assert not any(verdicts(names))


@given(st.lists(st.text(max_size=40), max_size=30))
def test_any_text_gets_a_verdict_and_a_reason(names: list[str]) -> None:
    """Every name, however odd, gets a boolean verdict and a non-empty reason."""
    result = classify(pd.Series(names, dtype=object))
    assert len(result) == len(names)
    assert result["is_individual"].dtype == bool
    assert result["reason"].map(bool).all()


def test_authority_lists_override_the_rules(tmp_path: Path) -> None:
    """Names the authority has confirmed win over the rules, ignoring case and spacing."""
    path = tmp_path / "suppliers.toml"
    path.write_text(
        'individuals = ["Sunshine  Cleaning"]\norganisations = ["leighton goldhill"]\n',
        encoding="utf-8",
    )
    lists = load_supplier_lists(path)
    result = classify(pd.Series(["Sunshine Cleaning", "Leighton Goldhill"]), lists=lists)
    assert result["is_individual"].tolist() == [True, False]
    assert SupplierLists.of(["A B"]).individuals == frozenset({"a b"})


def test_malformed_supplier_list(tmp_path: Path) -> None:
    """A supplier list that is not TOML lists is refused with what to write."""
    path = tmp_path / "suppliers.toml"
    path.write_text("individuals = 'one'\n", encoding="utf-8")
    with pytest.raises(UnusableInput, match="are lists"):
        load_supplier_lists(path)


def test_lambeth_labels_no_individual_missed() -> None:
    """Against hand labels of the real Lambeth file: every individual found, few false alarms."""
    with LAMBETH.open(encoding="utf-8", newline="") as stream:
        names = [row[0] for row in csv.reader(stream)][1:]
    labels = pd.read_csv(LABELS)
    digests = [hashlib.sha256(name.encode("utf-8")).hexdigest() for name in names]
    assert digests == labels["name_sha256"].tolist()
    truth = labels["label"].eq("individual").to_numpy()
    found = classify(pd.Series(names))["is_individual"].to_numpy()
    recall = (found & truth).sum() / truth.sum()
    precision = (found & truth).sum() / found.sum()
    assert recall == 1.0
    assert precision >= 0.85


#: People in the shapes finance exports write them in, each with the rule that finds them.
PEOPLE_AS_EXPORTS_WRITE_THEM = {
    "Darren TRELAWNEY": "a first name and a surname",
    "TRELAWNEY Darren": "a surname and a first name",
    "Darren LEE": "a first name and a surname",
    "Brackwater Natalie": "a surname and a first name",
    "JK Patel": "initials run together and a surname",
    "JKS Patel": "initials run together and a surname",
    "Patel JK": "initials run together and a surname",
    "Patel J.K.": "initials run together and a surname",
    "Wendy NG": "initials run together and a surname",
    "KB Hall": "initials run together and a surname",
    "J.K. Patel": "initials and a surname",
    "Che Field": "a given name (any country) and a surname",
    "Tejas More": "a given name (any country) and a surname",
    "Per Hedstrom": "every word a given name or surname",
    "Femke van der Zwaluw": "two or three capitalised names",
    "VAN DER ZWALUW FEMKE": "two or three capitalised names",
    "Ravi da Costa": "two or three capitalised names",
    "Erich Quastwitz II": "two or three capitalised names",
    "Klaus-D. Quastwitz": "two or three capitalised names",
    "ObaniJesu Adeyoola": "two or three capitalised names",
    "Kwabena Akyerɛko": "two or three capitalised names",
    "Shelby Hall": "two or three capitalised names",
}


@pytest.mark.parametrize(("name", "reason"), PEOPLE_AS_EXPORTS_WRITE_THEM.items())
def test_people_in_the_shapes_finance_exports_use(name: str, reason: str) -> None:
    """Capital surnames, surname first, run-together initials, particles: still people."""
    result = classify(pd.Series([name]))
    assert result["is_individual"].tolist() == [True]
    assert result["reason"].tolist() == [reason]


#: Organisations in capitals or with short capitals that must not be read as people.
ORGANISATIONS_IN_CAPITALS = {
    "ARVAL PHH": "acronym: PHH",
    "BRITISH GAS": "organisation word: british",
    "KPMG LLP": "legal form: llp",
    "ISS Brackwater": "no sign of a person's name",
    "QXT Openvane": "no sign of a person's name",
    "KPMG Advisory": "no sign of a person's name",
    "Tinyfoot Dreams": "a common word in the plural: dreams",
    "Hayes Court": "organisation word: court",
    "Baby Room": "no sign of a person's name",
    "Pinnacle PSG": "no sign of a person's name",
}


@pytest.mark.parametrize(("name", "reason"), ORGANISATIONS_IN_CAPITALS.items())
def test_capitals_and_acronyms_alone_do_not_make_a_person(name: str, reason: str) -> None:
    """An all-capitals name, an acronym or a plural trade word beside no name is kept."""
    result = classify(pd.Series([name]))
    assert result["is_individual"].tolist() == [False]
    assert result["reason"].tolist() == [reason]


@pytest.mark.parametrize("locale", ["en_GB", "nl_NL", "pt_BR", "sv_SE", "tr_TR", "tw_GH"])
def test_faker_people_in_either_order_and_in_capitals_are_individuals(locale: str) -> None:
    """Faker's people, given name or surname first, in capitals or not, are redacted."""
    fake = Faker(locale)
    fake.seed_instance(31)
    pairs = [(fake.first_name(), fake.last_name()) for _ in range(150)]
    names = [f"{given} {surname}" for given, surname in pairs]
    names += [f"{surname} {given}" for given, surname in pairs]
    names += [f"{given} {surname.upper()}" for given, surname in pairs]
    names += [name.upper() for name in names]
    result = classify(pd.Series(names))
    kept = result.loc[~result["is_individual"]]
    # A few given names or surnames are organisation words ("Hall", "Montessori").
    assert len(kept) <= len(names) // 100, kept
