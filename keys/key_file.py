"""Key files on disk: secrets locked with a passphrase, written 0600, read only if private.

A locked key file is one JSON object::

    {"format": "regional-exchange-key/1", "kind": ..., "key_id": ...,
     "kdf": {"name": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": <base64 16 bytes>},
     "cipher": "chacha20poly1305", "nonce": <base64 12 bytes>, "ciphertext": <base64>}

The AEAD key is scrypt(passphrase); the associated data is the canonical JSON of every
field but ``ciphertext``, so a file cannot be relabelled as another kind or key id.
"""

from __future__ import annotations

import base64
import os
import secrets
import stat
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from keys.errors import (
    KeyFileCorrupt,
    KeyFileTooOpen,
    KeyNotFound,
    MalformedDocument,
    WrongPassphrase,
)
from keys.strict_json import canonical_json, parse_strict_json

FORMAT = "regional-exchange-key/1"
SCRYPT_N = 2**15
_ALLOWED_N = {2**n for n in range(14, 21)}


def lock_secret(secret: bytes, passphrase: str, *, kind: str, key_id: str) -> bytes:
    """Encrypt ``secret`` under ``passphrase`` into the key-file format."""
    if not passphrase:
        raise ValueError("a key passphrase must not be empty")
    header: dict[str, Any] = {
        "cipher": "chacha20poly1305",
        "format": FORMAT,
        "kdf": {"n": SCRYPT_N, "name": "scrypt", "p": 1, "r": 8, "salt": _b64(os.urandom(16))},
        "key_id": key_id,
        "kind": kind,
        "nonce": _b64(os.urandom(12)),
    }
    aead = ChaCha20Poly1305(_derive(passphrase, header["kdf"]))
    ciphertext = aead.encrypt(_unb64(header["nonce"]), secret, canonical_json(header))
    return canonical_json({**header, "ciphertext": _b64(ciphertext)}) + b"\n"


def unlock_secret(data: bytes, passphrase: str, *, kind: str, source: str) -> tuple[str, bytes]:
    """Decrypt a key file of ``kind``; returns its key id and the secret bytes."""
    header = _parse_header(data, kind=kind, source=source)
    ciphertext = _unb64(header.pop("ciphertext"))
    aead = ChaCha20Poly1305(_derive(passphrase, header["kdf"]))
    try:
        secret = aead.decrypt(_unb64(header["nonce"]), ciphertext, canonical_json(header))
    except ValueError:
        raise KeyFileCorrupt(f"{source} has an unreadable nonce.") from None
    except InvalidTag:
        raise WrongPassphrase(
            f"The passphrase does not open {source}. Check ANONYMISER_KEY_PASSPHRASE or retype it."
        ) from None
    return header["key_id"], secret


def write_private_file(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` to ``path`` with mode 0600 whatever the umask, atomically.

    Unless ``overwrite``, an existing file is never replaced (keys are not overwritten).
    """
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(temp, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    finally:
        os.close(fd)
    try:
        if overwrite:
            os.replace(temp, path)
        else:
            os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def read_private_file(path: Path) -> bytes:
    """Read a key file, refusing one that group or others can read or write."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise KeyNotFound(f"No key file at {path}. Run `anonymiser keys init` first.") from None
    except OSError as err:
        raise KeyNotFound(f"Cannot read the key file {path}: {err.strerror}.") from None
    with os.fdopen(fd, "rb") as handle:
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
        if os.name == "posix" and mode & 0o077:
            raise KeyFileTooOpen(
                f"The key file {path} can be read by other users (mode {mode:04o}); it was "
                f"not used. Run `chmod 600 {path}` and consider replacing the key."
            )
        return handle.read()


def _parse_header(data: bytes, *, kind: str, source: str) -> dict[str, Any]:
    try:
        doc = parse_strict_json(data, what=source)
    except MalformedDocument:
        raise KeyFileCorrupt(f"{source} is not a keyring key file.") from None
    expected = {"cipher", "ciphertext", "format", "kdf", "key_id", "kind", "nonce"}
    if not isinstance(doc, dict) or set(doc) != expected or doc["format"] != FORMAT:
        raise KeyFileCorrupt(f"{source} is not a keyring key file.")
    if doc["kind"] != kind:
        raise KeyFileCorrupt(f"{source} holds a {doc['kind']} key, not a {kind} key.")
    kdf = doc["kdf"]
    if not isinstance(kdf, dict) or (kdf.get("name"), kdf.get("r"), kdf.get("p")) != (
        "scrypt",
        8,
        1,
    ):
        raise KeyFileCorrupt(f"{source} uses an unsupported key derivation.")
    if kdf.get("n") not in _ALLOWED_N or not isinstance(doc["key_id"], str):
        raise KeyFileCorrupt(f"{source} uses an unsupported key derivation cost.")
    return doc


def _derive(passphrase: str, kdf: dict[str, Any]) -> bytes:
    try:
        salt = _unb64(kdf["salt"])
    except (KeyError, TypeError, ValueError):
        raise KeyFileCorrupt("The key file's salt is unreadable.") from None
    scrypt = Scrypt(salt=salt, length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"])
    return scrypt.derive(passphrase.encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise KeyFileCorrupt("A key file field that should be base64 is not a string.")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise KeyFileCorrupt("A key file field is not valid base64.") from None
