"""`anonymiser keys`: init, show, rotate and the regional key, with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from anonymiser.cli import main
from anonymiser.cli.keys import keys
from keys import Keyring

PASSPHRASE = "tests-only passphrase"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `anonymiser keys ...` in a temporary directory with the passphrase set."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANONYMISER_KEYRING", raising=False)

    def invoke(*args: str, passphrase: str | None = PASSPHRASE, stdin: str | None = None):
        env = {"ANONYMISER_KEY_PASSPHRASE": passphrase or ""}
        return CliRunner().invoke(main, ["keys", *args], env=env, input=stdin)

    return invoke


def _registration(result: Result) -> dict:
    return json.loads(result.stdout)


def test_init_creates_keys_and_prints_the_public_part(run, tmp_path: Path) -> None:
    """`keys init` writes ./keyring and prints the registration for the hub."""
    result = run("init", "--authority", "E06000015")
    assert result.exit_code == 0, result.output
    registration = _registration(result)
    assert registration["authority"] == "E06000015"
    assert registration["signing_key"]["key_id"].startswith("ed25519:")
    assert registration["exchange_key"]["key_id"].startswith("x25519:")
    assert (tmp_path / "keyring" / "keyring.json").is_file()


def test_init_prompts_for_the_passphrase_twice_without_the_variable(run, tmp_path) -> None:
    """Without ANONYMISER_KEY_PASSPHRASE the passphrase is asked for and confirmed."""
    typed = f"{PASSPHRASE}\n{PASSPHRASE}\n"
    result = run(
        "init", "--authority", "E06000016", "--keyring", "kr", passphrase=None, stdin=typed
    )
    assert result.exit_code == 0, result.output
    Keyring(tmp_path / "kr").signing_key(PASSPHRASE)


def test_init_refuses_a_bad_authority_code(run) -> None:
    """Only ONS authority codes are accepted (usage error, exit 2)."""
    result = run("init", "--authority", "Derby")
    assert result.exit_code == 2
    assert "E06000015" in result.output


def test_show_prints_keys_and_regional_versions(run) -> None:
    """`keys show` lists the public keys; --json prints the registration only."""
    run("init", "--authority", "E06000015", "--keyring", "kr")
    result = run("show", "--keyring", "kr")
    assert result.exit_code == 0
    assert "Regional keys: none" in result.output
    assert _registration(run("show", "--keyring", "kr", "--json"))["authority"] == "E06000015"


def test_the_keyring_variable_names_the_directory(run, monkeypatch, tmp_path: Path) -> None:
    """ANONYMISER_KEYRING is used when --keyring is not given."""
    monkeypatch.setenv("ANONYMISER_KEYRING", str(tmp_path / "elsewhere"))
    assert run("init", "--authority", "E06000015").exit_code == 0
    assert (tmp_path / "elsewhere" / "keyring.json").is_file()


def test_rotate_prints_and_writes_the_statement(run, tmp_path: Path) -> None:
    """`keys rotate -o FILE` replaces the key and writes the signed statement."""
    before = _registration(run("init", "--authority", "E06000015"))
    result = run("rotate", "-o", "rotation.json")
    assert result.exit_code == 0, result.output
    statement = json.loads((tmp_path / "rotation.json").read_text())
    signers = [s["keyid"] for s in statement["signatures"]]
    assert signers[0] == before["signing_key"]["key_id"]
    after = _registration(run("show", "--json"))
    assert signers[1] == after["signing_key"]["key_id"]


def test_the_regional_key_travels_sealed_from_custodian_to_authority(run) -> None:
    """new -> seal --for registration -> open: both keyrings then hold the same key."""
    run("init", "--authority", "E06000015", "--keyring", "custodian")
    run("init", "--authority", "E06000017", "--keyring", "rutland")
    Path("rutland.json").write_text(run("show", "--keyring", "rutland", "--json").stdout)
    created = run("regional", "new", "--keyring", "custodian")
    assert created.exit_code == 0, created.output
    sealed = run("regional", "seal", "--keyring", "custodian", "--for", "rutland.json", "-o", "s")
    assert sealed.exit_code == 0, sealed.output
    opened = run("regional", "open", "--keyring", "rutland", "s")
    assert opened.exit_code == 0, opened.output
    check_value = created.output.split("check value ")[1].split(")")[0]
    assert check_value in opened.output
    assert "Regional keys: v1" in run("show", "--keyring", "rutland").output


def test_seal_accepts_a_hex_public_key_and_refuses_garbage(run) -> None:
    """--for takes the exchange public key in hex; anything else is a usage error."""
    run("init", "--authority", "E06000015", "--keyring", "custodian")
    run("regional", "new", "--keyring", "custodian")
    public = _registration(run("show", "--keyring", "custodian", "--json"))["exchange_key"]
    ok = run("regional", "seal", "--keyring", "custodian", "--for", public["public_key"], "-o", "s")
    assert ok.exit_code == 0, ok.output
    bad = run("regional", "seal", "--keyring", "custodian", "--for", "nonsense", "-o", "s")
    assert bad.exit_code == 2
    assert "--for" in bad.output


def test_opening_a_key_sealed_for_someone_else_exits_2(run) -> None:
    """A sealed key for another authority is refused with the key ids, exit 2."""
    run("init", "--authority", "E06000015", "--keyring", "custodian")
    run("init", "--authority", "E06000017", "--keyring", "rutland")
    run("init", "--authority", "E06000018", "--keyring", "nottingham")
    Path("rutland.json").write_text(run("show", "--keyring", "rutland", "--json").stdout)
    run("regional", "new", "--keyring", "custodian")
    run("regional", "seal", "--keyring", "custodian", "--for", "rutland.json", "-o", "s")
    result = run("regional", "open", "--keyring", "nottingham", "s")
    assert result.exit_code == 2
    assert "sealed for x25519:" in result.output


@pytest.mark.parametrize(
    "problem", ["wrong passphrase", "too open", "missing keyring", "missing key"]
)
def test_unusable_keys_exit_2_with_a_message(run, tmp_path: Path, problem: str) -> None:
    """Wrong passphrase, exposed key file, no keyring, no key: a message and exit 2."""
    run("init", "--authority", "E06000015")
    (signing,) = (tmp_path / "keyring").glob("signing-*.key")
    passphrase = PASSPHRASE
    expected = {
        "wrong passphrase": "passphrase does not open",
        "too open": "can be read by other users",
        "missing keyring": "No keyring",
        "missing key": "No key file",
    }[problem]
    args = ["rotate"]
    if problem == "wrong passphrase":
        passphrase = "not it"
    elif problem == "too open":
        signing.chmod(0o644)
    elif problem == "missing keyring":
        args = ["rotate", "--keyring", "absent"]
    else:
        signing.unlink()
    result = run(*args, passphrase=passphrase)
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_init_twice_is_refused(run) -> None:
    """An initialised keyring is never overwritten (exit 1, with what to do instead)."""
    run("init", "--authority", "E06000015")
    result = run("init", "--authority", "E06000015")
    assert result.exit_code == 1
    assert "keys rotate" in result.output


def test_every_keys_command_and_option_is_documented() -> None:
    """docs/keys.md names every `anonymiser keys` command and each of its options."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "keys.md").read_text("utf-8")
    missing = []

    def walk(group: click.Group, prefix: str) -> None:
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                walk(command, f"{prefix} {name}")
                continue
            if f"{prefix} {name}" not in doc:
                missing.append(f"{prefix} {name}")
            for param in command.params:
                missing.extend(
                    o for o in getattr(param, "opts", []) if o.startswith("-") and o not in doc
                )

    walk(keys, "keys")
    assert missing == []
