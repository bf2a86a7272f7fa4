"""Dates in text columns: in a kept text field a date is most likely someone's date of birth.

Accepted, exactly (day first always, as in the UK):

* ``dd/mm/yyyy``, ``dd-mm-yyyy`` and ``dd.mm.yyyy``, one or two digits for day and
  month, the same separator twice (``3/4/1951``, ``03-04-1951``);
* ``yyyy-mm-dd`` (also the date part of ``2024-03-31 00:00:00``);
* ``d Month yyyy`` with the month in full or in three letters, an optional ordinal
  and comma (``3 April 1951``, ``3rd Apr, 1951``, ``31-Mar-2024``).

The date must exist in the calendar, with a year from 1880 to 2099. Two-digit years
are not taken (``3/4/51`` reads as often as a ratio or a code). A month alone
(``2026-06``) or a financial year (``2024-25``) is not a date. A column that
legitimately holds dates is exempted by the caller.
"""

from __future__ import annotations

import datetime as dt
import re

from anonymiser.scanning.detectors import Detector, Match, each

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAME = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_GAP = "[ \t\u00a0-]+"
_WORDY = rf"(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?{_GAP}(?P<m3>{_MONTH_NAME})\.?,?{_GAP}(?P<y3>\d{{4}})"
_PATTERN = rf"""
    (?<![\d/.\-])
    (?:
        (?P<d1>\d{{1,2}})(?P<sep>[/.\-])(?P<m1>\d{{1,2}})(?P=sep)(?P<y1>\d{{4}})
      | (?P<y2>\d{{4}})-(?P<m2>\d{{2}})-(?P<d2>\d{{2}})
      | {_WORDY}
    )
    (?![\d]|[/.\-]\d)
"""
_PREFILTER = (
    r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{4}-\d{2}-\d{2}"
    rf"|(?i:\d(?:st|nd|rd|th)?{_GAP}(?:{_MONTH_NAME})\.?,?{_GAP}\d{{4}})"
)
_ALPHANUMERIC = re.compile(r"[^\W_]")


def _date_of(match: Match) -> tuple[int, int, int]:
    """Year, month and day of a match, whichever of the three forms it took."""
    if match.group("y1"):
        return int(match.group("y1")), int(match.group("m1")), int(match.group("d1"))
    if match.group("y2"):
        return int(match.group("y2")), int(match.group("m2")), int(match.group("d2"))
    month = _MONTHS.index(match.group("m3")[:3].lower()) + 1
    return int(match.group("y3")), month, int(match.group("d3"))


def _is_calendar_date(match: Match) -> bool:
    year, month, day = _date_of(match)
    if not 1880 <= year <= 2099:
        return False
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


DATE_OF_BIRTH = Detector(
    kind="date_of_birth",
    prefilter=_PREFILTER,
    pattern=_PATTERN,
    mask=lambda m: _ALPHANUMERIC.sub("•", m.group(0)),
    rule=each(_is_calendar_date),
    flags=re.IGNORECASE | re.VERBOSE,
)
