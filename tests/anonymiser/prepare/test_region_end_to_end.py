"""End to end on the synthetic region: every authority's exports prepared, then previewed,
with no direct identifier from the raw export anywhere in what is written or shown."""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from anonymiser.reading import read_return
from keys import Pseudonymiser, RegionalKey, normalise_identifier
from schemas import ReturnPeriod, get_schema

TYPES = ("placements", "supplier_spend")
_TOKEN = re.compile(r"[A-Za-z0-9]+")


@dataclass
class Forbidden:
    """What must never appear: phrases (compared case-insensitively) and whole tokens."""

    phrases: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)

    def found_in(self, text: str) -> list[str]:
        """The forbidden values present in ``text`` (HTML entities read as characters)."""
        plain = " ".join(html.unescape(text).split()).casefold()
        words = {token.upper() for token in _TOKEN.findall(plain)}
        hits = [phrase for phrase in self.phrases if phrase.casefold() in plain]
        return hits + sorted(self.tokens & words)


def usable(region, clean_exports, authority: str, return_type: str):
    """The region's export, or its clean rewrite when the messy one has errors to fix."""
    export = region.export(authority, return_type)
    return clean_exports.get(f"{authority}/{return_type}", export)


def forbidden_values(export) -> Forbidden:
    """Every direct identifier of the raw export, in every form it was written or read."""
    schema = get_schema(export.return_type)
    frame = read_return(export.path, schema, mapping_file=export.mapping).frame
    found = Forbidden()
    if export.return_type != "placements":
        return found
    parsed = schema.validate_frame(frame, rehearsal=True, period=ReturnPeriod.parse("2026-Q2"))
    people = frame[["given_name", "family_name"]].dropna()
    found.phrases |= {f"{g.strip()} {f.strip()}" for g, f in people.itertuples(index=False)}
    for column in ("address", "postcode", "date_of_birth"):
        if column in frame:
            found.phrases |= {v.strip() for v in frame[column].dropna() if len(v.strip()) > 4}
    found.phrases |= {v for v in parsed.parsed["postcode"].dropna()}
    born = pd.to_datetime(parsed.parsed["date_of_birth"].dropna())
    found.phrases |= set(born.dt.strftime("%Y-%m-%d")) | set(born.dt.strftime("%d/%m/%Y"))
    for column, domain in (
        ("nhs_number", "nhs_number"),
        ("local_person_id", "local_person_id"),
        ("placement_ref", "placement"),
    ):
        for value in frame[column].dropna():
            normal = normalise_identifier(domain, value)
            if normal and len(normal) >= 4:
                found.tokens.add(normal)
                found.phrases |= {v for v in (value.strip(),) if len(v) >= 8}
    # The check must be able to fail: the export itself is full of what it looks for.
    assert len(found.found_in(frame.to_csv(index=False))) > len(frame)
    return found


@pytest.mark.parametrize("return_type", TYPES)
def test_every_authority_prepares_and_previews_without_direct_identifiers(
    region, clean_exports, keyrings, cli, tmp_path: Path, return_type: str
) -> None:
    """For each authority, prepare then preview leaves no raw identifier in any output."""
    for authority in region.authorities:
        export = usable(region, clean_exports, authority, return_type)
        output = tmp_path / f"{authority}-{return_type}.return"
        made = cli.prepare(export, keyrings[authority], output)
        assert made.exit_code == 0, made.output
        shown = cli.invoke("preview", output, "--keyring", keyrings[authority])
        shown_json = cli.invoke("preview", output, "--keyring", keyrings[authority], "--json")
        assert shown.exit_code == 0, shown.output
        assert shown_json.exit_code == 0, shown_json.output
        forbidden = forbidden_values(export)
        outputs = {
            "return": output.read_bytes().decode("utf-8"),
            "preview.json": output.with_name(output.stem + ".preview.json").read_text("utf-8"),
            "preview.html": output.with_name(output.stem + ".preview.html").read_text("utf-8"),
            "prepare stdout": made.stdout,
            "preview stdout": shown.stdout,
            "preview --json": shown_json.stdout,
        }
        for name, text in outputs.items():
            assert forbidden.found_in(text) == [], f"{authority} {name}"


def test_a_return_made_from_a_file_with_errors_is_not_written(
    region, keyrings, cli, tmp_path: Path
) -> None:
    """An export with errors gives exit status 1 and no return, preview or ledger entry."""
    flawed = [e for e in region.exports if e.has_errors]
    assert flawed
    out = tmp_path / "out"
    out.mkdir()
    for export in flawed:
        result = cli.prepare(export, keyrings[export.authority], out / f"{export.authority}.return")
        assert result.exit_code == 1
        assert cli.printed(result)["error"]["kind"] == "ProblemsInData"
        assert cli.printed(result)["check"]["summary"]["errors"] > 0
        assert list(out.iterdir()) == []
    assert not (tmp_path.parent / "ledger" / "prepared-returns.json").exists()


def _payload(path: Path) -> pd.DataFrame:
    """The payload of a return file as text (verification is tested elsewhere)."""
    from keys import open_payload

    with open_payload(path) as stream:
        return pd.read_csv(stream, dtype=str, keep_default_na=False)


def test_the_same_person_carries_the_same_pseudonym_in_two_authorities_returns(
    region, clean_exports, keyrings, cli, tmp_path: Path, regional_key: RegionalKey
) -> None:
    """A person placed by two authorities has one NHS number pseudonym in both returns."""
    made: dict[str, tuple[pd.Series, pd.DataFrame]] = {}
    for authority in region.authorities:
        export = usable(region, clean_exports, authority, "placements")
        output = tmp_path / f"{authority}.return"
        assert cli.prepare(export, keyrings[authority], output).exit_code == 0
        frame = read_return(export.path, get_schema("placements"), mapping_file=export.mapping)
        numbers = frame.frame["nhs_number"].map(lambda v: normalise_identifier("nhs_number", v))
        made[authority] = (numbers.reset_index(drop=True), _payload(output))
    expected = Pseudonymiser(regional_key)
    shared = 0
    for first, second in itertools.combinations(made, 2):
        numbers_a, payload_a = made[first]
        numbers_b, payload_b = made[second]
        for number in set(numbers_a.dropna()) & set(numbers_b.dropna()):
            in_a = set(payload_a.loc[numbers_a == number, "nhs_number_pseudonym"])
            in_b = set(payload_b.loc[numbers_b == number, "nhs_number_pseudonym"])
            assert in_a == in_b == {expected.pseudonymise("nhs_number", number)}
            shared += 1
    assert shared >= region.manifest["shared_people"] > 0
