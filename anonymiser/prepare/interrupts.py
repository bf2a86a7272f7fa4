"""Ctrl-C and kill during a run: stop cleanly, and never leave a partial ``.return`` file.

:func:`interrupts_raise` turns SIGTERM and SIGHUP into :class:`Interrupted` (Ctrl-C is
already ``KeyboardInterrupt``), so every ``finally`` runs and removes temporary files.
:func:`signals_deferred` holds those signals back while a finished return is committed
(ledger entry, previews, the rename into place): a signal then takes effect just after,
so the ledger and the files on disk always agree. SIGKILL cannot be caught; the return
is still never partial, because it only appears by an atomic rename of a complete file.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from anonymiser.prepare.errors import Interrupted

_CAUGHT = (signal.SIGTERM, signal.SIGHUP)
_DEFERRED = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(
        f"Interrupted ({signal.Signals(signum).name}). No partial return file was left; "
        "run the command again to make the return."
    )


@contextlib.contextmanager
def interrupts_raise() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Interrupted`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise) for signum in _CAUGHT}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Within the block, Ctrl-C, SIGTERM and SIGHUP wait until it ends."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
