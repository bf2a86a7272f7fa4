"""`anonymiser synth` (being written)."""

from __future__ import annotations

import click


@click.group()
def synth() -> None:
    """Not yet available."""
