"""Dates, read day first (UK) in the forms exports and spreadsheets produce.

Accepted: ISO ``2024-03-31`` (with a time, ``2024-03-31 00:00:00``, as pandas and Excel
write datetimes), ``31/03/2024`` (also ``31-03-2024``, ``31.03.2024``), ``31-Mar-2024``,
``31 March 2024``, ``31st March 2024``, and Excel serial day numbers such as ``45382``.
Two-digit years and a year on its own are refused with their own message, since guessing
the century of a date of birth is exactly the wrong thing to do.

The rule is stated once, as data both engines read: the :data:`DATE_FORMATS` patterns,
:data:`MONTH_NAMES`, the accepted range and Excel's epoch, and the order of the reasons a
value is refused (:data:`VERDICTS`). :func:`judge_dates` applies it to a column with numpy,
:func:`judge_date` to one value with :mod:`datetime`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemas.fieldtypes.base import (
    ColumnOutcome,
    Failure,
    FieldType,
    ParseContext,
    Pattern,
    ValueOutcome,
    ascii_lower,
)

EARLIEST = np.datetime64("1900-01-01", "D")
LATEST = np.datetime64("2100-12-31", "D")
#: Excel's day 0; serials from 61 (1900-03-01) on are right despite Excel's 1900 leap year.
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
FIRST_SERIAL = 61
_EARLIEST_DATE, _LATEST_DATE, _EXCEL_EPOCH_DATE = (
    d.astype(dt.date) for d in (EARLIEST, LATEST, EXCEL_EPOCH)
)
_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
#: Month names and abbreviations (lower case) -> month number.
MONTH_NAMES: dict[str, int] = {}
for _number, _name in enumerate(_MONTHS, start=1):
    MONTH_NAMES[_name] = _number
    MONTH_NAMES[_name[:3]] = _number
MONTH_NAMES["sept"] = 9


@dataclass(frozen=True)
class DateFormat:
    """A written form of a date: a pattern with named groups ``y``, ``m``/``mon``, ``d``."""

    name: str
    pattern: Pattern


DATE_FORMATS: tuple[DateFormat, ...] = (
    DateFormat(
        "iso", Pattern(rf"(?P<y>[0-9]{{4}})-(?P<m>[0-9]{{1,2}})-(?P<d>[0-9]{{1,2}}){_TIME}")
    ),
    DateFormat(
        "day_first",
        Pattern(rf"(?P<d>[0-9]{{1,2}})[/.-](?P<m>[0-9]{{1,2}})[/.-](?P<y>[0-9]{{4}}){_TIME}"),
    ),
    DateFormat(
        "month_name",
        Pattern(
            r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?[ -]+(?P<mon>[A-Za-z]{3,9})\.?[ -]+"
            rf"(?P<y>[0-9]{{4}}){_TIME}"
        ),
    ),
    DateFormat("excel_serial", Pattern(r"(?P<serial>[0-9]{2,6})(?:\.[0-9]+)?")),
)

DATE_FORMAT = Failure(
    "date.format",
    "The value is not a date in a recognised form",
    "Write dates day first, such as 31/03/2024, 2024-03-31 or 31 March 2024.",
)
DATE_TWO_DIGIT_YEAR = Failure(
    "date.two_digit_year",
    "The date has a two-digit year, so its century is unknown",
    "Write the year in full (31/03/1948, not 31/03/48).",
)
DATE_YEAR_ONLY = Failure(
    "date.year_only",
    "The value is a year on its own, not a date",
    "Give the full date, day first (31/03/2024).",
)
DATE_INVALID = Failure(
    "date.invalid",
    "There is no such date (a day or month out of range)",
    "Dates are read day first: 03/31/2024 is month 31. Check the day and month.",
)
DATE_OUT_OF_RANGE = Failure(
    "date.out_of_range",
    "The date is before 1900 or after 2100",
    "Check the year; a placeholder date such as 01/01/1800 should be left empty instead.",
)
_TWO_DIGIT_YEAR = Pattern(r"[0-9]{1,2}[/.-](?:[0-9]{1,2}|[A-Za-z]{3,9})[/.-][0-9]{2}")
_YEAR_ONLY = Pattern(r"(?:19|20)[0-9]{2}")


_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def days_from_civil(years: np.ndarray, months: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of (proleptic Gregorian) dates, in integer arithmetic."""
    shifted: np.ndarray = years - (months <= 2)
    era = np.floor_divide(shifted, 400)
    year_of_era = shifted - era * 400
    day_of_year = (153 * ((months + 9) % 12) + 2) // 5 + days - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of each count of days since 1970-01-01."""
    shifted = np.asarray(days, dtype=np.int64) + 719468
    era = np.floor_divide(shifted, 146097)
    day_of_era = shifted - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = np.where(month_index < 10, month_index + 3, month_index - 9)
    return year_of_era + era * 400 + (month <= 2), month, day


def compose_dates(
    years: np.ndarray, months: np.ndarray, days: np.ndarray, serials: np.ndarray
) -> np.ndarray:
    """Dates (datetime64[D]) from numbers; NaT where there is no such date.

    A row uses ``serials`` when it is not negative, otherwise year, month and day.
    """
    years, months, days, serials = (
        np.asarray(a, dtype=np.int64) for a in (years, months, days, serials)
    )
    month_ok = (months >= 1) & (months <= 12) & (years >= 1) & (years <= 9999)
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    length = _DAYS_IN_MONTH[np.where(month_ok, months, 0)] + (month_ok & (months == 2) & leap)
    valid = month_ok & (days >= 1) & (days <= length)
    counts = np.where(valid, days_from_civil(years, months, days), 0)
    by_serial = serials >= 0
    epoch = (EXCEL_EPOCH - np.datetime64("1970-01-01", "D")).astype(np.int64)
    counts = np.where(by_serial, serials + epoch, counts)
    out = counts.astype("datetime64[D]")
    out[~(valid | by_serial)] = np.datetime64("NaT")
    return out


#: Verdicts of :func:`judge_dates`: 0 is a good date, ``k`` is ``VERDICTS[k - 1]``.
VERDICTS = (DATE_FORMAT, DATE_TWO_DIGIT_YEAR, DATE_YEAR_ONLY, DATE_INVALID, DATE_OUT_OF_RANGE)
_SERIAL = len(DATE_FORMATS) - 1


def judge_dates(
    form: np.ndarray, numbers: np.ndarray, year_only: np.ndarray, two_digit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Dates and verdicts from what each value matched; both engines end here.

    ``form`` is the index of the first format matched (-1 for none); ``numbers`` holds
    year, month, day and serial rows (-1 where unused).
    """
    dates = compose_dates(*numbers)
    unmatched = form < 0
    serial = form == _SERIAL
    verdict = np.select(
        [
            unmatched & two_digit,
            unmatched,
            serial & year_only,
            serial & (numbers[3] < FIRST_SERIAL),
            np.isnat(dates),
            (dates < EARLIEST) | (dates > LATEST),
        ],
        [2, 1, 3, 1, 4, 5],
        0,
    ).astype(np.int8)
    dates[verdict != 0] = np.datetime64("NaT")
    return dates, verdict


class DateType(FieldType):
    """A calendar date, parsed to ``datetime64[ns]`` (or :class:`datetime.date` for one)."""

    name = "date"
    parsed_kind = "date"
    summary = "date, day first (31/03/2024, 2024-03-31, 31 March 2024, Excel serial 45382)"
    accepts = (
        "2024-03-31",
        "2024-03-31 00:00:00",
        "31/03/2024",
        "31-Mar-2024",
        "31 March 2024",
        "45382",
    )

    @property
    def failures(self) -> tuple[Failure, ...]:
        return VERDICTS

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}

    def to_json(self, value: Any) -> Any:
        return None if value is None else value.isoformat()

    def parse_column(self, values: pa.Array, context: ParseContext) -> ColumnOutcome:
        n = len(values)
        form = np.full(n, -1, dtype=np.int64)
        numbers = np.full((4, n), -1, dtype=np.int64)  # year, month, day, serial
        unmatched = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        for index, date_format in enumerate(DATE_FORMATS):
            rows = np.flatnonzero(unmatched)
            if rows.size == 0:
                break
            regex = f"^(?:{date_format.pattern.regex})$"
            found = pc.extract_regex(values.take(pa.array(rows)), regex)
            hit = np.asarray(found.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
            numbers[:, rows[hit]] = _numbers(found.filter(pa.array(hit)))
            form[rows[hit]] = index
            unmatched[rows[hit]] = False
        dates, verdict = judge_dates(
            form, numbers, _YEAR_ONLY.column(values), _TWO_DIGIT_YEAR.column(values)
        )
        present = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        failures = {
            failure: mask
            for code, failure in enumerate(VERDICTS, start=1)
            if (mask := present & (verdict == code)).any()
        }
        return ColumnOutcome(dates.astype("datetime64[ns]"), failures)

    def parse_one(self, value: str, context: ParseContext) -> ValueOutcome:
        form, numbers = -1, [-1, -1, -1, -1]
        for index, date_format in enumerate(DATE_FORMATS):
            found = date_format.pattern.groups_one(value)
            if found is not None:
                form, numbers = index, _numbers_one(found)
                break
        return judge_date(form, numbers, _YEAR_ONLY.one(value), _TWO_DIGIT_YEAR.one(value))


def judge_date(form: int, numbers: list[int], year_only: bool, two_digit: bool) -> ValueOutcome:
    """:func:`judge_dates` for one value, in plain Python (same reasons, same order)."""
    year, month, day, serial = numbers
    if form < 0:
        return ValueOutcome(failure=DATE_TWO_DIGIT_YEAR if two_digit else DATE_FORMAT)
    if form == _SERIAL and year_only:
        return ValueOutcome(failure=DATE_YEAR_ONLY)
    if form == _SERIAL and serial < FIRST_SERIAL:
        return ValueOutcome(failure=DATE_FORMAT)
    try:
        if form == _SERIAL:
            found = _EXCEL_EPOCH_DATE + dt.timedelta(days=serial)
        else:
            found = dt.date(year, month, day)
    except (ValueError, OverflowError):
        return ValueOutcome(failure=DATE_INVALID)
    if not _EARLIEST_DATE <= found <= _LATEST_DATE:
        return ValueOutcome(failure=DATE_OUT_OF_RANGE)
    return ValueOutcome(value=found)


def _month_number(name: str | None) -> int:
    return MONTH_NAMES.get(ascii_lower(name), 0) if name is not None else -1


def _numbers_one(parts: dict[str, str | None]) -> list[int]:
    """Year, month, day and serial from one match's named groups (-1 where unused)."""
    if parts.get("serial") is not None:
        return [-1, -1, -1, int(str(parts["serial"]))]
    month = int(str(parts["m"])) if parts.get("m") is not None else _month_number(parts.get("mon"))
    return [int(str(parts["y"])), month, int(str(parts["d"])), -1]


def _numbers(found: pa.StructArray) -> np.ndarray:
    """Year, month, day and serial rows from one format's matches (-1 where unused)."""
    out = np.full((4, len(found)), -1, dtype=np.int64)
    names = [found.type.field(i).name for i in range(found.type.num_fields)]
    if "serial" in names:
        out[3] = _ints(found.field("serial"))
        return out
    out[0] = _ints(found.field("y"))
    out[2] = _ints(found.field("d"))
    if "mon" in names:
        lookup = pa.array(list(MONTH_NAMES), type=pa.string())
        index = pc.index_in(pc.ascii_lower(found.field("mon")), value_set=lookup)
        month_numbers = np.array([*MONTH_NAMES.values(), 0], dtype=np.int64)
        out[1] = month_numbers[pc.fill_null(index, len(MONTH_NAMES)).to_numpy()]
    else:
        out[1] = _ints(found.field("m"))
    return out


def _ints(values: pa.Array) -> np.ndarray:
    return np.asarray(pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


DATE = DateType()
