"""Unlocking the keys a return needs: the signing key, and the regional key if pseudonyms
are made. Every key problem becomes :class:`~anonymiser.prepare.errors.KeysUnusable`
(exit status 2) with the keys package's own message, which says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anonymiser.prepare.errors import KeysUnusable
from keys import Keyring, RegionalKey, SigningKey
from keys.errors import KeyringError


@dataclass(frozen=True)
class Credentials:
    """The unlocked keys of one authority."""

    authority: str
    signing_key: SigningKey
    regional_key: RegionalKey | None


def unlock(
    keyring_dir: Path, passphrase: str, *, authority: str | None, regional: bool
) -> Credentials:
    """Unlock this authority's keys; ``authority``, if given, must be the keyring's."""
    keyring = Keyring(keyring_dir)
    try:
        owner = keyring.authority
        if authority is not None and authority != owner:
            raise KeysUnusable(
                f"The keyring {keyring_dir} signs for {owner}, but the settings say this "
                f"authority is {authority}. Use this authority's own keyring, or correct "
                "the authority in anonymiser.toml."
            )
        signing_key = keyring.signing_key(passphrase)
        regional_key = keyring.regional_key(passphrase) if regional else None
    except KeyringError as err:
        raise KeysUnusable(str(err)) from None
    return Credentials(owner, signing_key, regional_key)
