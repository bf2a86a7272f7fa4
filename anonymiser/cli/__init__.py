"""The ``anonymiser`` command: every sub-command an authority's data officer runs.

Each sub-command lives in its own module in this package and is registered here.
User errors (:class:`anonymiser.errors.AnonymiserError`) become a one-line message
and an exit status, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from anonymiser import __version__
from anonymiser.errors import AnonymiserError

#: Each sub-command: its module in this package and the command's name there. They are
#: imported when used, so ``anonymiser prepare`` does not pay for Faker or the HTTP client.
_COMMANDS = {
    "schema": ("schema", "schema"),
    "check": ("check", "check"),
    "synth": ("synth", "synth"),
    "keys": ("keys", "keys"),
    "init": ("init", "init"),
    "prepare": ("prepare", "prepare"),
    "preview": ("preview", "preview"),
    "upload": ("upload", "upload"),
    "status": ("upload", "status"),
}


class _Group(click.Group):
    """A click group that loads sub-commands when used and turns anonymiser errors into
    a message and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module, name = _COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"anonymiser.cli.{module}"), name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except AnonymiserError as err:
            click.echo(f"Error: {err}", err=True)
            sys.exit(err.exit_code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="anonymiser")
def main() -> None:
    """Prepare an authority's anonymised return for the regional exchange."""
