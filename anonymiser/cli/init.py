"""``anonymiser init``: write a commented ``anonymiser.toml`` for this authority.

Every setting is listed with what it means; those given as options are set, the rest
show their defaults or are commented out. An existing file is kept unless ``--force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from anonymiser.config import CONFIG_FILE, ConfigError, commented_file, load_settings
from anonymiser.errors import AnonymiserError


@click.command()
@click.option("--authority", help="This authority's ONS code, e.g. E06000015.")
@click.option(
    "--keyring",
    "keyring_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The keyring directory to record (default: keyring).",
)
@click.option("--hub-url", help="The regional hub's address, https://...")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(CONFIG_FILE),
    show_default=True,
    help="Where to write the settings file.",
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
def init(
    authority: str | None,
    keyring_dir: Path | None,
    hub_url: str | None,
    output: Path,
    force: bool,
) -> None:
    """Write a commented anonymiser.toml: every setting, with what it means."""
    if output.exists() and not force:
        raise AnonymiserError(f"{output} already exists; give --force to replace it.")
    given: dict[str, Any] = {"authority": authority, "keyring": keyring_dir, "hub_url": hub_url}
    # Check the values as the settings loader would, before anything is written.
    load_settings(None, environ={}, overrides=given)
    text = commented_file({name: value for name, value in given.items() if value is not None})
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{output} cannot be written ({err.strerror}).") from None
    click.echo(f"Wrote {output}. Edit it, then run `anonymiser prepare`.")
