"""The ``exchange`` command: set up and administer the hub.

Every sub-command lives in a module of this package, grouped by domain, and is listed
in :data:`COMMANDS`; ``create_app`` adds the same commands to ``flask --app exchange``.
Commands that need the hub build it from its settings (``EXCHANGE_*`` variables and
the instance file); ``exchange audit verify`` needs neither. Errors a user can fix
print one line and exit 1, never a traceback.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import ScriptInfo

from exchange.cli.accounts import token, user
from exchange.cli.audit import audit, checkpoint
from exchange.cli.ops import backup, restore
from exchange.cli.picture import picture
from exchange.cli.registry import authority, key
from exchange.cli.returns import agreement, period, retention
from exchange.cli.setup import database, init, run
from exchange.db import dispose

COMMANDS: tuple[click.Command, ...] = (
    init,
    database,
    authority,
    key,
    user,
    token,
    audit,
    checkpoint,
    agreement,
    period,
    retention,
    picture,
    backup,
    restore,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Administer the regional exchange hub: set-up, registry, accounts, returns, audit log."""
    built: list[Flask] = []

    def build() -> Flask:
        from exchange import create_app

        built.append(create_app())
        return built[-1]

    ctx.obj = ScriptInfo(create_app=build, set_debug_flag=False)

    def close() -> None:
        for app in built:
            dispose(app)  # pooled connections closed before the process ends

    ctx.call_on_close(close)


for _command in COMMANDS:
    main.add_command(_command)
main.add_command(run)  # the development server; production runs gunicorn
