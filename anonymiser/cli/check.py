"""`anonymiser check` (being written)."""

from __future__ import annotations

import click


@click.group()
def check() -> None:
    """Not yet available."""
