"""Running a CPU-bound batch (pseudonymising a million identifiers) on every core.

The batch is cut into chunks: the first is computed in this process while each other
chunk runs in a child process. A child's results come back as one block of
newline-separated text, read once this process has finished its own chunk, so no
background thread competes with the computation.

:class:`WorkerPool` starts its workers early and takes chunks later, returning at once,
so this process can do other work (the anonymiser generalises and checks risk meanwhile)
before it collects the results with :meth:`Pending.blocks`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

MAX_WORKERS = 8

StringsFunction = Callable[..., list[str | None]]


def usable_cores() -> int:
    """How many cores this process may run on (at most :data:`MAX_WORKERS`)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:
        count = os.cpu_count() or 1
    return max(1, min(count, MAX_WORKERS))


def process_context() -> BaseContext:
    """``fork`` when it is safe (one thread, POSIX): it starts in milliseconds and the
    child inherits its chunk without copying. Forking a process that runs other threads
    can deadlock the child, so then a fresh interpreter is spawned instead."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def map_chunks(
    function: StringsFunction, args: tuple[Any, ...], chunks: list[list[Any]]
) -> list[str | None]:
    """``function(*args, chunk)`` for every chunk, concatenated in order.

    ``function`` must be a module-level function returning strings without newlines
    (or ``None``). A child that fails has its chunk recomputed here.
    """
    context = process_context()
    children = [_start(context, function, args, chunk) for chunk in chunks[1:]]
    result = function(*args, chunks[0])
    for (process, receiver), chunk in zip(children, chunks[1:], strict=True):
        try:
            result.extend(_decode(receiver.recv_bytes()))
        except EOFError:
            result.extend(function(*args, chunk))
        finally:
            receiver.close()
            process.join()
    return result


class WorkerPool:
    """Worker processes started early, while this process is still small, to take chunks
    later (:meth:`start`) while this process goes on with other work.

    Forking once the process holds a million-row frame is what this avoids: every page
    this process then writes is copied for as long as a child lives, which made the
    other work several times slower. Results come back as one block of text per chunk,
    like :func:`map_chunks`. Use it as a context manager: the workers stop at the end.
    """

    def __init__(self, workers: int | None = None) -> None:
        """``workers`` processes (default: one per core); 0 computes every chunk here."""
        self.workers = usable_cores() if workers is None else max(0, workers)
        self._pool: Any = None
        if self.workers > 0:
            context = process_context()
            self._pool = context.Pool(self.workers, initializer=_worker_signals)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is None and self._pool is not None:
            self._pool.close()  # every chunk was collected: let the workers finish and go
            self._pool.join()
            self._pool = None
        self.close()

    def start(self, function: StringsFunction, tasks: list[tuple[tuple[Any, ...], Any]]) -> Pending:
        """Start ``function(*args, chunk)`` for every ``(args, chunk)``; returns at once
        (with one worker, or none, the chunks are computed here first)."""
        if self._pool is None:
            return Pending(function, tasks, [None] * len(tasks))
        started = [
            self._pool.apply_async(_encoded, (function, args, chunk)) for args, chunk in tasks
        ]
        return Pending(function, tasks, started)

    def close(self) -> None:
        """Stop the workers (any chunk still running is abandoned)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


class Pending:
    """Chunks given to a :class:`WorkerPool`; :meth:`blocks` collects them in order."""

    def __init__(
        self,
        function: StringsFunction,
        tasks: list[tuple[tuple[Any, ...], Any]],
        started: list[Any],
    ) -> None:
        self._function, self._tasks, self._started = function, tasks, started

    def blocks(self) -> list[bytes]:
        """Each chunk's strings as one block of UTF-8 lines (``""`` for ``None``), in order,
        for a caller that turns them into an array without a Python string per value."""
        blocks = []
        for (args, chunk), started in zip(self._tasks, self._started, strict=True):
            block: bytes | None = None
            if started is not None:
                try:
                    block = started.get()
                except Exception:  # a worker that died or failed: compute the chunk here
                    block = None
            if block is None or block.count(b"\n") + 1 != len(chunk):
                block = _encoded(self._function, args, chunk)
            blocks.append(block)
        return blocks


def _worker_signals() -> None:
    """A worker takes the default signal handling, whatever its parent installed: it is
    stopped by SIGTERM at once (the parent's handler would raise inside the pool's queue
    lock and leave :meth:`WorkerPool.close` waiting), and Ctrl-C is the parent's to act on."""
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _encoded(function: StringsFunction, args: tuple[Any, ...], chunk: list[Any]) -> bytes:
    return "\n".join(v or "" for v in function(*args, chunk)).encode("utf-8")


def _start(
    context: BaseContext, function: StringsFunction, args: tuple[Any, ...], chunk: list[Any]
) -> tuple[Any, Connection]:
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(  # type: ignore[attr-defined]
        target=_child, args=(sender, function, args, chunk), daemon=True
    )
    process.start()
    sender.close()
    return process, receiver


def _child(
    sender: Connection, function: StringsFunction, args: tuple[Any, ...], chunk: list[Any]
) -> None:
    values = function(*args, chunk)
    sender.send_bytes("\n".join(v or "" for v in values).encode("utf-8"))
    sender.close()


def _decode(block: bytes) -> list[str | None]:
    return [v or None for v in block.decode("utf-8").split("\n")]
