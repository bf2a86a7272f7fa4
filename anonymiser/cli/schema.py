"""`anonymiser schema` (being written)."""

from __future__ import annotations

import click


@click.group()
def schema() -> None:
    """Not yet available."""
