"""Sending signed returns to the regional hub, and asking it what it holds.

``anonymiser upload`` streams a return file to the hub, retrying network errors and
5xx answers (never 4xx), and reports success only once the hub's signed receipt has
been verified with the hub's public key; ``anonymiser status`` lists this authority's
returns on the hub. Settings are described in :mod:`anonymiser.upload.settings` and
docs/upload.md.
"""

from __future__ import annotations

from anonymiser.upload.client import HubClient, RetryPolicy
from anonymiser.upload.errors import (
    HubRefused,
    HubSettingsMissing,
    HubUnavailable,
    ReceiptRefused,
    UploadError,
)
from anonymiser.upload.settings import HubConnection, hub_connection
from anonymiser.upload.status import fetch_returns
from anonymiser.upload.uploading import Uploaded, receipt_path_for, upload_return

__all__ = [
    "HubClient",
    "HubConnection",
    "HubRefused",
    "HubSettingsMissing",
    "HubUnavailable",
    "ReceiptRefused",
    "RetryPolicy",
    "UploadError",
    "Uploaded",
    "fetch_returns",
    "hub_connection",
    "receipt_path_for",
    "upload_return",
]
