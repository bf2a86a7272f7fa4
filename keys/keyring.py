"""An authority's keyring: a directory holding its keys, private parts locked.

Layout (every file created 0600, the directory 0700)::

    keyring.json                 public: authority, signing key history, exchange key
    signing-<hex>.key            an Ed25519 signing key, locked (keys.key_file)
    exchange-<hex>.key           the X25519 exchange key, locked
    regional-v<N>.key            regional pseudonymisation key version N, locked
    rotation-<hex>.json          the signed statement that introduced signing key <hex>

``<hex>`` is the key id without its algorithm prefix. Private key files that group
or others can read are refused (:class:`keys.errors.KeyFileTooOpen`).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from keys.errors import KeyFileCorrupt, KeyNotFound, KeyringExists, MalformedDocument
from keys.key_file import lock_secret, read_private_file, unlock_secret, write_private_file
from keys.pseudonym import RegionalKey
from keys.rotation import make_rotation_statement
from keys.sealing import ExchangeKey, ExchangePublicKey
from keys.signing import SigningKey
from keys.strict_json import parse_strict_json
from keys.timestamps import format_utc, require_aware, utc_now

KEYRING_ENV = "ANONYMISER_KEYRING"
PASSPHRASE_ENV = "ANONYMISER_KEY_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
KEYRING_FORMAT = "regional-exchange-keyring/1"
_SIGNING, _EXCHANGE, _REGIONAL = "ed25519-signing", "x25519-exchange", "regional-pseudonym"
_FILE_PREFIX = {_SIGNING: "signing", _EXCHANGE: "exchange", _REGIONAL: "regional"}
_Key = TypeVar("_Key", SigningKey, ExchangeKey)


def default_keyring_dir(environ: dict[str, str] | None = None) -> Path:
    """``$ANONYMISER_KEYRING`` if set, else ``./keyring``."""
    env = os.environ if environ is None else environ
    return Path(env.get(KEYRING_ENV) or "keyring")


class Keyring:
    """The keys of one authority, in one directory."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    @classmethod
    def initialise(
        cls, directory: Path | str, authority: str, passphrase: str, *, now: datetime | None = None
    ) -> Keyring:
        """Create the directory with a new signing key and exchange key for ``authority``."""
        keyring = cls(directory)
        if keyring._metadata_path.exists():
            raise KeyringExists(
                f"{keyring.directory} already holds keys for {keyring.authority}; use "
                "`anonymiser keys rotate` to replace the signing key."
            )
        keyring.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(keyring.directory, 0o700)
        signing, exchange = SigningKey.generate(), ExchangeKey.generate()
        keyring._store(_SIGNING, signing.key_id, signing.seed(), passphrase)
        keyring._store(_EXCHANGE, exchange.key_id, exchange.private_bytes(), passphrase)
        keyring._save_metadata(
            {
                "authority": authority,
                "exchange_key": _public(exchange.key_id, exchange.public_key.raw),
                "format": KEYRING_FORMAT,
                "signing_keys": [_history_entry(signing, now)],
            }
        )
        return keyring

    @property
    def authority(self) -> str:
        """The ONS code of the authority this keyring signs for."""
        return str(self._metadata()["authority"])

    @property
    def signing_key_id(self) -> str:
        """The id of the signing key in use."""
        return str(self._metadata()["signing_keys"][-1]["key_id"])

    def registration(self) -> dict[str, Any]:
        """The public parts the hub administrator registers for this authority."""
        meta = self._metadata()
        current = meta["signing_keys"][-1]
        return {
            "authority": meta["authority"],
            "exchange_key": {"algorithm": "x25519", **meta["exchange_key"]},
            "signing_key": {
                "algorithm": "ed25519",
                "key_id": current["key_id"],
                "public_key": current["public_key"],
            },
        }

    def signing_key(self, passphrase: str) -> SigningKey:
        """The signing key in use, unlocked."""
        key_id = self.signing_key_id
        key = SigningKey.from_seed(self._load(_SIGNING, key_id, passphrase))
        return _checked(key, key.key_id, key_id)

    def exchange_key(self, passphrase: str) -> ExchangeKey:
        """The exchange key, unlocked (to open sealed regional keys)."""
        key_id = self._metadata()["exchange_key"]["key_id"]
        key = ExchangeKey.from_private_bytes(self._load(_EXCHANGE, key_id, passphrase))
        return _checked(key, key.key_id, key_id)

    def rotate(self, passphrase: str, *, now: datetime | None = None) -> bytes:
        """Replace the signing key; returns the rotation statement to send to the hub."""
        old = self.signing_key(passphrase)
        new = SigningKey.generate()
        rotated_at = require_aware(now or utc_now())
        statement = make_rotation_statement(self.authority, old, new, rotated_at)
        self._store(_SIGNING, new.key_id, new.seed(), passphrase)
        write_private_file(self._path("rotation", new.key_id, ".json"), statement)
        meta = self._metadata()
        meta["signing_keys"][-1]["retired_at"] = format_utc(rotated_at)
        meta["signing_keys"].append(_history_entry(new, rotated_at))
        self._save_metadata(meta)
        return statement

    def add_regional_key(self, key: RegionalKey, passphrase: str) -> None:
        """Keep a regional key version (new from the custodian, or opened from a seal)."""
        self._store(_REGIONAL, f"v{key.version}", key.secret, passphrase)

    def regional_versions(self) -> list[int]:
        """Regional key versions held, oldest first."""
        names = self.directory.glob("regional-v*.key")
        return sorted(
            int(p.stem.removeprefix("regional-v")) for p in names if p.stem[10:].isdigit()
        )

    def regional_key(self, passphrase: str, version: int | None = None) -> RegionalKey:
        """Regional key ``version`` (the newest held if ``None``), unlocked."""
        versions = self.regional_versions()
        if not versions or (version is not None and version not in versions):
            wanted = "any regional key" if version is None else f"regional key v{version}"
            raise KeyNotFound(
                f"{self.directory} holds no {wanted}. Open the sealed key from the custodian "
                "with `anonymiser keys regional open`."
            )
        chosen = versions[-1] if version is None else version
        return RegionalKey(chosen, self._load(_REGIONAL, f"v{chosen}", passphrase))

    @property
    def _metadata_path(self) -> Path:
        return self.directory / "keyring.json"

    def _metadata(self) -> dict[str, Any]:
        try:
            data = self._metadata_path.read_bytes()
        except FileNotFoundError:
            raise KeyNotFound(
                f"No keyring in {self.directory}. Run `anonymiser keys init --authority CODE` "
                f"or set {KEYRING_ENV} to the keyring directory."
            ) from None
        except OSError as err:
            raise KeyNotFound(f"Cannot read {self._metadata_path}: {err.strerror}.") from None
        try:
            meta = parse_strict_json(data, what=str(self._metadata_path))
        except MalformedDocument as err:
            raise KeyFileCorrupt(str(err)) from None
        if not isinstance(meta, dict) or meta.get("format") != KEYRING_FORMAT:
            raise KeyFileCorrupt(f"{self._metadata_path} is not a keyring description.")
        return meta

    def _save_metadata(self, meta: dict[str, Any]) -> None:
        text = json.dumps(meta, indent=2, sort_keys=True) + "\n"
        write_private_file(self._metadata_path, text.encode("utf-8"), overwrite=True)

    def _path(self, kind: str, key_id: str, suffix: str) -> Path:
        return self.directory / f"{kind}-{key_id.split(':')[-1]}{suffix}"

    def _store(self, kind: str, key_id: str, secret: bytes, passphrase: str) -> None:
        data = lock_secret(secret, passphrase, kind=kind, key_id=key_id)
        write_private_file(self._path(_FILE_PREFIX[kind], key_id, ".key"), data)

    def _load(self, kind: str, key_id: str, passphrase: str) -> bytes:
        path = self._path(_FILE_PREFIX[kind], key_id, ".key")
        stored_id, secret = unlock_secret(
            read_private_file(path), passphrase, kind=kind, source=str(path)
        )
        if stored_id != key_id:
            raise KeyFileCorrupt(f"{path} holds key {stored_id}, not {key_id}.")
        return secret


def exchange_key_from_text(text: str) -> ExchangePublicKey:
    """An exchange public key from a registration (JSON, as ``keys init`` prints) or hex."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return ExchangePublicKey.from_hex(stripped)
    try:
        doc = parse_strict_json(stripped.encode("utf-8"), what="the registration")
        return ExchangePublicKey.from_hex(doc["exchange_key"]["public_key"])
    except (MalformedDocument, KeyError, TypeError, AttributeError):
        raise ValueError("the registration has no exchange_key.public_key") from None


def _public(key_id: str, raw: bytes) -> dict[str, str]:
    return {"key_id": key_id, "public_key": raw.hex()}


def _history_entry(key: SigningKey, created: datetime | None) -> dict[str, Any]:
    moment = format_utc(created or utc_now())
    return {**_public(key.key_id, key.public_key), "created_at": moment, "retired_at": None}


def _checked(key: _Key, found: str, expected: str) -> _Key:
    if found != expected:
        raise KeyFileCorrupt(f"The key file for {expected} holds a different key ({found}).")
    return key
