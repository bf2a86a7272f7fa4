"""The ``exchange`` command: set-up, registry, users and tokens, each audited; user
errors are one line and exit 1, never a traceback; every option and command is documented."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskCliRunner

from exchange.audit import tags
from exchange.cli import main
from exchange.hub_key import HUB_KEY_FILE, HUB_PUBLIC_FILE
from keys.rotation import make_rotation_statement
from keys.signing import SigningKey

DOCS = Path(__file__).resolve().parents[2] / "docs" / "hub.md"
DERBY = "E06000015"


def _ok(runner: FlaskCliRunner, *args: str, input: str | None = None) -> str:
    result = runner.invoke(args=list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


def _refused(runner: FlaskCliRunner, *args: str, input: str | None = None) -> str:
    result = runner.invoke(args=list(args), input=input)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def test_init_makes_a_private_hub_key_and_is_safe_to_repeat(
    database_url: str, tmp_path: Path
) -> None:
    """`exchange init` (the console script) migrates, writes a 0600 key once, and keeps it."""
    env = {
        "EXCHANGE_INSTANCE_PATH": str(tmp_path / "inst"),
        "EXCHANGE_DATABASE_URL": database_url,
        "EXCHANGE_AUDIT_ORIGIN": "cli.test/audit",
    }
    first = CliRunner().invoke(main, ["init"], env=env)
    assert first.exit_code == 0, first.output
    key_file = tmp_path / "inst" / HUB_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    public = (tmp_path / "inst" / HUB_PUBLIC_FILE).read_text().strip()
    assert public.startswith("cli.test/audit+")
    assert public in first.output
    before = key_file.read_bytes()
    again = CliRunner().invoke(main, ["init"], env=env)
    assert again.exit_code == 0
    assert "Hub key kept" in again.output
    assert key_file.read_bytes() == before


def test_authorities_are_added_listed_and_audited(runner: FlaskCliRunner, hub: Any) -> None:
    """`authority add` registers by ONS code with the agreed name; `list --json` shows it."""
    assert "Derby" in _ok(runner, "authority", "add", DERBY)
    listed = json.loads(_ok(runner, "authority", "list", "--json"))
    assert listed == [{"code": DERBY, "name": "Derby", "successor_of": None, "active_keys": 0}]
    assert [e.tag for e in hub.entries()] == [tags.AUTHORITY_ADD]
    assert "already registered" in _refused(runner, "authority", "add", DERBY)
    assert "not an ONS area code" in _refused(runner, "authority", "add", "Derby")


def test_the_whole_region_is_added_with_its_successions(runner: FlaskCliRunner) -> None:
    """`authority add --region` adds all; North Northamptonshire succeeds the old county."""
    _ok(runner, "authority", "add", "--region")
    listed = {row["code"]: row for row in json.loads(_ok(runner, "authority", "list", "--json"))}
    assert len(listed) == 11
    assert listed["E06000061"]["successor_of"] == "E10000021"


def test_keys_are_registered_revoked_and_rotated(runner: FlaskCliRunner, hub: Any) -> None:
    """A signing key is registered, rotated by a signed statement, and the new one revoked."""
    _ok(runner, "authority", "add", DERBY)
    old, new = SigningKey.from_seed(bytes(32)), SigningKey.from_seed(bytes([1]) * 32)
    start = datetime.now(UTC) - timedelta(days=2)
    output = _ok(
        runner, "key", "register", "--authority", DERBY, "--public-key", old.public_key.hex(),
        "--valid-from", start.isoformat(),
    )  # fmt: skip
    assert old.key_id in output
    statement = hub.app.instance_path + "/rotation.json"
    Path(statement).write_bytes(
        make_rotation_statement(DERBY, old, new, datetime.now(UTC) - timedelta(days=1))
    )
    assert new.key_id in _ok(runner, "key", "rotate", statement)
    assert "rotation statement is refused" in _refused(runner, "key", "rotate", statement)
    _ok(runner, "key", "revoke", new.key_id, "--reason", "compromised")
    assert "already revoked" in _refused(runner, "key", "revoke", new.key_id, "--reason", "lost")
    logged = [e.tag for e in hub.entries()]
    assert logged[1:] == [tags.KEY_REGISTER, tags.KEY_REGISTER, tags.KEY_ROTATE, tags.KEY_REVOKE]


@pytest.mark.parametrize(
    ("key_text", "message"),
    [("abc", "neither 64 hex digits nor base64"), ("A" * 40 + "AA==", "32 bytes")],
)
def test_unusable_public_keys_are_refused(
    runner: FlaskCliRunner, key_text: str, message: str
) -> None:
    """Keys that are not 32 bytes in hex or base64 are refused with a message."""
    _ok(runner, "authority", "add", DERBY)
    output = _refused(runner, "key", "register", "--authority", DERBY, "--public-key", key_text)
    assert message in output


def test_a_relay_key_is_registered_with_its_x25519_key_id(runner: FlaskCliRunner) -> None:
    """A relay (X25519) key gets an ``x25519:`` key id."""
    _ok(runner, "authority", "add", DERBY)
    output = _ok(
        runner, "key", "register", "--authority", DERBY, "--purpose", "relay",
        "--public-key", "09" * 32,
    )  # fmt: skip
    assert "relay key x25519:" in output


def test_users_are_added_with_a_prompted_password_and_disabled(
    runner: FlaskCliRunner, hub: Any
) -> None:
    """`user add` prompts twice for the password; `user disable` stops the account."""
    _ok(runner, "authority", "add", DERBY)
    password = "a sufficiently long one\n"
    output = _ok(
        runner, "user", "add", "dora", "--role", "data_officer", "--authority", DERBY,
        input=password * 2,
    )  # fmt: skip
    assert "data_officer dora" in output
    assert "needs --authority" in _refused(
        runner, "user", "add", "eve", "--role", "data_officer", input=password * 2
    )
    assert "at least 12" in _refused(
        runner, "user", "add", "fay", "--role", "admin", input="x\nx\n"
    )
    _ok(runner, "user", "disable", "dora")
    assert "disabled" in _ok(runner, "user", "list")
    assert "already disabled" in _refused(runner, "user", "disable", "dora")
    assert "There is no user" in _refused(runner, "user", "disable", "nobody")


def test_tokens_are_shown_once_listed_without_secrets_and_revoked(
    runner: FlaskCliRunner, hub: Any
) -> None:
    """`token create` prints the secret once; `list` shows only prefixes; `revoke` ends it."""
    name = hub.user("regional_lead")
    output = _ok(runner, "token", "create", "--user", name, "--days", "7", "--label", "nightly")
    secret = output.strip().splitlines()[-1]
    prefix = secret.split("_")[1]
    listing = _ok(runner, "token", "list")
    assert prefix in listing
    assert secret not in listing
    assert "between 1 and 365" in _refused(
        runner, "token", "create", "--user", name, "--days", "999"
    )
    _ok(runner, "token", "revoke", prefix)
    assert "revoked" in _ok(runner, "token", "list", "--user", name)
    assert "There is no token" in _refused(runner, "token", "revoke", "000000000000")


def test_checkpoint_sign_prints_a_signed_note(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """`checkpoint sign` prints the C2SP checkpoint and can write it to a file."""
    _ok(runner, "authority", "add", DERBY)
    output = _ok(runner, "checkpoint", "sign", "-o", str(tmp_path / "cp.txt"))
    assert output.splitlines()[1] == "1"
    assert (tmp_path / "cp.txt").read_text() == output


def _commands(group: click.Group, prefix: str = "exchange") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


def test_every_option_has_help_and_every_command_a_docstring() -> None:
    """Each command says what it does and each option what it is for."""
    for path, command in _commands(main):
        assert command.help, path
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{path} {param.opts}"


def test_every_command_is_documented_in_docs_hub() -> None:
    """docs/hub.md names every `exchange` command."""
    document = DOCS.read_text(encoding="utf-8")
    missing = [path for path, _ in _commands(main) if f"`{path}" not in document]
    assert missing == []


def test_the_app_and_the_console_script_offer_the_same_commands(app: Flask) -> None:
    """`flask --app exchange` and `exchange` both carry the administration commands."""
    assert set(main.commands) - {"run"} <= set(app.cli.commands)
