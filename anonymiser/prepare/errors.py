"""Errors raised while preparing a return.

    AnonymiserError                      (anonymiser.errors; exit 1)
    ├── PrepareError                     the return was not made; the officer must act
    │   ├── ProblemsInData               the raw file has errors (carries the check report)
    │   ├── StrayIdentifiers             identifiers found in kept text (carries the hits)
    │   ├── PeriodAlreadySent            a return for the period exists: use --supersedes
    │   └── LedgerBusy                   another prepare holds the ledger
    ├── UnusableInput                    (anonymiser.errors; exit 2)
    │   ├── KeysUnusable                 missing or unreadable key, wrong passphrase,
    │   │                                key file others can read, wrong authority
    │   └── LedgerUnusable               the ledger file cannot be read or written
    └── Interrupted                      Ctrl-C or kill (exit 130); nothing partial is left

Messages name files, rows, columns and counts; never a value from the raw export.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from anonymiser.errors import AnonymiserError, UnusableInput

if TYPE_CHECKING:
    from anonymiser.checking import CheckReport


class PrepareError(AnonymiserError):
    """The return was not made: something in the data or the ledger needs the officer."""


class ProblemsInData(PrepareError):
    """The raw export has errors; ``report`` is the check report naming each cell."""

    def __init__(self, message: str, *, report: CheckReport) -> None:
        super().__init__(message)
        self.report = report


class StrayIdentifiers(PrepareError):
    """Identifiers were found in text that would leave; ``hits`` names row and column."""

    def __init__(self, message: str, *, hits: pd.DataFrame) -> None:
        super().__init__(message)
        self.hits = hits


class PeriodAlreadySent(PrepareError):
    """A return for this authority, type and period was already made."""


class LedgerBusy(PrepareError):
    """Another ``anonymiser prepare`` is using the ledger right now."""


class KeysUnusable(UnusableInput):
    """The keys cannot be used: missing, unreadable, locked with another passphrase,
    readable by others, or for another authority."""


class LedgerUnusable(UnusableInput):
    """The ledger of prepared returns cannot be read or written."""


class Interrupted(AnonymiserError):
    """The run was interrupted (Ctrl-C, kill); no partial return file is left."""

    exit_code = 130
