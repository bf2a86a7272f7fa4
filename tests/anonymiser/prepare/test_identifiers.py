"""Identifiers: Excel-damaged forms meet one pseudonym, and stray identifiers in kept text
stop the run at their row and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from anonymiser.prepare.disclosure import pseudonymised_columns
from anonymiser.synth import write_export
from keys import Pseudonymiser, RegionalKey, open_payload
from schemas import ReturnPeriod, get_schema
from schemas.fieldtypes.health import with_check_digits

AUTHORITY = "E06000015"
PERIOD = ReturnPeriod.parse("2026-Q2")
NHS_DAMAGE = ("{n}", "{n}.0", "{a} {b} {c}", "{a}-{b}-{c}", " {n} ", "{n}.00", "{a}{b} {c}")


def damaged(number: str) -> list[str]:
    """Every way a spreadsheet mangles one NHS number."""
    a, b, c = number[:3], number[3:6], number[6:]
    return [form.format(n=number, a=a, b=b, c=c) for form in NHS_DAMAGE]


def clean_export(folder: Path, return_type: str = "placements", rows: int = 60) -> pd.DataFrame:
    """A clean synthetic export (schema headers), read back as text for editing."""
    path = folder / f"{return_type}.csv"
    write_export(
        path,
        return_type=return_type,
        authority=AUTHORITY,
        rows=rows,
        seed=2026,  # the region's seed: its providers are on the officer's list
        period="2026-Q2",
        fmt="csv",
        mess=False,
    )
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def written(frame: pd.DataFrame, path: Path) -> Path:
    """The frame written as a CSV export."""
    frame.to_csv(path, index=False)
    return path


def payload(path: Path) -> pd.DataFrame:
    """The payload rows of a return file, as text."""
    with open_payload(path) as stream:
        return pd.read_csv(stream, dtype=str, keep_default_na=False)


def test_every_damaged_form_of_an_id_gets_one_pseudonym(
    cli, keyrings, tmp_path: Path, regional_key: RegionalKey
) -> None:
    """Spaces, dashes and a trailing .0 (from a number cell) meet one pseudonym."""
    frame = clean_export(tmp_path)
    number = str(frame.loc[0, "nhs_number"])
    forms = damaged(number)
    frame.loc[: len(forms) - 1, "nhs_number"] = forms
    frame.loc[: len(forms) - 1, "local_person_id"] = [
        "0012345", "0012345.0", "00 123 45", "00-123-45", " 0012345 ", "0012345.00", "0012 345",
    ]  # fmt: skip
    export = written(frame, tmp_path / "damaged.csv")
    output = tmp_path / "damaged.return"
    result = cli.invoke(
        "prepare", export, "--type", "placements", "--period", "2026-Q2", "--rehearsal",
        "--keyring", keyrings[AUTHORITY], "-o", output, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = payload(output).iloc[: len(forms)]
    expected = Pseudonymiser(regional_key)
    assert set(rows["nhs_number_pseudonym"]) == {expected.pseudonymise("nhs_number", number)}
    assert set(rows["local_person_id_pseudonym"]) == {
        expected.pseudonymise("local_person_id", "0012345")
    }


@settings(max_examples=60, deadline=None)
@given(body=st.integers(min_value=0, max_value=999_999_999))
def test_damaged_nhs_numbers_are_pseudonymised_alike_whatever_the_number(body: int) -> None:
    """For any valid NHS number, every damaged form validates and gives the same pseudonym."""
    number = int(with_check_digits(pd.Series([body]).to_numpy())[0])
    assume(number >= 0)  # some nine-digit stems have no valid check digit
    text = f"{number:010d}"
    schema = get_schema("placements")
    forms = damaged(text) + ([text[1:]] if text.startswith("0") else [])
    frame = pd.DataFrame({"nhs_number": forms}, index=range(2, 2 + len(forms)))
    parsed = schema.validate_frame(frame, rehearsal=True, period=PERIOD)
    assert not (parsed.problems["field"] == "nhs_number").any()
    pseudonymiser = Pseudonymiser(RegionalKey(1, b"\x07" * 32), workers=1)
    columns = pseudonymised_columns(schema, parsed.parsed, pseudonymiser)
    assert columns["nhs_number_pseudonym"].nunique() == 1


def _run(cli, keyrings, export: Path, return_type: str, output: Path):
    return cli.invoke(
        "prepare", export, "--type", return_type, "--period", "2026-Q2", "--rehearsal",
        "--keyring", keyrings[AUTHORITY], "-o", output, "--json",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("return_type", "field", "letter"),
    [("placements", "provider_name", "O"), ("supplier_spend", "service_area", "B")],
)
def test_an_nhs_number_in_kept_text_stops_the_run_at_its_cell(
    cli, keyrings, tmp_path: Path, return_type: str, field: str, letter: str
) -> None:
    """An NHS number typed into a kept text column is an error at its Excel row and column."""
    frame = clean_export(tmp_path, return_type)
    frame.loc[9, field] = "Respite, see NHS 943 476 5919"
    output = tmp_path / "planted.return"
    result = _run(cli, keyrings, written(frame, tmp_path / "planted.csv"), return_type, output)
    assert result.exit_code == 1
    document = cli.printed(result)
    assert document["error"]["kind"] == "StrayIdentifiers"
    hits = document["stray_identifiers"]
    assert [(h["row"], h["column"], h["kind"]) for h in hits] == [(11, letter, "nhs_number")]
    assert "5919" not in result.output
    assert not output.exists()
    assert [p.name for p in tmp_path.iterdir() if "planted." in p.name] == ["planted.csv"]


def test_the_text_report_names_the_cell_of_a_stray_identifier(
    cli, keyrings, tmp_path: Path
) -> None:
    """Without --json the officer reads the cell reference and the kind, never the value."""
    frame = clean_export(tmp_path)
    frame.loc[3, "provider_name"] = "Ask for 943 476 5919"
    export = written(frame, tmp_path / "planted.csv")
    result = cli.invoke(
        "prepare", export, "--type", "placements", "--period", "2026-Q2", "--rehearsal",
        "--keyring", keyrings[AUTHORITY], "-o", tmp_path / "x.return",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "O5" in result.stdout
    assert "nhs_number" in result.stdout
    assert "943 476 5919" not in result.output
    assert "9434765919" not in result.output


def test_identifiers_in_a_dropped_column_never_leave_and_do_not_stop_the_run(
    cli, keyrings, tmp_path: Path
) -> None:
    """Notes are dropped whole: an NHS number there is not scanned, and not in the return."""
    frame = clean_export(tmp_path)
    frame.loc[2, "notes"] = "Old NHS number 943 476 5919"
    frame["Social Worker"] = "Jane Doe-Smith"
    output = tmp_path / "dropped.return"
    result = _run(cli, keyrings, written(frame, tmp_path / "dropped.csv"), "placements", output)
    assert result.exit_code == 0, result.output
    payload_text = output.read_bytes().decode("utf-8")
    assert "5919" not in payload_text
    assert "Doe-Smith" not in payload_text
    unknown = cli.invoke("preview", output, "--keyring", keyrings[AUTHORITY], "--json")
    columns = cli.printed(unknown)["unknown_columns"]
    assert [(c["column"], c["header"]) for c in columns] == [("AC", "Social Worker")]


def test_private_individuals_are_redacted_and_listed_with_their_reason(
    cli, keyrings, tmp_path: Path
) -> None:
    """A supplier who is a person leaves as the marker; the preview says why, per name."""
    frame = clean_export(tmp_path, "supplier_spend")
    frame.loc[0, "supplier_name"] = "Mr J K S Patel"
    frame.loc[1, "supplier_name"] = "St Mary's Care Ltd"
    output = tmp_path / "spend.return"
    result = _run(cli, keyrings, written(frame, tmp_path / "spend.csv"), "supplier_spend", output)
    assert result.exit_code == 0, result.output
    assert "Patel" not in output.read_bytes().decode("utf-8")
    decided = cli.printed(cli.invoke("preview", output, "--keyring", keyrings[AUTHORITY], "--json"))
    individuals = {d["name"]: d["reason"] for d in decided["suppliers"]["individuals"]}
    assert individuals["Mr J K S Patel"] == "title: mr"
    assert "St Mary's Care Ltd" not in individuals


def test_ten_digit_transaction_numbers_are_references_not_nhs_numbers(
    cli, keyrings, tmp_path: Path
) -> None:
    """A finance system's ten-digit document numbers (one in eleven passes the NHS check
    digit) make a return; the preview says which column was let through and why."""
    frame = clean_export(tmp_path, "supplier_spend", rows=300)
    frame["transaction_number"] = [str(5_100_000_000 + 7_919 * i) for i in range(len(frame))]
    output = tmp_path / "spend.return"
    result = _run(cli, keyrings, written(frame, tmp_path / "spend.csv"), "supplier_spend", output)
    assert result.exit_code == 0, result.output
    shown = cli.invoke("preview", output, "--keyring", keyrings[AUTHORITY], "--json")
    [chance] = cli.printed(shown)["chance_matches"]
    assert (chance["field"], chance["kind"], chance["digits"]) == (
        "transaction_number", "nhs_number", 10
    )  # fmt: skip
    assert chance["references"] == len(frame)
    assert 0 < chance["passing"] < len(frame) / 4
    header = chance["header"]
    letter = chr(ord("A") + list(frame.columns).index("transaction_number"))
    assert chance["column"] == letter
    text = cli.invoke("preview", output, "--keyring", keyrings[AUTHORITY])
    assert "Identifier scan" in text.output
    assert "finance references" in text.output
    assert header in text.output


def test_a_spaced_nhs_number_among_transaction_numbers_still_stops_the_run(
    cli, keyrings, tmp_path: Path
) -> None:
    """References are never written 943 476 5919: among them, that is an NHS number."""
    frame = clean_export(tmp_path, "supplier_spend", rows=300)
    frame["transaction_number"] = [str(5_100_000_000 + 7_919 * i) for i in range(len(frame))]
    frame.loc[40, "transaction_number"] = "943 476 5919"
    output = tmp_path / "spend.return"
    result = _run(cli, keyrings, written(frame, tmp_path / "spend.csv"), "supplier_spend", output)
    assert result.exit_code == 1
    hits = cli.printed(result)["stray_identifiers"]
    assert [(h["row"], h["field"], h["kind"]) for h in hits] == [
        (42, "transaction_number", "nhs_number")
    ]  # fmt: skip
    assert not output.exists()
