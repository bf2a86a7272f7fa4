"""Ctrl-C and kill during a run: stop cleanly, and never leave a partial ``.return`` file.

:func:`interrupts_raise` turns SIGTERM and SIGHUP into :class:`Interrupted` (Ctrl-C is
already ``KeyboardInterrupt``), so every ``finally`` runs and removes temporary files.
:func:`signals_deferred` holds those signals back while a finished return is committed
(ledger entry, previews, the rename into place): a signal then takes effect just after,
so the ledger and the files on disk always agree. SIGKILL cannot be caught; the return
is still never partial, because it only appears by an atomic rename of a complete file.

Python runs a signal's handler in the main thread at whatever line it has reached,
including inside a library that catches and drops exceptions (pandas comparing dtypes
does), so the exception a handler raises can be lost. Every signal is therefore also
recorded, and :func:`raise_if_interrupted` (called between steps and before the commit)
raises for one whose exception went missing. Blocking a signal in the main thread does
not defer it either: Arrow's and the payload writer's threads can take it and Python
still runs the handler in the main thread. So while deferred, handlers only record.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from anonymiser.prepare.errors import Interrupted

_CAUGHT = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: Signals received during this run, in order (cleared when a run starts).
_received: list[int] = []


def _message(signum: int) -> str:
    if signum == signal.SIGINT:
        return "Interrupted (Ctrl-C). No partial return file was left."
    return (
        f"Interrupted ({signal.Signals(signum).name}). No partial return file was left; "
        "run the command again to make the return."
    )


def _raise(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Interrupted(_message(signum))


def _record(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)


def raise_if_interrupted() -> None:
    """Raise :class:`Interrupted` if a signal came in this run (its own exception may have
    been swallowed where the handler happened to run)."""
    if _received:
        raise Interrupted(_message(_received[0]))


@contextlib.contextmanager
def interrupts_raise() -> Iterator[None]:
    """Within the block, SIGINT, SIGTERM and SIGHUP raise (and are recorded)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received.clear()
    previous = {signum: signal.signal(signum, _raise) for signum in _CAUGHT}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Within the block, Ctrl-C, SIGTERM and SIGHUP are only recorded; at its end, one
    that came (now or earlier in the run) raises :class:`Interrupted`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raise_if_interrupted()
    previous = {signum: signal.signal(signum, _record) for signum in _CAUGHT}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    raise_if_interrupted()
