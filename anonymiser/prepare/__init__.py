"""Preparing a return: a council's raw export in, a signed anonymised return out, or nothing.

    job = PrepareJob(source, schema, period, output, ...)
    prepared = prepare_return(job, credentials=unlock(...), ledger=Ledger(path), steps=...)

See :mod:`anonymiser.prepare.pipeline` for the steps, :mod:`.ledger` for sequence numbers
and supersession, :mod:`.commit` for how a return is put in place whole, and
:mod:`.errors` for why a run can stop.
"""

from __future__ import annotations

from anonymiser.prepare.credentials import Credentials, unlock
from anonymiser.prepare.errors import (
    Interrupted,
    KeysUnusable,
    LedgerBusy,
    LedgerUnusable,
    PeriodAlreadySent,
    PrepareError,
    ProblemsInData,
    StrayIdentifiers,
)
from anonymiser.prepare.interrupts import interrupts_raise
from anonymiser.prepare.ledger import LEDGER_FORMAT, Ledger, LedgerEntry
from anonymiser.prepare.pipeline import STEP_COUNT, PreparedReturn, PrepareJob, prepare_return
from anonymiser.prepare.progress import Steps, steps_for

__all__ = [
    "LEDGER_FORMAT",
    "STEP_COUNT",
    "Credentials",
    "Interrupted",
    "KeysUnusable",
    "Ledger",
    "LedgerBusy",
    "LedgerEntry",
    "LedgerUnusable",
    "PeriodAlreadySent",
    "PrepareError",
    "PrepareJob",
    "PreparedReturn",
    "ProblemsInData",
    "Steps",
    "StrayIdentifiers",
    "interrupts_raise",
    "prepare_return",
    "steps_for",
    "unlock",
]
