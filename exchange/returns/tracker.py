"""The returns tracker: for a tracked period, where each authority's return stands.

The authorities expected are those with a sharing agreement for the return type that
started by the due date (and any other that sent one). Each gets one state:

- ``on_time`` — its return is in, first received by the end of the due date (UTC);
- ``late`` — its return is in, first received after the due date;
- ``superseded`` — its return is in and has been corrected: the current return
  supersedes an earlier one (``on_time`` says whether the first came in time);
- ``rejected`` — nothing accepted, and its latest upload was refused (with the reason);
- ``missing`` — nothing received.

The summary reads "7 of the 10 returned on time". Returns deleted at the end of their
retention still count: they were returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.registry.models import Authority
from exchange.returns.errors import UnknownPeriod
from exchange.returns.models import ACCEPTED, RefusedUpload, Return, SharingAgreement, TrackedPeriod

ON_TIME, LATE, SUPERSEDED, REJECTED, MISSING = (
    "on_time", "late", "superseded", "rejected", "missing"
)  # fmt: skip
STATES = (ON_TIME, LATE, SUPERSEDED, REJECTED, MISSING)


@dataclass(frozen=True)
class AuthorityState:
    """One authority's standing for one period."""

    code: str
    name: str
    state: str
    on_time: bool | None
    received_at: datetime | None
    manifest_hash: str | None
    superseded: int
    reason: str | None


@dataclass(frozen=True)
class PeriodStatus:
    """A tracked period, every expected authority's state, and the summary counts."""

    return_type: str
    period: str
    due_date: date
    authorities: list[AuthorityState]

    @property
    def expected(self) -> int:
        """How many authorities are expected to return."""
        return len(self.authorities)

    @property
    def returned(self) -> int:
        """How many have a return in."""
        return sum(1 for a in self.authorities if a.state in (ON_TIME, LATE, SUPERSEDED))

    @property
    def on_time(self) -> int:
        """How many returned by the due date."""
        return sum(1 for a in self.authorities if a.on_time)

    @property
    def summary(self) -> str:
        """The line for the page: 7 of the 10 returned on time."""
        return f"{self.on_time} of the {self.expected} returned on time"


def period_status(session: Session, *, return_type: str, period: str) -> PeriodStatus:
    """Where each authority's ``return_type`` return for ``period`` stands."""
    tracked = session.scalars(
        select(TrackedPeriod).where(
            TrackedPeriod.return_type == return_type, TrackedPeriod.period == period
        )
    ).first()
    if tracked is None:
        raise UnknownPeriod(
            f"The tracker does not follow {return_type} {period}; add it with "
            "`exchange period add`."
        )
    returns = session.scalars(
        select(Return)
        .where(Return.return_type == return_type, Return.period == period)
        .order_by(Return.received_at)
    ).all()
    refusals = session.scalars(
        select(RefusedUpload)
        .where(RefusedUpload.return_type == return_type, RefusedUpload.period == period)
        .order_by(RefusedUpload.received_at)
    ).all()
    states = [
        _state(authority, tracked.due_date, returns, refusals)
        for authority in _expected(session, tracked, returns)
    ]
    return PeriodStatus(return_type, period, tracked.due_date, states)


def _expected(
    session: Session, tracked: TrackedPeriod, returns: Sequence[Return]
) -> list[Authority]:
    agreed = session.scalars(
        select(Authority)
        .join(SharingAgreement, SharingAgreement.authority_id == Authority.id)
        .where(
            SharingAgreement.return_type == tracked.return_type,
            SharingAgreement.start_date <= tracked.due_date,
        )
    ).all()
    found = {a.id: a for a in agreed} | {r.authority.id: r.authority for r in returns}
    return sorted(found.values(), key=lambda a: a.code)


def _state(
    authority: Authority,
    due: date,
    returns: Sequence[Return],
    refusals: Sequence[RefusedUpload],
) -> AuthorityState:
    own = [r for r in returns if r.authority_id == authority.id]
    current = next((r for r in own if r.status == ACCEPTED), None)
    if current is not None:
        on_time = own[0].received_at.date() <= due
        state = SUPERSEDED if len(own) > 1 else (ON_TIME if on_time else LATE)
        return AuthorityState(
            authority.code, authority.name, state, on_time, current.received_at,
            current.manifest_hash, len(own) - 1, None,
        )  # fmt: skip
    refused = [r for r in refusals if r.claimed_authority == authority.code]
    if refused:
        last = refused[-1]
        return AuthorityState(authority.code, authority.name, REJECTED, None, last.received_at,
                              last.manifest_hash, 0, last.reason)  # fmt: skip
    return AuthorityState(authority.code, authority.name, MISSING, None, None, None, 0, None)
