"""How an identifier is normalised before it is pseudonymised (part of the specification).

Excel damages identifiers; the same person must never get two pseudonyms. For every
domain, in this order:

1. missing values (``None``, NaN, empty after the steps below) stay missing;
2. a number read by a spreadsheet is written as an integer when it is one
   (``1234567890.0`` -> ``"1234567890"``);
3. Unicode NFKC (full-width digits and letters become ASCII);
4. every whitespace character, hyphen and dash (``- ‐ ‑ ‒ – — ― −``, soft hyphen) is
   removed, wherever it is;
5. a leading apostrophe (Excel's "this is text" marker) is removed;
6. a trailing ``.0`` (or ``.00``...) after digits only is removed;
7. letters are upper-cased.

For ``nhs_number`` then: nine ASCII digits are left-padded with one zero (Excel dropped
it). Leading zeros are otherwise kept as written. The check digit is not tested here:
validation belongs to the schema; a pseudonym is computed for whatever was supplied.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Callable

from keys.errors import UnknownDomain

DOMAINS: tuple[str, ...] = ("nhs_number", "local_person_id", "placement")

_ALREADY_NORMAL = re.compile(r"[0-9A-Z]+")
_ASCII_WITH_HYPHENS = re.compile(r"[0-9A-Za-z-]+")
_SPACES_AND_DASHES = re.compile(r"[\s\-\u00ad\u2010-\u2015\u2212]+")
_EXCEL_DECIMAL = re.compile(r"([0-9]+)\.0+")


def normalise_identifier(domain: str, value: object) -> str | None:
    """The normalised form of ``value`` in ``domain``, or ``None`` when it is missing."""
    return normaliser_for(domain)(value)


def normaliser_for(domain: str) -> Callable[[object], str | None]:
    """The normalising function of ``domain``; unknown domains are refused."""
    if domain == "nhs_number":
        return _normalise_nhs_number
    if domain in DOMAINS:
        return _normalise_text
    raise UnknownDomain(f"No pseudonym domain {domain!r}; the domains are {', '.join(DOMAINS)}.")


def _normalise_text(value: object) -> str | None:
    if type(value) is str and _ALREADY_NORMAL.fullmatch(value):
        return value  # the common case, kept fast for batches of a million
    if type(value) is str and _ASCII_WITH_HYPHENS.fullmatch(value):
        # ASCII letters, digits and hyphens (``lcc-pl1000185``): NFKC leaves them as they
        # are, step 4 removes the hyphens, steps 5 and 6 cannot apply; then step 7.
        return value.replace("-", "").upper() or None
    if _is_missing(value):
        return None
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        text = str(int(value))
    else:
        text = str(value)
    text = _SPACES_AND_DASHES.sub("", unicodedata.normalize("NFKC", text)).lstrip("'")
    excel = _EXCEL_DECIMAL.fullmatch(text)
    if excel:
        text = excel.group(1)
    return text.upper() or None


def _normalise_nhs_number(value: object) -> str | None:
    if type(value) is str and len(value) == 10 and _ALREADY_NORMAL.fullmatch(value):
        return value
    text = _normalise_text(value)
    if text is not None and len(text) == 9 and text.isascii() and text.isdigit():
        return "0" + text
    return text


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        # pandas.NA and NaT compare unequal to themselves (NA raises when asked).
        return bool(value != value)
    except TypeError:
        return True
