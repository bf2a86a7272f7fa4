"""``anonymiser preview``: a return is verified with the authority's own keys before its
contents are shown, and what leaves is read back from the return itself."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from anonymiser.preview import preview_return

SECTIONS = (
    "Summary",
    "What happens to each field",
    "Columns the schema does not know",
    "Supplier and provider names redacted",
    "Re-identification risk",
    "Remediation",
    "What leaves, read back from the return file",
    "Manifest (what is signed)",
    "Sample rows",
)


def test_a_verified_return_is_shown_with_every_section(anonymiser, prepared, keyring) -> None:
    """The signature is checked first; then every section of the preview is printed."""
    result = anonymiser("preview", prepared, "--keyring", keyring)
    assert result.exit_code == 0, result.output
    assert "Signature verified with this authority's key" in result.stdout
    assert "REHEARSAL" in result.stdout
    for section in SECTIONS:
        assert section in result.stdout


def test_json_and_html_outputs(anonymiser, prepared, keyring, tmp_path: Path) -> None:
    """--json prints the whole document; --html writes the page as well."""
    page = tmp_path / "page.html"
    result = anonymiser("preview", prepared, "--keyring", keyring, "--json", "--html", page)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["verification"]["verified"] is True
    summary = document["payload_summary"]
    assert summary["rows"] == document["manifest"]["payload"]["rows"] == 60
    assert [c["column"] for c in summary["columns"]][:3] == [
        "placement_ref_pseudonym", "local_person_id_pseudonym", "nhs_number_pseudonym",
    ]  # fmt: skip
    assert page.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_an_altered_return_is_refused(anonymiser, copied, keyring) -> None:
    """One changed payload byte: exit 2, "does not verify", nothing of the payload shown."""
    data = bytearray(copied.read_bytes())
    data[-10] = ord("0") if data[-10] != ord("0") else ord("1")
    copied.write_bytes(bytes(data))
    result = anonymiser("preview", copied, "--keyring", keyring)
    assert result.exit_code == 2
    assert "does not verify" in result.output
    assert "Traceback" not in result.output
    assert "What leaves" not in result.stdout


def test_a_return_signed_by_another_authority_is_refused(anonymiser, prepared, new_keyring) -> None:
    """Another keyring does not hold the key that signed the return: exit 2."""
    result = anonymiser("preview", prepared, "--keyring", new_keyring("E06000015"))
    assert result.exit_code == 2
    assert "not registered" in result.output or "does not verify" in result.output


def test_without_a_keyring_nothing_is_shown(anonymiser, prepared, tmp_path: Path) -> None:
    """No keyring, no check of the signature: exit 2 and say where to point."""
    result = anonymiser("preview", prepared, "--keyring", tmp_path / "none")
    assert result.exit_code == 2
    assert "--keyring" in result.output


def test_without_its_preview_file_the_return_side_is_still_shown(
    anonymiser, copied, keyring
) -> None:
    """The raw side needs NAME.preview.json; without it, what leaves is still shown."""
    copied.with_name("placements.preview.json").unlink()
    result = anonymiser("preview", copied, "--keyring", keyring)
    assert result.exit_code == 0, result.output
    assert "No preview file placements.preview.json" in result.stdout
    assert "What leaves, read back from the return file" in result.stdout
    assert "What happens to each field" not in result.stdout


def test_the_preview_file_of_another_return_is_not_used(
    anonymiser, copied, keyring, tmp_path: Path
) -> None:
    """A preview file that names another manifest hash is ignored, with a note."""
    sidecar = copied.with_name("placements.preview.json")
    document = json.loads(sidecar.read_text("utf-8"))
    document["manifest_sha256"] = "0" * 64
    sidecar.write_text(json.dumps(document), encoding="utf-8")
    result = anonymiser("preview", copied, "--keyring", keyring, "--json")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert "fields" not in shown
    assert any("describes another return" in note for note in shown["notes"])


def test_an_expired_return_is_shown_with_a_warning(prepared, keyring) -> None:
    """Past its expiry a return still verifies for the officer, flagged to be made again."""
    later = datetime.now(UTC) + timedelta(days=30)
    shown = preview_return(prepared, keyring, now=later)
    assert shown.expired is True
    assert any("expired" in note for note in shown.document["notes"])


def test_a_renamed_return_keeps_its_preview_by_name(anonymiser, copied, keyring) -> None:
    """The preview file is found beside the return by name: renamed together, still shown."""
    moved = copied.with_name("renamed.return")
    shutil.move(copied, moved)
    shutil.move(
        copied.with_name("placements.preview.json"), moved.with_name("renamed.preview.json")
    )
    result = anonymiser("preview", moved, "--keyring", keyring)
    assert result.exit_code == 0
    assert "What happens to each field" in result.stdout
