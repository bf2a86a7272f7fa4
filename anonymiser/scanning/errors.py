"""Errors the stray-identifier scanner raises.

    AnonymiserError            (anonymiser.errors)
    └── ScanError              the scan was asked for something the return does not have

Identifiers *found* by the scan are not exceptions: they come back as hits, which
the caller reports as errors that stop the return. Messages here name columns
only, never a cell's value.
"""

from __future__ import annotations

from anonymiser.errors import AnonymiserError


class ScanError(AnonymiserError):
    """The scan cannot run as asked: a column to scan is not in the return."""
