"""Showing a long run's progress: a rich bar at a terminal, plain lines otherwise.

The pipeline names each step as it starts (:meth:`Steps.step`); the reporter shows it
and records how long it took. At a terminal a rich progress bar counts the steps; in a
log or a pipe each step is one plain line (``[3/10] Pseudonymising identifiers... 1.4 s``)
on standard error; with ``--json`` nothing is shown. The bar is redrawn only between
steps (no refresh thread), so the pseudonymiser can still fork its worker processes.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from anonymiser.prepare.interrupts import raise_if_interrupted


class Steps:
    """Records each step's duration; shows nothing (``--json``, tests)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.timings: dict[str, float] = {}
        self._started = time.perf_counter()

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Run one named step (a signal whose exception was lost stops it at either end)."""
        raise_if_interrupted()
        self._begin(name)
        started = time.perf_counter()
        try:
            yield
            raise_if_interrupted()
        except BaseException:
            self._stopped(name)
            raise
        elapsed = time.perf_counter() - started
        self.timings[name] = round(elapsed, 3)
        self.done += 1
        self._end(name, elapsed)

    def note(self, message: str) -> None:
        """Something the officer should read (dropped columns, and the like)."""

    def close(self) -> None:
        """The run is over (successfully or not)."""

    @property
    def elapsed(self) -> float:
        """Seconds since the reporter was made."""
        return time.perf_counter() - self._started

    def _begin(self, name: str) -> None:
        pass

    def _end(self, name: str, elapsed: float) -> None:
        pass

    def _stopped(self, name: str) -> None:
        pass


class PlainSteps(Steps):
    """One line per step, for logs and pipes."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        super().__init__(total)
        self.stream = stream or sys.stderr

    def note(self, message: str) -> None:
        print(f"Note: {message}", file=self.stream, flush=True)

    def _begin(self, name: str) -> None:
        print(f"[{self.done + 1}/{self.total}] {name}...", end="", file=self.stream, flush=True)

    def _end(self, name: str, elapsed: float) -> None:
        print(f" {elapsed:.1f} s", file=self.stream, flush=True)

    def _stopped(self, name: str) -> None:
        print(" stopped.", file=self.stream, flush=True)


class BarSteps(Steps):
    """A rich progress bar over the steps, at a terminal."""

    def __init__(self, total: int, console: Console) -> None:
        super().__init__(total)
        self.console = console
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            auto_refresh=False,
            transient=True,
        )
        self.task = self.bar.add_task("Starting", total=total)
        self.bar.start()

    def note(self, message: str) -> None:
        self.bar.console.print(f"Note: {message}", markup=False, highlight=False)

    def close(self) -> None:
        self.bar.stop()

    def _begin(self, name: str) -> None:
        self.bar.update(self.task, description=name)
        self.bar.refresh()

    def _end(self, name: str, elapsed: float) -> None:
        self.bar.console.print(f"{name}: {elapsed:.1f} s", markup=False, highlight=False)
        self.bar.update(self.task, completed=self.done)
        self.bar.refresh()


def steps_for(total: int, *, quiet: bool) -> Steps:
    """The reporter to use: none when ``quiet``, a bar at a terminal, else plain lines."""
    if quiet:
        return Steps(total)
    console = Console(file=sys.stderr, highlight=False)
    if console.is_terminal:
        return BarSteps(total, console)
    return PlainSteps(total)
