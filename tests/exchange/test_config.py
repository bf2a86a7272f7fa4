"""Settings: typed defaults, then environment, then the instance file, then create_app's
mapping; production refuses unsafe settings; every setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange import create_app
from exchange.config import (
    DEFAULT_SECRET_KEY,
    Settings,
    load_settings,
    refuse_unsafe_production,
    setting_names,
    settings_table,
)
from exchange.errors import ConfigurationError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
GOOD_SECRET = "s" * 48


def _load(tmp_path: Path, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    settings, _ = load_settings(
        environ=environ or {}, overrides=overrides, default_instance_path=str(tmp_path)
    )
    return settings


def test_defaults_are_typed_and_development(tmp_path: Path) -> None:
    """With nothing set, the hub is in development with typed defaults."""
    settings = _load(tmp_path)
    assert settings.env == "development"
    assert settings.debug is False
    assert settings.max_content_length == 16 * 1024 * 1024
    assert settings.instance_path == str(tmp_path)


def test_environment_overrides_defaults_and_is_coerced(tmp_path: Path) -> None:
    """EXCHANGE_* variables override defaults and are parsed to the setting's type."""
    settings = _load(
        tmp_path,
        {"EXCHANGE_HSTS_SECONDS": "600", "EXCHANGE_DEBUG": "yes", "EXCHANGE_TEST_OTHER": "x"},
    )
    assert settings.hsts_seconds == 600
    assert settings.debug is True


def test_instance_file_overrides_environment(tmp_path: Path) -> None:
    """exchange.toml in the instance folder wins over the environment."""
    (tmp_path / "exchange.toml").write_text('audit_origin = "from.file/audit"\nhsts_seconds = 7\n')
    settings = _load(tmp_path, {"EXCHANGE_AUDIT_ORIGIN": "from.env/audit"})
    assert settings.audit_origin == "from.file/audit"
    assert settings.hsts_seconds == 7


def test_create_app_mapping_wins_over_everything(tmp_path: Path) -> None:
    """The mapping given to create_app overrides the instance file; other keys pass through."""
    (tmp_path / "exchange.toml").write_text('audit_origin = "from.file/audit"\n')
    settings, extra = load_settings(
        environ={},
        overrides={"AUDIT_ORIGIN": "from.mapping/audit", "WTF_CSRF_ENABLED": False},
        default_instance_path=str(tmp_path),
    )
    assert settings.audit_origin == "from.mapping/audit"
    assert extra == {"WTF_CSRF_ENABLED": False}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("no_such_setting = 1\n", "not a setting"),
        ('hsts_seconds = "soon"\n', "must be a int"),
        ('log_format = "xml"\n', "must be one of"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_bad_instance_files_are_refused_with_a_clear_message(
    tmp_path: Path, content: str, expected: str
) -> None:
    """A typo, wrong type or bad choice in exchange.toml stops the hub with a message."""
    (tmp_path / "exchange.toml").write_text(content)
    with pytest.raises(ConfigurationError, match=expected):
        _load(tmp_path)


def test_a_bad_boolean_in_the_environment_is_refused(tmp_path: Path) -> None:
    """EXCHANGE_DEBUG=perhaps is an error, not a silent False."""
    with pytest.raises(ConfigurationError, match="EXCHANGE_DEBUG must be a bool"):
        _load(tmp_path, {"EXCHANGE_DEBUG": "perhaps"})


def _production(**changes: object) -> Settings:
    base: dict[str, object] = {
        "env": "production",
        "secret_key": GOOD_SECRET,
        "ratelimit_storage_uri": "redis://127.0.0.1:6379/0",
    }
    return Settings(**{**base, **changes})  # type: ignore[arg-type]


def test_safe_production_settings_are_accepted() -> None:
    """A long random secret, debug off and Redis for rate limits pass the checks."""
    refuse_unsafe_production(_production())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"secret_key": DEFAULT_SECRET_KEY}, "development default"),
        ({"secret_key": "short-but-not-default"}, "shorter than 32 bytes"),
        ({"debug": True}, "debug mode must never run"),
        ({"ratelimit_storage_uri": "memory://"}, "in-memory"),
    ],
)
def test_production_refuses_each_unsafe_setting(changes: dict[str, object], message: str) -> None:
    """Each unsafe production setting is refused with a message saying what to change."""
    with pytest.raises(ConfigurationError, match=message):
        refuse_unsafe_production(_production(**changes))


def test_production_lists_every_problem_at_once(tmp_path: Path) -> None:
    """create_app in production with all defaults names all three problems together."""
    with pytest.raises(ConfigurationError) as caught:
        create_app({"ENV": "production", "DEBUG": True, "INSTANCE_PATH": str(tmp_path)})
    assert len(caught.value.problems) == 3


def test_every_setting_is_documented_in_docs_configuration() -> None:
    """docs/configuration.md carries the generated settings table, word for word."""
    document = DOCS.read_text(encoding="utf-8")
    assert settings_table() in document
    for name in setting_names():
        assert f"EXCHANGE_{name.upper()}" in document
