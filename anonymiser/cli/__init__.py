"""The ``anonymiser`` command: every sub-command an authority's data officer runs.

Each sub-command lives in its own module in this package and is registered here.
User errors (:class:`anonymiser.errors.AnonymiserError`) become a one-line message
and an exit status, never a traceback.
"""

from __future__ import annotations

import sys

import click

from anonymiser import __version__
from anonymiser.errors import AnonymiserError


class _Group(click.Group):
    """A click group that turns anonymiser errors into a message and an exit code."""

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


def _register() -> None:
    from anonymiser.cli import check, init, keys, prepare, preview, schema, synth

    main.add_command(schema.schema)
    main.add_command(check.check)
    main.add_command(synth.synth)
    main.add_command(keys.keys)
    main.add_command(init.init)
    main.add_command(prepare.prepare)
    main.add_command(preview.preview)
    from anonymiser.cli import upload as uploading

    main.add_command(uploading.upload)
    main.add_command(uploading.status)


_register()
