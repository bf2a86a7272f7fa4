"""Stray identifiers in the text a return keeps: found fast, reported by row and column.

    scan(frame, *, columns, names=None, exempt_dates=()) -> DataFrame of hits
        [row, column, kind, masked, message]
    scan_with_notes(...) -> ScanResult(hits, chance): the same, with the finance
        references let through as chance NHS or phone numbers (ChanceMatches)

Kinds: NHS numbers (check digit valid), National Insurance numbers, full UK
postcodes, email addresses, UK phone numbers, dates (in a text column most likely
a date of birth), and names already seen in the file's own name columns. What
each accepts is written down in :mod:`~anonymiser.scanning.identifiers`,
:mod:`~anonymiser.scanning.dates` and :mod:`~anonymiser.scanning.names`. Every hit
is an error that stops the return; the masked rendering never shows the value. The
one exception is :mod:`~anonymiser.scanning.references`: bare document numbers in a
column of them, which pass the NHS check digit one time in eleven by chance.
"""

from __future__ import annotations

from anonymiser.scanning.errors import ScanError
from anonymiser.scanning.names import NameIndex
from anonymiser.scanning.references import ChanceMatches
from anonymiser.scanning.scanner import HIT_COLUMNS, KINDS, ScanResult, scan, scan_with_notes

__all__ = [
    "HIT_COLUMNS",
    "KINDS",
    "ChanceMatches",
    "NameIndex",
    "ScanError",
    "ScanResult",
    "scan",
    "scan_with_notes",
]
