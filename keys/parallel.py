"""Running a CPU-bound batch (pseudonymising a million identifiers) on every core.

The batch is cut into chunks: the first is computed in this process while each other
chunk runs in a child process. A child's results come back as one block of
newline-separated text, read once this process has finished its own chunk, so no
background thread competes with the computation.
"""

from __future__ import annotations

import multiprocessing
import os
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
