"""Every setting of the hub, read in one place.

Each setting has a typed default here. Later sources override earlier ones:

1. the defaults below;
2. ``EXCHANGE_<NAME>`` environment variables (unknown ones are ignored, so CI's own
   ``EXCHANGE_TEST_*`` variables do no harm);
3. the instance file ``<instance folder>/exchange.toml`` (lower-case names; an unknown
   name is an error, so a typo never silently leaves a default in place);
4. the mapping given to :func:`exchange.create_app` (upper-case names; tests use it).

``docs/configuration.md`` carries the table :func:`settings_table` writes; a test keeps
the two equal. Production mode refuses unsafe settings (:func:`refuse_unsafe_production`).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app

from exchange.errors import ConfigurationError

ENV_PREFIX = "EXCHANGE_"
INSTANCE_FILE = "exchange.toml"
SETTINGS_EXTENSION = "exchange.settings"
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production
MIN_SECRET_BYTES = 32
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _setting(default: Any, doc: str, *, choices: tuple[str, ...] = ()) -> Any:
    return field(default=default, metadata={"doc": doc, "choices": choices})


@dataclass(frozen=True)
class Settings:
    """The hub's settings, each typed and documented."""

    env: str = _setting(
        "development",
        "`production` turns on the safety refusals below and secure cookies.",
        choices=("development", "production"),
    )
    secret_key: str = _setting(
        DEFAULT_SECRET_KEY,
        "Signs session cookies and CSRF tokens. Production needs at least 32 random bytes.",
    )
    debug: bool = _setting(False, "Flask debug mode. Refused in production.")
    testing: bool = _setting(False, "Flask testing mode (the test suite sets it).")
    instance_path: str = _setting(
        "",
        "The instance folder (database, hub key, exchange.toml). Empty: Flask's default, "
        "`instance/` beside the package. Cannot be set in the instance file itself.",
    )
    database_url: str = _setting(
        "",
        "SQLAlchemy URL. Empty: SQLite file `exchange.sqlite3` in the instance folder. "
        "PostgreSQL: `postgresql+psycopg://user@host/dbname`.",
    )
    hub_key_file: str = _setting(
        "",
        "The hub's Ed25519 signing key (checkpoints, receipts). Empty: "
        "`hub-signing.key` in the instance folder, written 0600 by `exchange init`.",
    )
    audit_origin: str = _setting(
        "regional-exchange.invalid/audit",
        "The audit log's name: first line of every checkpoint and the key name in its "
        "signature. Set it once, to something unique to this hub; changing it starts a "
        "different log as far as verifiers are concerned.",
    )
    ratelimit_storage_uri: str = _setting(
        "memory://",
        "Where rate-limit counters live. `memory://` is per process and refused in "
        "production; use `redis://host:6379/0` so every worker shares the counts.",
    )
    ratelimit_default: str = _setting(
        "600 per minute", "The limit every route gets per client address."
    )
    login_failures_per_account: str = _setting(
        "5 per 15 minutes", "Failed logins allowed per account before logins are refused."
    )
    login_failures_per_address: str = _setting(
        "30 per 15 minutes", "Failed logins allowed per client address before refusal."
    )
    max_content_length: int = _setting(
        16 * 1024 * 1024, "Largest request body in bytes (routes may set a larger cap)."
    )
    body_min_rate_bytes: int = _setting(
        1024,
        "Slowest average pace, in bytes a second, at which the hub keeps waiting for a request "
        "body once `body_grace_seconds` have passed; a slower body's connection is cut "
        "(the slow-loris defence in docs/hub.md). 0 turns the check off.",
    )
    body_grace_seconds: int = _setting(
        10,
        "Seconds the hub waits for a request body before judging its pace by "
        "`body_min_rate_bytes`.",
    )
    hsts_seconds: int = _setting(
        0, "`Strict-Transport-Security` max-age; 0 leaves the header off (set it behind TLS)."
    )
    session_cookie_secure: bool = _setting(
        False, "Send the session cookie over HTTPS only (always on in production)."
    )
    session_lifetime_minutes: int = _setting(480, "How long a login session lasts.")
    proxy_fix_x_for: int = _setting(
        0, "Trusted reverse proxies setting `X-Forwarded-For` (0: the peer address is used)."
    )
    token_default_days: int = _setting(90, "Lifetime of a new API token unless given.")
    token_max_days: int = _setting(365, "Longest lifetime an API token may have.")
    audit_page_size: int = _setting(100, "Audit entries per page (HTML and API).")
    returns_max_bytes: int = _setting(
        1024 * 1024 * 1024,
        "Largest return file `POST /api/v1/returns` accepts, in bytes. A larger declared "
        "`Content-Length` is refused (413) before anything is read; a chunked upload is cut "
        "off at this size.",
    )
    returns_folder: str = _setting(
        "",
        "Where accepted return files are kept (and uploads staged while they are checked). "
        "Empty: `returns/` in the instance folder.",
    )
    returns_clock_skew_seconds: int = _setting(
        300,
        "Allowed difference between an authority's clock and the hub's when a return's "
        "creation and expiry times are checked.",
    )
    returns_report_limit: int = _setting(
        100,
        "Most row problems listed when a return's rows are refused (the counts cover all).",
    )
    returns_batch_bytes: int = _setting(
        4 * 1024 * 1024,
        "Bytes of a return's CSV validated and loaded at a time; bounds the hub's memory "
        "per upload.",
    )
    picture_count_threshold: int = _setting(
        7,
        "Counts of people or placements from 1 to this number are suppressed in every "
        "published table of the regional picture (see docs/disclosure-control.md).",
    )
    picture_round_to: int = _setting(
        0,
        "Round published counts to a multiple of this base (5 is usual); 0 leaves them "
        "unrounded. Totals are computed from unrounded values, then rounded.",
    )
    picture_min_cost_sample: int = _setting(
        10, "Fewest placements behind a published cost statistic (quartiles, medians)."
    )
    picture_min_cost_authorities: int = _setting(
        3, "Fewest authorities contributing to a published regional cost statistic."
    )
    picture_max_authority_share_percent: int = _setting(
        60,
        "Largest share (percent) of a cost statistic's placements one authority may "
        "contribute, so no authority's negotiated price can be backed out.",
    )
    picture_quality_weights: str = _setting(
        "outstanding=4,good=3,requires_improvement=2,inadequate=1",
        "Quality score of each provider quality rating, for price per unit of quality; "
        "a rating left out (such as `not_rated`) is not ranked.",
    )
    picture_recompute: str = _setting(
        "background",
        "When a return is accepted or superseded, rebuild its period's roll-ups in a "
        "background thread (`background`) or before answering (`inline`, for tests).",
        choices=("background", "inline"),
    )
    supplier_match_score: int = _setting(
        88,
        "Least rapidfuzz score (0-100) for two supplier names to be offered to the "
        "regional lead as a possible match.",
    )
    log_level: str = _setting("INFO", "Log level.", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    log_format: str = _setting(
        "json", "`json` lines for production, `console` for people.", choices=("json", "console")
    )

    @property
    def production(self) -> bool:
        """Whether the hub runs in production mode."""
        return self.env == "production"


def current_settings() -> Settings:
    """The settings of the current app."""
    settings: Settings = current_app.extensions[SETTINGS_EXTENSION]
    return settings


def setting_names() -> tuple[str, ...]:
    """Every setting's name, lower case, in declaration order."""
    return tuple(f.name for f in dataclasses.fields(Settings))


def load_settings(
    *,
    environ: Mapping[str, str],
    overrides: Mapping[str, Any] | None = None,
    default_instance_path: str,
) -> tuple[Settings, dict[str, Any]]:
    """The settings from every source, and the override keys that are not settings.

    Those extra keys (``WTF_CSRF_ENABLED`` and the like) go to Flask's config as they are.
    """
    overrides = dict(overrides or {})
    values: dict[str, Any] = {}
    for name in setting_names():
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = _coerce(name, raw, f"{ENV_PREFIX}{name.upper()}")
    instance = str(overrides.get("INSTANCE_PATH") or values.get("instance_path") or "")
    instance = instance or default_instance_path
    values.update(_read_instance_file(Path(instance) / INSTANCE_FILE))
    extra: dict[str, Any] = {}
    for key, value in overrides.items():
        name = key.lower()
        if name in setting_names():
            values[name] = _coerce(name, value, key)
        else:
            extra[key] = value
    values["instance_path"] = instance
    return Settings(**values), extra


def flask_config(settings: Settings) -> dict[str, Any]:
    """The Flask and extension configuration the settings imply."""
    return {
        "SECRET_KEY": settings.secret_key,
        "DEBUG": settings.debug,
        "TESTING": settings.testing,
        "MAX_CONTENT_LENGTH": settings.max_content_length,
        "SESSION_COOKIE_NAME": "exchange_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.session_cookie_secure or settings.production,
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=settings.session_lifetime_minutes),
        "RATELIMIT_STORAGE_URI": settings.ratelimit_storage_uri,
        "RATELIMIT_DEFAULT": settings.ratelimit_default,
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": "exchange",
        "API_TITLE": "Regional Exchange hub",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }


def refuse_unsafe_production(settings: Settings) -> None:
    """Raise :class:`ConfigurationError` naming every unsafe setting in production."""
    if not settings.production:
        return
    problems = []
    if settings.secret_key == DEFAULT_SECRET_KEY:
        problems.append(
            "EXCHANGE_SECRET_KEY is the development default; set a random value, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(48))"`.'
        )
    elif len(settings.secret_key.encode()) < MIN_SECRET_BYTES:
        problems.append(f"EXCHANGE_SECRET_KEY is shorter than {MIN_SECRET_BYTES} bytes.")
    if settings.debug:
        problems.append("EXCHANGE_DEBUG is on; debug mode must never run in production.")
    if settings.ratelimit_storage_uri.startswith("memory://"):
        problems.append(
            "EXCHANGE_RATELIMIT_STORAGE_URI is in-memory, so each worker counts alone; "
            "use redis://."
        )
    if problems:
        raise ConfigurationError(
            "Refusing to start in production: " + " ".join(problems), problems=problems
        )


def settings_table() -> str:
    """The Markdown table of every setting, as docs/configuration.md carries it."""
    rows = [
        "| Setting | Environment variable | Type | Default | Meaning |",
        "|---|---|---|---|---|",
    ]
    for spec in dataclasses.fields(Settings):
        default = "(empty)" if spec.default == "" else f"`{spec.default}`"
        doc = spec.metadata["doc"]
        if spec.metadata["choices"]:
            doc += " One of: " + ", ".join(f"`{c}`" for c in spec.metadata["choices"]) + "."
        rows.append(
            f"| `{spec.name}` | `{ENV_PREFIX}{spec.name.upper()}` | {spec.type} | "
            f"{default} | {doc} |"
        )
    return "\n".join(rows) + "\n"


def _read_instance_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise ConfigurationError(f"Cannot read {path}: {err.strerror}.") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigurationError(f"{path} is not valid TOML: {err}.") from None
    values = {}
    for key, value in document.items():
        if key not in setting_names() or key == "instance_path":
            raise ConfigurationError(
                f"{path} sets {key!r}, which is not a setting; see docs/configuration.md."
            )
        values[key] = _coerce(key, value, f"{path}: {key}")
    return values


def _coerce(name: str, value: Any, source: str) -> Any:
    spec = next(f for f in dataclasses.fields(Settings) if f.name == name)
    kind = spec.type
    try:
        if kind == "bool":
            result: Any = _boolean(value)
        elif kind == "int":
            if isinstance(value, bool):
                raise ValueError
            result = int(value)
        else:
            result = os.fspath(value) if isinstance(value, Path) else str(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{source} must be a {kind}.") from None
    choices = spec.metadata["choices"]
    if choices and result not in choices:
        raise ConfigurationError(f"{source} must be one of {', '.join(choices)}.")
    return result


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)
