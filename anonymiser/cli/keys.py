"""`anonymiser keys` (being written)."""

from __future__ import annotations

import click


@click.group()
def keys() -> None:
    """Not yet available."""
