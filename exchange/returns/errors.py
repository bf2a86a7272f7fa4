"""Errors of returns, each a kind of :mod:`exchange.errors` error.

    ReturnRefused                          an upload the hub will not store; audited
    ├── LengthRequired(InvalidRequest)      411: no Content-Length and not chunked
    ├── ReturnTooLarge(InvalidRequest)      413: the body is over the size cap
    ├── NotVerified(InvalidRequest)         400: the signed file fails keys' verification
    ├── AuthorityMismatch(PermissionDenied) 403: the token's authority is not the manifest's
    ├── NoSharingAgreement(PermissionDenied) 403: the authority has not agreed to share it
    ├── ReplayRefused(Conflict)             409: a nonce or manifest hash seen before
    ├── SequenceNotRising(Conflict)         409: sequence not above the last one
    ├── PeriodAlreadyReturned(Conflict)     409: a return for the period is in; supersede it
    ├── SupersedesRefused(Conflict)         409: ``supersedes`` names no current return
    ├── PeriodInvalid(InvalidRequest)       422: the period is not a canonical period label
    ├── PayloadUnreadable(InvalidRequest)   422: the payload is not readable CSV
    └── RowsInvalid(InvalidRequest)         422: rows break the shared schema; capped report
    UnknownReturn(NotFound)                no such return, or not one you may see
    UnknownPeriod(NotFound)                the tracker follows no such period
    DuplicateAgreement(Conflict)           the authority already has an agreement for the type
    DuplicatePeriod(Conflict)              the period is already tracked

Every refusal carries a machine-readable ``reason`` (also in the error's details and
the audit entry) and a message telling the data officer what to do next; none quotes
a value from the return.
"""

from __future__ import annotations

from typing import Any

from exchange.errors import Conflict, ExchangeError, InvalidRequest, NotFound, PermissionDenied


class ReturnRefused(ExchangeError):
    """An upload the hub refuses; ``reason`` names why, for machines and the audit log."""

    reason = "refused"

    def __init__(
        self, message: str, *, reason: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        self.reason = reason or self.reason
        super().__init__(message, details={"reason": self.reason, **(details or {})})


class LengthRequired(ReturnRefused, InvalidRequest):
    """The upload has no Content-Length and is not chunked."""

    status = 411
    code = "length_required"
    reason = "length_required"


class ReturnTooLarge(ReturnRefused, InvalidRequest):
    """The upload is larger than the hub accepts."""

    status = 413
    code = "request_entity_too_large"
    reason = "too_large"


class NotVerified(ReturnRefused, InvalidRequest):
    """The return file fails verification (signature, key, format, payload)."""

    code = "return_not_verified"


class AuthorityMismatch(ReturnRefused, PermissionDenied):
    """The token belongs to one authority and the return claims another."""

    reason = "authority_mismatch"


class NoSharingAgreement(ReturnRefused, PermissionDenied):
    """No sharing agreement of the authority covers this return type today."""

    code = "no_sharing_agreement"
    reason = "no_sharing_agreement"


class ReplayRefused(ReturnRefused, Conflict):
    """The nonce or manifest hash was used before by another return."""

    reason = "replay"


class SequenceNotRising(ReturnRefused, Conflict):
    """The sequence number is not above every earlier one of the type."""

    reason = "sequence_not_rising"


class PeriodAlreadyReturned(ReturnRefused, Conflict):
    """A return for this period is already in; a correction must supersede it."""

    reason = "period_already_returned"


class SupersedesRefused(ReturnRefused, Conflict):
    """``supersedes`` names no current return of the same authority, type and period."""

    reason = "supersedes_not_current"


class PeriodInvalid(ReturnRefused, InvalidRequest):
    """The manifest's period is not a canonical return period label."""

    status = 422
    code = "period_invalid"
    reason = "period_invalid"


class PayloadUnreadable(ReturnRefused, InvalidRequest):
    """The payload cannot be read as the shared CSV."""

    status = 422
    code = "payload_unreadable"
    reason = "payload_unreadable"


class RowsInvalid(ReturnRefused, InvalidRequest):
    """Rows break the shared schema; the whole return is refused."""

    status = 422
    code = "rows_invalid"
    reason = "rows_invalid"


class UnknownReturn(NotFound):
    """No return has that manifest hash, or the caller may not see it."""


class UnknownPeriod(NotFound):
    """The tracker does not follow that return type and period."""


class DuplicateAgreement(Conflict):
    """The authority already has a sharing agreement for that return type."""


class DuplicatePeriod(Conflict):
    """That return type and period are already tracked."""
