"""Errors of uploading a return to the hub.

    AnonymiserError (exit 1)
    └── UploadError                   the upload did not end with a verified receipt
        ├── HubRefused                the hub answered 4xx: its message, never retried
        ├── HubUnavailable            network errors or 5xx answers after every retry,
        │                             or a certificate the machine does not trust
        └── ReceiptRefused            the receipt does not verify, or is not for this return
    UnusableInput (exit 2)
    └── HubSettingsMissing            no hub address, token or hub key; an unusable token
                                      file or CA bundle

Messages say what to do next; they never carry the API token.
"""

from __future__ import annotations

from anonymiser.errors import AnonymiserError, UnusableInput


class UploadError(AnonymiserError):
    """The upload did not end with a verified receipt."""


class HubRefused(UploadError):
    """The hub refused the request (4xx); retrying the same request cannot help."""

    def __init__(self, message: str, *, status: int, reason: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class HubUnavailable(UploadError):
    """The hub could not be reached, or kept failing (5xx), after every retry."""


class ReceiptRefused(UploadError):
    """The hub's receipt fails verification or does not describe the return sent."""


class HubSettingsMissing(UnusableInput):
    """A setting the upload needs is missing or unusable (exit 2)."""
