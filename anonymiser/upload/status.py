"""What the hub holds from this authority: its returns and the state of each.

The hub shows a data officer's token only its own authority's returns, newest first:
``accepted`` (the current return for its period) or ``superseded`` (replaced by a
correction), and whether retention has deleted its rows.
"""

from __future__ import annotations

from typing import Any

from anonymiser.upload.client import HubClient, Notice, RetryPolicy, refuse_unless_ok, with_retries
from anonymiser.upload.settings import HubConnection

PAGE = 1000


def fetch_returns(
    *,
    connection: HubConnection,
    return_type: str | None = None,
    period: str | None = None,
    policy: RetryPolicy | None = None,
    notice: Notice | None = None,
) -> list[dict[str, Any]]:
    """This authority's returns as the hub lists them, newest first."""
    params: dict[str, Any] = {"limit": PAGE}
    if return_type:
        params["return_type"] = return_type
    if period:
        params["period"] = period
    with HubClient(connection) as client:
        response = with_retries(lambda: client.get("/api/v1/returns", params),
                                policy=policy or RetryPolicy(), notice=notice)  # fmt: skip
    returns: list[dict[str, Any]] = refuse_unless_ok(response, doing="the list")["returns"]
    return returns


def describe(item: dict[str, Any]) -> str:
    """One return as a line for people."""
    state = item["status"] + (" (rows deleted at the end of retention)" if item["deleted_at"]
                              else "")  # fmt: skip
    return (
        f"{item['period']:<8} {item['return_type']:<15} seq {item['sequence']:<4} "
        f"{state:<11} received {item['received_at'][:16].replace('T', ' ')}  "
        f"{item['rows']:>9,} rows  {item['manifest_hash'][:12]}"
    )
