"""The NHS number: ten digits, the last a modulus-11 check digit.

Excel damage is repaired before the check, because the same person must get the same
pseudonym whichever export they came from: spaces and dashes go (``943 476 5919``,
``943-476-5919``), a trailing ``.0`` goes (``9434765919.0``), and nine digits get back the
leading zero Excel dropped. Numbers starting ``999`` are the NHS test range: accepted only
in a rehearsal run, so that test data can never be mistaken for a real return.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemas.fieldtypes.base import (
    SPACE_CLASS,
    Failure,
    ParseContext,
    Pattern,
    Rewrite,
    TextCheck,
    ValueCheck,
    flag,
)
from schemas.fieldtypes.rulebased import RuleType
from schemas.fieldtypes.text import (
    DASHES,
    SCIENTIFIC,
    TRAILING_POINT_ZERO,
    scientific_failure,
)

_WEIGHTS = np.arange(10, 1, -1, dtype=np.int64)  # weights for digits 1..9
_POWERS = 10 ** np.arange(9, 0, -1, dtype=np.int64)  # place value of digits 1..9


def nhs_check_digit_valid(numbers: np.ndarray) -> np.ndarray:
    """Whether each ten-digit number (as int64) ends in its modulus-11 check digit."""
    numbers = np.asarray(numbers, dtype=np.int64)
    total = np.zeros(numbers.shape, dtype=np.int64)
    for weight, power in zip(_WEIGHTS, _POWERS, strict=True):
        total += (numbers // power % 10) * weight
    check = 11 - total % 11
    check = np.where(check == 11, 0, check)
    return (check != 10) & (check == numbers % 10)


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine leading digits, or ``None`` when no number can end them."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    return None if check == 10 else check % 11


def with_check_digits(first_nines: np.ndarray) -> np.ndarray:
    """Ten-digit numbers from nine-digit stems; stems that have no check digit give -1."""
    stems = np.asarray(first_nines, dtype=np.int64)
    total = np.zeros(stems.shape, dtype=np.int64)
    for weight, power in zip(_WEIGHTS, _POWERS // 10, strict=True):
        total += (stems // power % 10) * weight
    check = 11 - total % 11
    check = np.where(check == 11, 0, check)
    return np.where(check == 10, -1, stems * 10 + check)


def _check_digit_wrong(values: pa.Array, context: ParseContext) -> np.ndarray:
    numbers = pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)
    return ~nhs_check_digit_valid(numbers)


def _test_number_outside_rehearsal(values: pa.Array, context: ParseContext) -> np.ndarray:
    if context.rehearsal:
        return np.zeros(len(values), dtype=bool)
    return flag(pc.starts_with(values, "999"))


NHS_NUMBER_FORMAT = Failure(
    "nhs_number.format",
    "The NHS number is not 10 digits",
    "Check the number against the case record; leave the cell empty if it is not known.",
)
NHS_NUMBER_CHECK_DIGIT = Failure(
    "nhs_number.check_digit",
    "The NHS number's last digit does not match its check digit, so it is mistyped",
    "Check the number against the case record or the NHS Spine; leave it empty if unsure.",
)
NHS_NUMBER_TEST_RANGE = Failure(
    "nhs_number.test_range",
    "The NHS number is in the 999 test range, which is accepted only in a rehearsal run",
    "Remove test records from a real return, or run a rehearsal (--rehearsal) with test data.",
)

NHS_NUMBER = RuleType(
    "nhs_number",
    summary="NHS number: 10 digits with a valid modulus-11 check digit",
    accepts=(
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        "9434765919.0",
        "434765918 (0 restored)",
    ),
    rewrites=(
        Rewrite(f"{SPACE_CLASS}|[-{DASHES}]", ""),
        TRAILING_POINT_ZERO,
        Rewrite(r"^([0-9]{9})$", r"0\1"),
    ),
    checks=(
        TextCheck(scientific_failure("nhs_number"), SCIENTIFIC, fails_on_match=True),
        TextCheck(NHS_NUMBER_FORMAT, Pattern(r"[0-9]{10}")),
    ),
    canonical=Pattern("[0-9]{10}"),
    value_checks=(
        ValueCheck(NHS_NUMBER_CHECK_DIGIT, _check_digit_wrong),
        ValueCheck(NHS_NUMBER_TEST_RANGE, _test_number_outside_rehearsal),
    ),
    schema={"type": "string", "pattern": "^[0-9]{10}$"},
)
