"""`anonymiser keys`: this authority's signing and exchange keys, and the regional key.

Every command works on one keyring directory (``--keyring``, else
``$ANONYMISER_KEYRING``, else ``./keyring``). The passphrase that locks the private
keys is read from ``$ANONYMISER_KEY_PASSPHRASE`` for unattended runs, or asked for.
Key problems (missing, unreadable, wrong passphrase, readable by others) exit with
status 2 and a message saying what to do.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from anonymiser.errors import AnonymiserError, UnusableInput
from keys import (
    KEYRING_ENV,
    PASSPHRASE_ENV,
    ExchangePublicKey,
    Keyring,
    RegionalKey,
    exchange_key_from_text,
    open_sealed_key,
    seal_regional_key,
)
from keys.errors import KeyringError, KeyringExists, SealingError

_AUTHORITY = re.compile(r"E(06|07|08|09|10)\d{6}")

keyring_option = click.option(
    "--keyring",
    "keyring_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=KEYRING_ENV,
    default="keyring",
    show_default=True,
    help=f"Keyring directory (or set {KEYRING_ENV}).",
)


@click.group()
def keys() -> None:
    """Create, rotate and show this authority's keys; receive the regional key."""


@keys.command()
@click.option("--authority", required=True, help="This authority's ONS code, e.g. E06000015.")
@keyring_option
def init(authority: str, keyring_dir: Path) -> None:
    """Create this authority's signing and exchange keys; print the public part to register."""
    if not _AUTHORITY.fullmatch(authority):
        raise click.BadParameter("an ONS authority code like E06000015", param_hint="--authority")
    passphrase = _passphrase(confirm=True)
    with _key_errors():
        keyring = Keyring.initialise(keyring_dir, authority, passphrase)
    click.echo(f"Created keys for {authority} in {keyring_dir}.", err=True)
    click.echo("Send the following to the hub administrator to register:", err=True)
    click.echo(json.dumps(keyring.registration(), indent=2))


@keys.command()
@keyring_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the signed rotation statement to this file.",
)
def rotate(keyring_dir: Path, output: Path | None) -> None:
    """Replace the signing key; print the statement, signed by old and new key, for the hub."""
    with _key_errors():
        keyring = Keyring(keyring_dir)
        old_id = keyring.signing_key_id
        statement = keyring.rotate(_passphrase())
    if output is not None:
        output.write_bytes(statement)
    click.echo(f"Signing key {old_id} replaced by {keyring.signing_key_id}.", err=True)
    click.echo("Upload this rotation statement to the hub:", err=True)
    click.echo(statement.decode("utf-8"), nl=False)


@keys.command()
@keyring_option
@click.option("--json", "as_json", is_flag=True, help="Print only the registration JSON.")
def show(keyring_dir: Path, as_json: bool) -> None:
    """Show the authority, its public keys and the regional key versions held."""
    with _key_errors():
        keyring = Keyring(keyring_dir)
        registration = keyring.registration()
        versions = keyring.regional_versions()
    if as_json:
        click.echo(json.dumps(registration, indent=2))
        return
    click.echo(f"Authority:     {registration['authority']}")
    click.echo(f"Signing key:   {registration['signing_key']['key_id']}")
    click.echo(f"  public key:  {registration['signing_key']['public_key']}")
    click.echo(f"Exchange key:  {registration['exchange_key']['key_id']}")
    click.echo(f"  public key:  {registration['exchange_key']['public_key']}")
    held = ", ".join(f"v{v}" for v in versions) or "none"
    click.echo(f"Regional keys: {held}")


@keys.group()
def regional() -> None:
    """The regional pseudonymisation key: create (custodian), seal, open."""


@regional.command("new")
@keyring_option
@click.option("--version", "version", type=click.IntRange(min=1), help="Version (default: next).")
def regional_new(keyring_dir: Path, version: int | None) -> None:
    """Create a new regional key version (the custodian authority only)."""
    with _key_errors():
        keyring = Keyring(keyring_dir)
        held = keyring.regional_versions()
        chosen = version or (max(held, default=0) + 1)
        if chosen in held:
            raise AnonymiserError(f"Regional key v{chosen} already exists in {keyring_dir}.")
        key = RegionalKey.generate(chosen)
        keyring.add_regional_key(key, _passphrase())
    click.echo(f"Created regional key v{chosen} (check value {key.check_value()}).")
    click.echo("Seal it to each authority with `anonymiser keys regional seal --for ...`.")


@regional.command("seal")
@keyring_option
@click.option(
    "--for",
    "recipient",
    required=True,
    help="The authority's registration JSON file, or its exchange public key in hex.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the sealed key.",
)
@click.option(
    "--version", type=click.IntRange(min=1), help="Regional key version (default: newest)."
)
def regional_seal(keyring_dir: Path, recipient: str, output: Path, version: int | None) -> None:
    """Seal the regional key so only one authority's exchange key can open it."""
    public_key = _recipient_key(recipient)
    with _key_errors():
        key = Keyring(keyring_dir).regional_key(_passphrase(), version)
    output.write_bytes(seal_regional_key(key, public_key))
    click.echo(f"Sealed regional key v{key.version} for {public_key.key_id} into {output}.")


@regional.command("open")
@keyring_option
@click.argument("sealed_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def regional_open(keyring_dir: Path, sealed_file: Path) -> None:
    """Open a sealed regional key with this authority's exchange key and keep it."""
    with _key_errors():
        keyring = Keyring(keyring_dir)
        passphrase = _passphrase()
        key = open_sealed_key(sealed_file.read_bytes(), keyring.exchange_key(passphrase))
        if key.version in keyring.regional_versions():
            raise AnonymiserError(f"Regional key v{key.version} is already in {keyring_dir}.")
        keyring.add_regional_key(key, passphrase)
    click.echo(f"Installed regional key v{key.version} (check value {key.check_value()}).")


def _passphrase(*, confirm: bool = False) -> str:
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    value = click.prompt("Key passphrase", hide_input=True, confirmation_prompt=confirm)
    if not value:
        raise UnusableInput("An empty passphrase cannot protect a key.")
    return str(value)


def _recipient_key(text: str) -> ExchangePublicKey:
    try:
        content = Path(text).read_text("utf-8") if _names_a_file(text) else text
        return exchange_key_from_text(content)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise click.BadParameter(
            f"not a registration file or an exchange public key ({err})", param_hint="--for"
        ) from None


def _names_a_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


@contextmanager
def _key_errors() -> Iterator[None]:
    """Key problems become the anonymiser's errors: unusable keys exit 2."""
    try:
        yield
    except KeyringExists as err:
        raise AnonymiserError(str(err)) from None
    except (KeyringError, SealingError) as err:
        raise UnusableInput(str(err)) from None
