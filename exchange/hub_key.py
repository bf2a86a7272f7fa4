"""The hub's own Ed25519 key: it signs audit checkpoints (and, later, receipts).

``exchange init`` writes it to the instance folder with mode 0600; it is read only if
no one else can read it, and it is never committed (``*.key`` and ``instance/`` are
ignored). Beside it, ``hub-signing.pub`` holds the *verifier key* an IG officer
passes to ``exchange audit verify --hub-key``: ``<origin>+<key hash>+<base64 key>``.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from exchange.config import current_settings
from exchange.errors import ConfigurationError
from keys.errors import KeyringError, MalformedDocument
from keys.key_file import read_private_file, write_private_file
from keys.signing import SigningKey
from keys.strict_json import canonical_json, parse_strict_json
from keys.transparency import VerifierKey

HUB_KEY_FORMAT = "regional-exchange-hub-key/1"
HUB_KEY_FILE = "hub-signing.key"
HUB_PUBLIC_FILE = "hub-signing.pub"
_EXTENSION = "exchange.hub_key"


def hub_key_path(*, configured: str, instance_path: str) -> Path:
    """Where the hub key lives: the configured file, or ``hub-signing.key`` in the instance."""
    return Path(configured) if configured else Path(instance_path) / HUB_KEY_FILE


def create_hub_key(path: Path) -> SigningKey:
    """Generate the hub key and write it to ``path`` (0600); refuse to overwrite one."""
    if path.exists():
        raise ConfigurationError(f"A hub key already exists at {path}; it is never replaced.")
    key = SigningKey.generate()
    document = {"format": HUB_KEY_FORMAT, "key_id": key.key_id, "seed": key.seed().hex()}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private_file(path, canonical_json(document) + b"\n")
    return key


def load_hub_key(path: Path) -> SigningKey:
    """Read the hub key, refusing a missing, unreadable or group/world-readable file."""
    try:
        data = read_private_file(path)
    except KeyringError as err:
        if not path.exists():
            raise ConfigurationError(
                f"There is no hub key at {path}. Run `exchange init` first."
            ) from None
        raise ConfigurationError(str(err)) from None
    try:
        document = parse_strict_json(data, what=str(path))
        if not isinstance(document, dict) or document.get("format") != HUB_KEY_FORMAT:
            raise MalformedDocument("not a hub key")
        key = SigningKey.from_seed(bytes.fromhex(document["seed"]))
    except (MalformedDocument, KeyError, TypeError, ValueError):
        raise ConfigurationError(f"{path} is not a hub key file.") from None
    if key.key_id != document.get("key_id"):
        raise ConfigurationError(f"{path} is damaged: its key id does not match its key.")
    return key


def current_hub_key() -> SigningKey:
    """The current app's hub key, read once and kept for the app's life."""
    cached: SigningKey | None = current_app.extensions.get(_EXTENSION)
    if cached is None:
        settings = current_settings()
        path = hub_key_path(
            configured=settings.hub_key_file, instance_path=current_app.instance_path
        )
        cached = current_app.extensions[_EXTENSION] = load_hub_key(path)
    return cached


def verifier_key(key: SigningKey, origin: str) -> VerifierKey:
    """The public verifier key for checkpoints the hub signs under ``origin``."""
    return VerifierKey(name=origin, public_key=key.public_key)


def write_public_file(path: Path, key: SigningKey, origin: str) -> None:
    """Write the verifier key beside the private key, for the IG officer to take away."""
    path.write_text(str(verifier_key(key, origin)) + "\n", encoding="ascii")
