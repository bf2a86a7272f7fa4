"""Telling other parts of the hub that the returns they are built from changed.

Roll-ups (regional tables, benchmarks) are computed from stored returns, so they must
be recomputed when a return is accepted, supersedes another, or is deleted at the end
of its retention. A domain registers a callback with :func:`on_returns_changed`::

    from exchange.returns.hooks import ReturnsChanged, on_returns_changed

    @on_returns_changed
    def recompute(session: Session, change: ReturnsChanged) -> None:
        ...  # rebuild what depends on (change.return_type, change.periods)

Callbacks run after the change is committed, in registration order, each with the
session (commit what you write). One that fails is logged (by name, without the
error's text) and does not undo the change or stop the others: roll-ups must be
rebuildable at any time from the stored returns. None is registered yet; the
aggregates issue adds the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlalchemy.orm import Session

log = structlog.get_logger("exchange.returns")


@dataclass(frozen=True)
class ReturnsChanged:
    """Which returns changed, and why (``accepted``, ``superseded`` or ``deleted``)."""

    reason: str
    return_type: str
    periods: tuple[str, ...]
    authorities: tuple[str, ...]


Callback = Callable[[Session, ReturnsChanged], None]
_CALLBACKS: list[Callback] = []


def on_returns_changed(callback: Callback) -> Callback:
    """Register ``callback`` (usable as a decorator); registering twice has no effect."""
    if callback not in _CALLBACKS:
        _CALLBACKS.append(callback)
    return callback


def forget(callback: Callback) -> None:
    """Unregister ``callback`` (if it was registered)."""
    if callback in _CALLBACKS:
        _CALLBACKS.remove(callback)


def registered() -> tuple[Callback, ...]:
    """The callbacks, in the order they run."""
    return tuple(_CALLBACKS)


def notify_returns_changed(session: Session, change: ReturnsChanged) -> None:
    """Run every callback for ``change`` (call after committing the change)."""
    for callback in _CALLBACKS:
        try:
            callback(session, change)
        except Exception as err:
            session.rollback()
            log.error(
                "returns_changed_callback_failed",
                callback=getattr(callback, "__qualname__", repr(callback)),
                error_type=type(err).__name__,
            )
