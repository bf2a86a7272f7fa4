"""Stray identifiers in the text a return keeps: found fast, reported by row and column.

    scan(frame, *, columns, names=None, exempt_dates=()) -> DataFrame of hits
        [row, column, kind, masked, message]

Kinds: NHS numbers (check digit valid), National Insurance numbers, full UK
postcodes, email addresses, UK phone numbers, dates (in a text column most likely
a date of birth), and names already seen in the file's own name columns. What
each accepts is written down in :mod:`~anonymiser.scanning.identifiers`,
:mod:`~anonymiser.scanning.dates` and :mod:`~anonymiser.scanning.names`. Every hit
is an error that stops the return; the masked rendering never shows the value.
"""

from __future__ import annotations

from anonymiser.scanning.errors import ScanError
from anonymiser.scanning.names import NameIndex
from anonymiser.scanning.scanner import HIT_COLUMNS, KINDS, scan

__all__ = ["HIT_COLUMNS", "KINDS", "NameIndex", "ScanError", "scan"]
