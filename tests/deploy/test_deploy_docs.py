"""The deployment files agree with the hub: the README carries every setting and names only
real commands, gunicorn's settings read as intended, nginx's body limits match the hub's
defaults (and nginx accepts the site when it is installed), and the units and images run
what they should, as an unprivileged user."""

from __future__ import annotations

import configparser
import re
import runpy
from pathlib import Path

import click
import pytest

from exchange.cli import main
from exchange.config import Settings, setting_names, settings_table
from tests.deploy.nginx_site import check_config, require_nginx, write_config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
README = DEPLOY / "README.md"
NGINX_SITE = DEPLOY / "nginx" / "exchange.conf"
SIZES = {"k": 1024, "m": 1024**2, "g": 1024**3}


def test_readme_carries_every_setting_word_for_word() -> None:
    """deploy/README.md holds the generated settings table and names every variable."""
    document = README.read_text(encoding="utf-8")
    assert settings_table() in document
    for name in setting_names():
        assert f"EXCHANGE_{name.upper()}" in document


def test_every_exchange_command_in_the_readme_exists() -> None:
    """Each `exchange ...` the README tells an operator to run is a real command."""
    document = README.read_text(encoding="utf-8")
    # As run: /opt/exchange/venv/bin/exchange X, `exchange X`, or in the hub's container.
    found = re.findall(r"(?:bin/|`|hub )exchange ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", document)
    assert found, "no exchange commands found in the README"
    for words in set(found):
        command: click.Command = main
        for word in words.split():
            if not isinstance(command, click.Group) or word not in command.commands:
                break
            command = command.commands[word]
        assert command is not main, f"`exchange {words}` is not a command"
    for needed in ("init", "db upgrade", "backup", "restore", "audit verify"):
        assert f"exchange {needed}" in document


def test_gunicorn_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers, threads, bind and timeout follow GUNICORN_*; recycling has jitter; no preload."""
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    defaults = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert defaults["workers"] == 4
    assert defaults["bind"] == ["127.0.0.1:8000"]
    assert defaults["wsgi_app"] == "exchange:create_app()"
    assert defaults["preload_app"] is False
    assert defaults["max_requests"] > 0
    assert defaults["max_requests_jitter"] > 0
    assert defaults["worker_class"] == "gthread"
    if Path("/dev/shm").is_dir():
        assert defaults["worker_tmp_dir"] == "/dev/shm"
    monkeypatch.setenv("GUNICORN_WORKERS", "9")
    monkeypatch.setenv("GUNICORN_BIND", "unix:/run/exchange/hub.sock")
    changed = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert changed["workers"] == 9
    assert changed["bind"] == ["unix:/run/exchange/hub.sock"]


def _size(value: str) -> int:
    return int(value[:-1]) * SIZES[value[-1]] if value[-1] in SIZES else int(value)


def test_nginx_body_limits_match_the_hub() -> None:
    """1 GiB (returns_max_bytes) for returns, streamed; max_content_length everywhere else."""
    site = NGINX_SITE.read_text(encoding="utf-8")
    returns = re.search(r"location = /api/v1/returns \{(.*?)\}", site, re.S)
    assert returns is not None
    block = returns.group(1)
    limit = re.search(r"client_max_body_size (\S+);", block)
    assert limit is not None
    assert _size(limit.group(1)) == Settings().returns_max_bytes
    assert "proxy_request_buffering off;" in block
    server_wide = re.findall(r"^    client_max_body_size (\S+);", site, re.M)
    assert [_size(v) for v in server_wide] == [Settings().max_content_length]
    assert "return 301 https://$host$request_uri;" in site
    assert "Strict-Transport-Security" in site
    for timeout in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        assert re.search(rf"{timeout} \d+s;", site), timeout


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    """`nginx -t` passes on the shipped site inside Debian's nginx.conf (paths and ports
    moved to tmp); skipped without nginx unless EXCHANGE_REQUIRE_NGINX=1."""
    binary = require_nginx()
    main, *_ = write_config(tmp_path, upstream_port=8000)
    done = check_config(binary, tmp_path, main)
    assert done.returncode == 0, done.stderr
    assert "[warn]" not in done.stderr, done.stderr


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def test_systemd_units_run_the_hub_and_the_checkpoints() -> None:
    """gunicorn with the config as the exchange user; a timer that signs and ships checkpoints."""
    hub = _unit("exchange-hub.service")["Service"]
    assert hub["User"] == "exchange"
    assert hub["ExecStart"].split()[:3] == [
        "/opt/exchange/venv/bin/gunicorn", "--config", "/etc/exchange/gunicorn.conf.py"
    ]  # fmt: skip
    assert hub["NoNewPrivileges"] == "yes"
    checkpoint = _unit("exchange-checkpoint.service")["Service"]
    assert " checkpoint sign -o " in checkpoint["ExecStart"]
    assert checkpoint["ExecStartPost"].endswith("ship-checkpoint")
    assert (DEPLOY / "bin" / "ship-checkpoint").stat().st_mode & 0o111
    timer = _unit("exchange-checkpoint.timer")["Timer"]
    assert timer["OnUnitActiveSec"] == "15min"
    assert " backup --to " in _unit("exchange-backup.service")["Service"]["ExecStart"]


def test_images_run_as_an_unprivileged_user_with_every_service() -> None:
    """The hub image is python:3.11-slim with a non-root user; compose has all four parts."""
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim AS hub" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users
    assert all(user not in ("root", "0") for user in users)
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    services = compose.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    names = set(re.findall(r"^  ([a-z]+):$", services, re.M))
    assert names == {"hub", "postgres", "redis", "nginx"}
