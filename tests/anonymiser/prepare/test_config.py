"""Settings: defaults < anonymiser.toml < ANONYMISER_* < options; ``anonymiser init`` writes
a commented file that reads back; docs/anonymiser.md lists every setting and option."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click
import pytest

from anonymiser.cli import main
from anonymiser.config import SETTINGS, ConfigError, load_settings, settings_table

DOCS = Path(__file__).resolve().parents[3] / "docs" / "anonymiser.md"


def _file(folder: Path, text: str) -> Path:
    path = folder / "anonymiser.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_apply_with_no_file_and_no_environment(tmp_path: Path) -> None:
    """Without a file or variables, every setting has its documented default."""
    settings = load_settings(None, environ={})
    assert settings.source is None
    assert settings.keyring == Path("keyring")
    assert settings.for_return("placements").k_threshold == 5
    assert settings.for_return("placements").risk_mode == "generalise_then_suppress"
    assert settings.ledger_path() == Path("keyring") / "prepared-returns.json"


def test_a_file_beats_defaults_the_environment_beats_the_file_and_options_beat_both(
    tmp_path: Path,
) -> None:
    """The same setting from three places: the later source wins."""
    path = _file(tmp_path, "[returns.placements]\nk_threshold = 6\n")
    env = {"ANONYMISER_PLACEMENTS_K_THRESHOLD": "7"}
    key = "returns.placements.k_threshold"
    assert load_settings(path, environ={}).for_return("placements").k_threshold == 6
    assert load_settings(path, environ=env).for_return("placements").k_threshold == 7
    chosen = load_settings(path, environ=env, overrides={key: 8})
    assert chosen.for_return("placements").k_threshold == 8


def test_relative_paths_in_the_file_are_read_from_its_folder(tmp_path: Path) -> None:
    """keyring = "keys" in /council/anonymiser.toml means /council/keys."""
    path = _file(tmp_path, 'keyring = "keys"\n[suppliers]\nfile = "suppliers.toml"\n')
    settings = load_settings(path, environ={})
    assert settings.keyring == tmp_path / "keys"
    assert settings.values["suppliers.file"] == tmp_path / "suppliers.toml"


def test_the_config_file_is_found_by_variable_then_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$ANONYMISER_CONFIG names the file; else ./anonymiser.toml is read when present."""
    named = _file(tmp_path, 'authority = "E06000016"\n')
    assert load_settings(None, environ={"ANONYMISER_CONFIG": str(named)}).authority == "E06000016"
    assert load_settings(None, environ={}).authority is None  # the test's own working folder
    monkeypatch.chdir(tmp_path)
    assert load_settings(None, environ={}).source == Path("anonymiser.toml")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('authority = "Derby"\n', "ONS authority code"),
        ("[returns.placements]\nk_threshold = 3\n", "below the agreed k"),
        ('[returns.supplier_spend]\nrisk_mode = "delete"\n', "generalise_then_suppress"),
        ("hub_url = 'ftp://hub'\n", "https://"),
        ("compress = 'perhaps'\n", "true or false"),
        ("[returns.lunch]\nk_threshold = 5\n", "returns.lunch.k_threshold"),
        ("authority = [\n", "cannot be read as TOML"),
    ],
)
def test_a_setting_that_cannot_be_used_is_refused_by_name(
    tmp_path: Path, text: str, words: str
) -> None:
    """Bad values and unknown names stop with a message naming them (exit status 2)."""
    with pytest.raises(ConfigError, match=words) as caught:
        load_settings(_file(tmp_path, text), environ={})
    assert caught.value.exit_code == 2


def test_every_setting_has_an_environment_variable() -> None:
    """Per-type settings are ANONYMISER_<TYPE>_<NAME>; the others ANONYMISER_<NAME>."""
    names = {setting.env for setting in SETTINGS}
    assert {"ANONYMISER_AUTHORITY", "ANONYMISER_HUB_URL", "ANONYMISER_KEYRING"} <= names
    assert "ANONYMISER_SUPPLIER_SPEND_RISK_MODE" in names
    env = {
        "ANONYMISER_SUPPLIERS_ORGANISATIONS": "Oak House, Belper; Elm Lodge",
        "ANONYMISER_PLACEMENTS_COLUMNS": '{"Client Ref": "local_person_id"}',
        "ANONYMISER_COMPRESS": "yes",
    }
    settings = load_settings(None, environ=env)
    assert settings.values["suppliers.organisations"] == ("Oak House, Belper", "Elm Lodge")
    assert settings.for_return("placements").columns == {"Client Ref": "local_person_id"}
    assert settings.compress is True


def test_init_writes_a_commented_file_that_reads_back(tmp_path: Path, cli) -> None:
    """The written file holds the values given, mentions every setting, and loads."""
    path = tmp_path / "anonymiser.toml"
    result = cli.invoke(
        "init", "--authority", "E06000015", "--hub-url", "https://hub.example/", "-o", path
    )
    assert result.exit_code == 0, result.output
    text = path.read_text("utf-8")
    tomllib.loads(text)
    for setting in SETTINGS:
        assert setting.name.rsplit(".", 1)[-1] in text
    settings = load_settings(path, environ={})
    assert (settings.authority, settings.hub_url) == ("E06000015", "https://hub.example/")
    again = cli.invoke("init", "--authority", "E06000016", "-o", path)
    assert again.exit_code == 1
    assert "--force" in again.output
    forced = cli.invoke("init", "--authority", "E06000016", "-o", path, "--force")
    assert forced.exit_code == 0
    assert load_settings(path, environ={}).authority == "E06000016"


def test_init_refuses_a_value_that_is_not_a_setting(tmp_path: Path, cli) -> None:
    """An authority that is not an ONS code is refused before anything is written."""
    result = cli.invoke("init", "--authority", "Derby", "-o", tmp_path / "a.toml")
    assert result.exit_code == 2
    assert not (tmp_path / "a.toml").exists()


def test_the_guide_carries_the_settings_table() -> None:
    """docs/anonymiser.md lists every setting exactly as the code defines it."""
    assert settings_table() in DOCS.read_text("utf-8")


@pytest.mark.parametrize("command", ["init", "prepare", "preview"])
def test_the_guide_documents_every_option_of_the_commands(command: str) -> None:
    """Each option of init, prepare and preview is in the data officer's guide."""
    text = DOCS.read_text("utf-8")
    found = main.get_command(click.Context(main), command)
    assert found is not None
    for parameter in found.params:
        if isinstance(parameter, click.Option):
            longest = max(parameter.opts, key=len)
            assert longest in text, f"{command} {longest}"
