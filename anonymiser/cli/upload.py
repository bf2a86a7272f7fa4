"""`anonymiser upload` and `anonymiser status`: send a signed return to the hub, and see
what the hub holds from this authority.

The API token is read from ``ANONYMISER_HUB_TOKEN`` or the file named by
``ANONYMISER_HUB_TOKEN_FILE``, never from the command line; the hub's public key, which
every receipt must verify with, from ``ANONYMISER_HUB_KEY`` (see docs/upload.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from anonymiser.config import Settings, load_settings
from anonymiser.errors import AnonymiserError
from anonymiser.prepare.ledger import Ledger
from anonymiser.upload import (
    HubConnection,
    RetryPolicy,
    Uploaded,
    fetch_returns,
    hub_connection,
    upload_return,
)
from anonymiser.upload.status import describe
from keys.timestamps import format_utc

hub_option = click.option(
    "--hub",
    "hub_url",
    help="The hub's address (default: hub_url in anonymiser.toml, or $ANONYMISER_HUB_URL).",
)
config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The settings file (default: $ANONYMISER_CONFIG, else ./anonymiser.toml if present).",
)
retries_option = click.option(
    "--retries",
    type=click.IntRange(1, 20),
    default=5,
    show_default=True,
    help="Attempts in all before giving up on network errors and 5xx answers (4xx: never).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")


def _connection(hub_url: str | None, settings: Settings) -> HubConnection:
    return hub_connection(hub_url or settings.values.get("hub_url"))


def _note_in_ledger(settings: Settings, uploaded: Uploaded) -> None:
    """Mark the return uploaded in the ledger of prepared returns, if it was made here."""
    ledger = Ledger(settings.ledger_path())
    receipt = uploaded.receipt
    try:
        if ledger.path.exists() and ledger.find(receipt.manifest_hash) is not None:
            with ledger.locked():
                ledger.mark_uploaded(receipt.manifest_hash, format_utc(receipt.received_at))
    except AnonymiserError as err:  # the ledger's own errors; the upload itself stands
        click.echo(f"Note: the upload succeeded but the ledger was not updated: {err}", err=True)


def _notice(message: str) -> None:
    click.echo(message, err=True)


@click.command("upload")
@click.argument("return_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@hub_option
@retries_option
@json_option
@config_option
def upload(
    return_file: Path, hub_url: str | None, retries: int, as_json: bool, config_file: Path | None
) -> None:
    """Send a signed return to the hub; succeed only on a verified receipt, saved beside it."""
    settings = load_settings(config_file)
    uploaded = upload_return(
        return_file, connection=_connection(hub_url, settings),
        policy=RetryPolicy(attempts=retries), notice=_notice,
    )  # fmt: skip
    _note_in_ledger(settings, uploaded)
    if as_json:
        click.echo(json.dumps(_document(uploaded), indent=2))
        return
    receipt = uploaded.receipt
    first = "The hub already held this return" if uploaded.replayed else "Accepted"
    click.echo(
        f"{first}: {receipt.return_type} {receipt.period} from {receipt.authority}, "
        f"{receipt.rows:,} rows (sequence {receipt.sequence}), now {uploaded.status}."
    )
    click.echo(
        f"Receipt verified with the hub key: audit log entry {receipt.log_index} of "
        f"{receipt.tree_size}, received {receipt.received_at:%Y-%m-%d %H:%M} UTC."
    )
    click.echo(f"Receipt saved to {uploaded.receipt_path}")


def _document(uploaded: Uploaded) -> dict[str, object]:
    receipt = uploaded.receipt
    return {
        "manifest_hash": receipt.manifest_hash,
        "authority": receipt.authority,
        "return_type": receipt.return_type,
        "period": receipt.period,
        "sequence": receipt.sequence,
        "rows": receipt.rows,
        "status": uploaded.status,
        "replayed": uploaded.replayed,
        "received_at": receipt.received_at.isoformat(),
        "log_index": receipt.log_index,
        "receipt_file": str(uploaded.receipt_path),
    }


@click.command("status")
@hub_option
@click.option("--type", "return_type", help="Only this return type (e.g. placements).")
@click.option("--period", help="Only this period (e.g. 2026-Q2).")
@retries_option
@json_option
@config_option
def status(
    hub_url: str | None,
    return_type: str | None,
    period: str | None,
    retries: int,
    as_json: bool,
    config_file: Path | None,
) -> None:
    """List this authority's returns on the hub and the state of each."""
    returns = fetch_returns(
        connection=_connection(hub_url, load_settings(config_file)), return_type=return_type,
        period=period,
        policy=RetryPolicy(attempts=retries), notice=_notice,
    )  # fmt: skip
    if as_json:
        click.echo(json.dumps(returns, indent=2))
        return
    if not returns:
        click.echo("The hub holds no return from this authority yet.")
        return
    for item in returns:
        click.echo(describe(item))
