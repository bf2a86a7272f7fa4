"""The anonymiser's settings: one file, ``anonymiser.toml``, and the environment.

Every setting has a default here. Later sources override earlier ones:

1. the defaults in :data:`SETTINGS`;
2. the file: ``--config PATH``, else ``$ANONYMISER_CONFIG``, else ``./anonymiser.toml``
   when it exists. An unknown name in it is an error, so a typo never silently leaves a
   default in place; relative paths in it are read from the file's own folder;
3. ``ANONYMISER_*`` environment variables (each setting's name is listed in
   :data:`SETTINGS`; per-return-type settings are ``ANONYMISER_<TYPE>_<NAME>``);
4. command-line options.

``anonymiser init`` writes a commented file (:func:`commented_file`), and
``docs/anonymiser.md`` carries the table :func:`settings_table` writes (a test keeps
the two equal). No secret is a setting: the key passphrase is only ever read from
``ANONYMISER_KEY_PASSPHRASE`` or the terminal.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anonymiser.errors import UnusableInput
from anonymiser.reading import parse_size
from anonymiser.risk import MODES
from schemas import get_schema, return_types

CONFIG_FILE = "anonymiser.toml"
CONFIG_ENV = "ANONYMISER_CONFIG"
LEDGER_FILE = "prepared-returns.json"
_AUTHORITY = re.compile(r"E(06|07|08|09|10)\d{6}")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class ConfigError(UnusableInput):
    """A setting is missing, unknown or not of its type (exit status 2)."""


@dataclass(frozen=True)
class Setting:
    """One setting: its dotted name in the file, type, default and meaning."""

    name: str
    kind: str  # str, path, int, bool, size, names, columns, authority, mode, url
    default: Any
    doc: str
    example: str | None = None

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        parts = self.name.split(".")
        words = parts[1:] if parts[0] == "returns" else parts
        return "ANONYMISER_" + "_".join(words).upper()


def _return_settings(return_type: str) -> tuple[Setting, ...]:
    prefix = f"returns.{return_type}"
    schema = get_schema(return_type)
    k = schema.k_threshold
    first = next(field.name for field in schema.raw_fields if field.required)
    mapping_doc = (
        f"A mapping file for {return_type} exports: a [columns] table of "
        '"Your header" = "field_name".'
    )
    columns_doc = (
        "Column mappings written here instead of in a mapping file (env: a JSON object). "
        f"Used when {prefix}.mapping is not set."
    )
    k_doc = (
        f"Smallest group size allowed over the quasi-identifiers (agreed minimum {k}; a "
        "lower value is refused)."
    )
    l_doc = (
        "Fewest weekly-cost bands each group must show (l-diversity); not set: measured and "
        "shown, not enforced."
    )
    example = f'"{return_type.replace("_", "-")}-mapping.toml"'
    columns_example = f'{{ "Our Reference" = "{first}" }}'
    return (
        Setting(f"{prefix}.mapping", "path", None, mapping_doc, example),
        Setting(f"{prefix}.columns", "columns", {}, columns_doc, columns_example),
        Setting(f"{prefix}.k_threshold", "int", k, k_doc),
        Setting(f"{prefix}.l_threshold", "int", None, l_doc, "2"),
        Setting(
            f"{prefix}.risk_mode",
            "mode",
            "generalise_then_suppress",
            f"How a return below k is remediated: {', '.join(MODES)}.",
        ),
    )


SETTINGS: tuple[Setting, ...] = (
    Setting("authority", "authority", None, "This authority's ONS code.", '"E06000015"'),
    Setting("keyring", "path", Path("keyring"), "The keyring directory (keys.md)."),
    Setting("hub_url", "url", None, "The regional hub's address.", '"https://hub.example/"'),
    Setting(
        "ledger",
        "path",
        None,
        f"The ledger of returns prepared here; not set: {LEDGER_FILE} in the keyring.",
        '"prepared-returns.json"',
    ),
    Setting("compress", "bool", False, "Store return payloads gzipped (csv+gzip)."),
    Setting("max_file_size", "size", "1GB", "Refuse input files larger than this."),
    Setting("max_unpacked_size", "size", "1GB", "Refuse workbooks that unzip larger."),
    Setting(
        "suppliers.file",
        "path",
        None,
        "A TOML file of individuals = [...] and organisations = [...] names.",
        '"suppliers.toml"',
    ),
    Setting(
        "suppliers.individuals",
        "names",
        (),
        "Supplier names always redacted as private individuals (env: separated by ';').",
    ),
    Setting(
        "suppliers.organisations",
        "names",
        (),
        "Supplier names always kept as organisations (env: separated by ';').",
    ),
    *(setting for kind in return_types() for setting in _return_settings(kind)),
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class ReturnSettings:
    """The settings of one return type."""

    mapping: Path | None
    columns: Mapping[str, str]
    k_threshold: int
    l_threshold: int | None
    risk_mode: str


@dataclass(frozen=True)
class Settings:
    """Every setting, resolved; ``source`` is the file read, if any."""

    values: Mapping[str, Any]
    source: Path | None = None

    def __getattr__(self, name: str) -> Any:
        if name in _BY_NAME:
            return self.values[name]
        raise AttributeError(name)

    def require_authority(self) -> str:
        """The authority code, or a message saying where to set it."""
        if not self.values["authority"]:
            raise ConfigError(
                'No authority is set: put authority = "E06…" in anonymiser.toml '
                "(`anonymiser init` writes one), set ANONYMISER_AUTHORITY, or give --authority."
            )
        return str(self.values["authority"])

    def ledger_path(self) -> Path:
        """Where the ledger of prepared returns is kept."""
        ledger = self.values["ledger"]
        return Path(ledger) if ledger else Path(self.values["keyring"]) / LEDGER_FILE

    def for_return(self, return_type: str) -> ReturnSettings:
        """The settings of ``return_type``."""
        value = {n: self.values[f"returns.{return_type}.{n}"] for n in _RETURN_NAMES}
        return ReturnSettings(**value)


_RETURN_NAMES = ("mapping", "columns", "k_threshold", "l_threshold", "risk_mode")


def load_settings(
    config: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Resolve every setting: defaults < file < environment < ``overrides`` (not ``None``)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    path = _config_path(config, env)
    if path is not None:
        values.update(_file_values(path))
    for setting in SETTINGS:
        if setting.env in env:
            values[setting.name] = _convert(setting, env[setting.env], f"${setting.env}")
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _convert(_BY_NAME[name], value, f"the option for {name}")
    _check_thresholds(values)
    return Settings(values, path)


def _config_path(config: Path | None, env: Mapping[str, str]) -> Path | None:
    chosen = config or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    if chosen is not None:
        if not chosen.is_file():
            raise ConfigError(f"The configuration file {chosen} does not exist.")
        return chosen
    default = Path(CONFIG_FILE)
    return default if default.is_file() else None


def _file_values(path: Path) -> dict[str, Any]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path} cannot be read as TOML: {err}.") from None
    flat = _flatten(document)
    unknown = sorted(set(flat) - set(_BY_NAME))
    if unknown:
        raise ConfigError(
            f"{path} has settings the anonymiser does not know: {', '.join(unknown)}. "
            "The settings are listed in docs/anonymiser.md."
        )
    values = {
        name: _convert(_BY_NAME[name], value, f"{name} in {path}") for name, value in flat.items()
    }
    for name, value in values.items():
        if isinstance(value, Path) and not value.is_absolute():
            values[name] = path.parent / value
    return values


def _flatten(document: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"returns": {"placements": {"k_threshold": 5}}}`` -> ``{"returns.placements.k...": 5}``;
    a ``columns`` table is a value, not a section."""
    flat: dict[str, Any] = {}
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not name.endswith(".columns"):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _convert(setting: Setting, value: Any, where: str) -> Any:
    """A value of the setting's type, from the file's TOML value or an environment string."""
    try:
        return _CONVERTERS[setting.kind](value)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"{where} is not valid: {err}.") from None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value.strip() or None


def _path(value: Any) -> Path | None:
    if isinstance(value, Path):
        return value
    text = _text(value)
    return Path(text).expanduser() if text else None


def _int(value: Any) -> int | None:
    if isinstance(value, str):
        if not value.strip():
            return None
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected a whole number")
    if value < 1:
        raise ValueError("expected a whole number of at least 1")
    return value


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValueError("expected true or false")


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of names")
    return tuple(name.strip() for name in value if name.strip())


def _columns(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError('expected a table of "Your header" = "field_name"')
    return {str(header): field for header, field in value.items()}


def _authority(value: Any) -> str | None:
    text = _text(value)
    if text is not None and not _AUTHORITY.fullmatch(text.upper()):
        raise ValueError("expected an ONS authority code like E06000015")
    return text.upper() if text else None


def _mode(value: Any) -> str:
    text = _text(value)
    if text not in MODES:
        raise ValueError(f"expected one of {', '.join(MODES)}")
    return text


def _url(value: Any) -> str | None:
    text = _text(value)
    if text is not None and not re.match(r"https?://[^\s/]+", text):
        raise ValueError("expected an address starting https://")
    return text


def _size(value: Any) -> str:
    text = str(value)
    parse_size(text)
    return text


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str": _text,
    "path": _path,
    "int": _int,
    "bool": _bool,
    "size": _size,
    "names": _names,
    "columns": _columns,
    "authority": _authority,
    "mode": _mode,
    "url": _url,
}


def _check_thresholds(values: Mapping[str, Any]) -> None:
    """The agreed k is a floor: an authority may ask for more privacy, never less."""
    for return_type in return_types():
        agreed = get_schema(return_type).k_threshold
        chosen = values[f"returns.{return_type}.k_threshold"]
        if chosen is None or chosen < agreed:
            raise ConfigError(
                f"returns.{return_type}.k_threshold is {chosen}, below the agreed k of "
                f"{agreed} for {return_type}: the schema's threshold is the least allowed."
            )


def settings_table() -> str:
    """The settings as a Markdown table, for docs/anonymiser.md."""
    lines = [
        "| Setting | Environment variable | Default | Meaning |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        default = "(not set)" if s.default in (None, (), {}) else f"`{_toml(s.default)}`"
        lines.append(f"| `{s.name}` | `{s.env}` | {default} | {s.doc} |")
    return "\n".join(lines)


def commented_file(values: Mapping[str, Any]) -> str:
    """A commented ``anonymiser.toml``: the given values set, every other setting shown."""
    out = [
        "# anonymiser.toml: this authority's settings for the anonymiser.",
        "# Every setting can also come from the environment (ANONYMISER_<NAME>) or an option;",
        "# options beat the environment, which beats this file. See docs/anonymiser.md.",
        "# The key passphrase is never kept here: set ANONYMISER_KEY_PASSPHRASE or type it.",
    ]
    section = ""
    for s in SETTINGS:
        parts = s.name.rsplit(".", 1)
        here, key = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
        if here != section:
            section = here
            out += ["", "", f"[{here}]"]
        out += ["", f"# {s.doc}", _line(key, s, values.get(s.name))]
    return "\n".join(out) + "\n"


def _line(key: str, setting: Setting, value: Any) -> str:
    if value is not None:
        return f"{key} = {_toml(value)}"
    if setting.default not in (None, (), {}):
        return f"{key} = {_toml(setting.default)}"
    return f"# {key} = {setting.example or _toml(setting.default)}"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in value.items()) + " }"
        )
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return json.dumps(str(value), ensure_ascii=False)
