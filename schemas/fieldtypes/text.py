"""Text and local identifiers: names, free text, local references, months and pseudonyms.

Local identifiers are normalised the way every identifier that gets a pseudonym must be:
Excel damage repaired (stray spaces and dashes, a trailing ``.0``), letters upper-cased,
leading zeros kept as written. The same person must never get two pseudonyms because
one export wrote ``ab-123`` and another ``AB123``.
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

#: Hyphen and dash characters word processors substitute for ``-``.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

#: A number Excel has shown in scientific notation: the digits are already lost.
SCIENTIFIC = Pattern(r"[0-9](?:\.[0-9]+)?[Ee]\+?[0-9]+")
#: A whole number Excel has written as a float (``1234567890.0``).
TRAILING_POINT_ZERO = Rewrite(r"^([0-9]+)\.0+$", r"\1")


def scientific_failure(field_kind: str) -> Failure:
    """The failure for an identifier Excel has turned into scientific notation."""
    return Failure(
        f"{field_kind}.scientific_notation",
        "The identifier has been turned into scientific notation by a spreadsheet, "
        "so its digits are lost",
        "Format the column as Text in the source system's export (not in Excel) and export "
        "again; the original digits cannot be recovered from this cell.",
    )


def _too_long(limit: int) -> ValueCheck:
    failure = Failure(
        "text.too_long",
        f"The text is longer than {limit} characters",
        "Check that the column holds what its header says; shorten the text if it does.",
    )

    def fails(values: pa.Array, context: ParseContext) -> np.ndarray:
        return flag(pc.greater(pc.utf8_length(values), limit))

    return ValueCheck(failure, fails)


def text(*, max_length: int | None = 200, single_line: bool = True) -> RuleType:
    """Text: trimmed; on one line with runs of spaces closed up unless ``single_line=False``."""
    return RuleType(
        "text",
        summary="text" if single_line else "free text",
        accepts=("any text",),
        # Runs of two or more spaces, or any other space character: a single space stays.
        rewrites=(Rewrite(f"{SPACE_CLASS}{{2,}}|{SPACE_CLASS.replace(' ', '')}", " "),)
        if single_line
        else (),
        value_checks=(_too_long(max_length),) if max_length else (),
        schema={"type": "string", **({"maxLength": max_length} if max_length else {})},
    )


LOCAL_ID_FORMAT = Failure(
    "local_id.format",
    "The reference is not 1 to 40 letters, digits, '/', '_' or '.'",
    "Use the reference exactly as the case-management system holds it.",
)

LOCAL_ID = RuleType(
    "local_id",
    summary="local reference (letters and digits; spaces, dashes and a trailing .0 removed)",
    accepts=("AB-123", "ab 123", "123456.0"),
    upper=True,
    rewrites=(Rewrite(f"{SPACE_CLASS}|[-{DASHES}]", ""), TRAILING_POINT_ZERO),
    checks=(
        TextCheck(scientific_failure("local_id"), SCIENTIFIC, fails_on_match=True),
        TextCheck(LOCAL_ID_FORMAT, Pattern(r"[A-Z0-9][A-Z0-9/_.]{0,39}")),
    ),
    # Starting with a letter, or all digits, rules out scientific notation and ".0".
    canonical=Pattern("[A-Z][A-Z0-9/_]{0,39}|[0-9]{1,40}"),
    schema={"type": "string", "pattern": r"^[A-Z0-9][A-Z0-9/_.]{0,39}$"},
)

#: ``v<key version>:<64 lower-case hex>``: a keyed pseudonym and the key that made it.
PSEUDONYM_PATTERN = r"v[0-9]+:[0-9a-f]{64}"

PSEUDONYM = RuleType(
    "pseudonym",
    summary="pseudonym: v<key version>:<64 lower-case hex>",
    accepts=("v1:" + "0" * 64,),
    checks=(
        TextCheck(
            Failure(
                "pseudonym.format",
                "The value is not a pseudonym (v<key version>:<64 lower-case hex digits>)",
                "Pseudonyms are made by the anonymiser; send its output unchanged.",
            ),
            Pattern(PSEUDONYM_PATTERN),
        ),
    ),
    schema={"type": "string", "pattern": f"^{PSEUDONYM_PATTERN}$"},
)

MONTH_PATTERN = r"[0-9]{4}-(?:0[1-9]|1[0-2])"

MONTH = RuleType(
    "month",
    summary="calendar month, YYYY-MM",
    accepts=("2024-03",),
    checks=(
        TextCheck(
            Failure(
                "month.format",
                "The value is not a month written YYYY-MM",
                "Months are made by the anonymiser from dates; send its output unchanged.",
            ),
            Pattern(MONTH_PATTERN),
        ),
    ),
    schema={"type": "string", "pattern": f"^{MONTH_PATTERN}$"},
)
