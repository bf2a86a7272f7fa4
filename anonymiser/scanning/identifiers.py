"""Numbers and addresses that identify a person: NHS and NI numbers, postcodes, emails, phones.

What each detector accepts, exactly (text is searched, so these are found anywhere
in a cell, e.g. "Client NHS no 943 476 5919 moved"):

* **NHS number** — ten digits as ``9434765919``, or grouped 3-3-4 with spaces or
  dashes (``943 476 5919``, ``943-476-5919``), whose last digit is the modulus-11
  check digit. Not part of a longer digit run, nor straight after ``digit-`` or
  ``digit.`` (so the ten digits of a CQC id ``1-1234567890`` are not taken). The
  999 test range is included: a test number is still a number that must not leave.
  Ten digits inside a phone number found in the same cell (``+44 (0)131 496 0989``)
  are reported as the phone number only.
* **National Insurance number** — two prefix letters (first not D F I Q U V, second
  not D F I O Q U V, and not BG GB KN NK NT TN ZZ), six digits, suffix A-D, any
  case, with single optional spaces between the pairs (``AB 12 34 56 C``). The
  suffix is required, so an Ofsted URN ``SC123456`` is not taken.
* **Postcode** — a full postcode (outward and inward code), any case, any spacing
  (``DE22 3NE``, ``ng75aa``). An outward code alone (``DE22``) is not a postcode.
  An inward code that reads as an ordinal (``A1 2nd``) is taken only when written
  in capitals, so "Unit B2 3rd floor" is not a postcode but "NG7 2ND" is.
* **Email address** — ``local@domain.tld`` with a dotted domain and a top-level
  domain of two or more letters.
* **UK phone number** — a national number ``0`` + 10 digits starting ``01``,
  ``02``, ``03`` or ``07`` (geographic, non-geographic and mobile; freephone and
  premium ``08``/``09`` numbers are businesses, not people), or the same with
  ``+44``/``0044`` for the ``0`` (``+44 (0)7700 900123`` too). Digit groups are
  separated by at most one space or dash, or a closing bracket after a bracketed
  area code (``(0115) 496 0123``), and every group has at least three digits (the first
  group after ``44`` at least two), which rules out dates such as
  ``01-02-2024``. Not touching a letter, a digit, ``£``, or a ``.``/``,`` that
  continues the number (so not an amount or part of a reference).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from anonymiser.scanning.detectors import Detector, Match, each
from schemas.fieldtypes import nhs_check_digit_valid

HIDDEN = "•"
#: Written out rather than ``\s``: RE2's ``\s`` has no no-break space, which Excel text often has.
SPACE = "[ \t\u00a0]"
_SPACE_OR_DASH = "[ \u00a0\u2010-\u2015\u2212-]"


def _nhs_digits(match: Match) -> str:
    return "".join(match.groups())


def _nhs_rule(matches: Sequence[Match]) -> np.ndarray:
    """The modulus-11 check digit, over every match at once."""
    numbers = np.fromiter((int(_nhs_digits(m)) for m in matches), dtype=np.int64)
    return nhs_check_digit_valid(numbers)


def _mask_nhs(match: Match) -> str:
    digits = _nhs_digits(match)
    return digits[:3] + HIDDEN * 5 + digits[-2:]


NHS_NUMBER = Detector(
    kind="nhs_number",
    prefilter=rf"\d{{3}}{_SPACE_OR_DASH}?\d{{3}}{_SPACE_OR_DASH}?\d{{4}}",
    pattern=(
        rf"(?<!\d)(?<!\d[.\-])(\d{{3}}){_SPACE_OR_DASH}?(\d{{3}}){_SPACE_OR_DASH}?(\d{{4}})(?!\d)"
    ),
    mask=_mask_nhs,
    rule=_nhs_rule,
)

_NI_PAIR = rf"{SPACE}?\d{{2}}"
_NI_CORE = rf"([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]){_NI_PAIR * 3}{SPACE}?([A-D])"

NI_NUMBER = Detector(
    kind="ni_number",
    prefilter=f"(?i:{_NI_CORE})",
    pattern=rf"(?<![A-Z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ){_NI_CORE}(?![A-Z0-9])",
    mask=lambda m: m.group(1).upper() + HIDDEN * 6 + m.group(2).upper(),
    flags=re.IGNORECASE,
)

_POSTCODE_CORE = rf"([A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?){SPACE}*(\d[ABD-HJLNP-UW-Z]{{2}})"
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)", re.IGNORECASE)


def _postcode_rule(match: Match) -> bool:
    """An ordinal-looking inward code ("2nd") counts only when written in capitals."""
    return match.group(0).isupper() or not _ORDINAL.fullmatch(match.group(2))


POSTCODE = Detector(
    kind="postcode",
    prefilter=f"(?i:{_POSTCODE_CORE})",
    pattern=rf"(?<![A-Z0-9]){_POSTCODE_CORE}(?![A-Z0-9])",
    mask=lambda m: m.group(1).upper() + " " + HIDDEN * 3,
    rule=each(_postcode_rule),
    flags=re.IGNORECASE,
)

_EMAIL_CORE = r'([^\s@<>()\[\],;:"]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,})'

EMAIL = Detector(
    kind="email",
    prefilter=_EMAIL_CORE,
    pattern=_EMAIL_CORE + r"(?![A-Za-z0-9-])",
    mask=lambda m: m.group(1)[0] + HIDDEN * 3 + "@" + HIDDEN * 3 + "." + m.group(2).lower(),
)

_GAP = rf"(?:{_SPACE_OR_DASH}|\){_SPACE_OR_DASH}?)?"
_NATIONAL = rf"\(?0[1237](?:{_GAP}\d){{9}}"
_INTERNATIONAL = rf"(?:\+|00){SPACE}?44{_GAP}(?:\(0\){_GAP})?[1237](?:{_GAP}\d){{9}}"
_DIGIT_GROUPS = re.compile(r"\d+")


def _phone_digits(text: str) -> str:
    """The national form of a matched number: ``+44 (0)7700 900123`` -> ``07700900123``."""
    digits = "".join(_DIGIT_GROUPS.findall(text))
    if text.startswith(("+", "00")):
        digits = "0" + digits.removeprefix("00")[2:].removeprefix("0")
    return digits


def _phone_rule(match: Match) -> bool:
    """No digit group shorter than a real number's groups (so not a date like 01-02-2024)."""
    text = match.group(0)
    groups = _DIGIT_GROUPS.findall(text)
    if not text.startswith(("+", "00")):
        return all(len(group) >= 3 for group in groups)
    groups[0] = groups[0].removeprefix("00").removeprefix("44")
    while groups[0] in ("", "0"):  # what was "44" on its own, then a "(0)"
        groups.pop(0)
    return len(groups[0]) >= 2 and all(len(group) >= 3 for group in groups[1:])


def _mask_phone(match: Match) -> str:
    digits = _phone_digits(match.group(0))
    return digits[:2] + HIDDEN * 7 + digits[-2:]


PHONE = Detector(
    kind="phone",
    prefilter=f"(?:{_INTERNATIONAL}|{_NATIONAL})",
    pattern=rf"(?<![\w£$€.,/+\-])(?:{_INTERNATIONAL}|{_NATIONAL})(?!\w|[.,/\-]\d)",
    mask=_mask_phone,
    rule=each(_phone_rule),
)
