"""Places: UK postcodes and ONS area codes.

A postcode is normalised to its written form (upper case, one space before the inward
code: ``de223ab`` -> ``DE22 3AB``). Its *outward code* (``DE22``) is what the district
rule reads; an outward code on its own is accepted with a query, because the district
can still be found from it and nothing finer is ever shared.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
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

OUTWARD = "[A-Z]{1,2}[0-9][A-Z0-9]?"
INWARD = "[0-9][A-Z]{2}"

POSTCODE_PARTIAL = Failure(
    "postcode.partial",
    "Only the first half of the postcode (the outward code) is given",
    "This is enough to find the district; give the full postcode if the record has it.",
    severity="query",
)
POSTCODE_FORMAT = Failure(
    "postcode.format",
    "The value is not a UK postcode",
    "Write a full postcode such as DE22 3AB, or leave the cell empty if it is not known.",
)

POSTCODE = RuleType(
    "postcode",
    summary="UK postcode (case and spacing normalised: DE22 3AB)",
    accepts=("DE22 3AB", "de223ab", " DE22  3AB", "DE22 (outward code only: a query)"),
    upper=True,
    rewrites=(Rewrite(SPACE_CLASS + "+", ""),),
    checks=(
        TextCheck(POSTCODE_PARTIAL, Pattern(OUTWARD), fails_on_match=True),
        TextCheck(POSTCODE_FORMAT, Pattern(OUTWARD + INWARD)),
    ),
    finish=(Rewrite(f"^(.+)({INWARD})$", r"\1 \2"),),
    canonical=Pattern(f"{OUTWARD} {INWARD}"),
    schema={"type": "string", "pattern": f"^{OUTWARD}( {INWARD})?$"},
)


def outward_codes(postcodes: pd.Series) -> pd.Series:
    """The outward code of each normalised postcode (``DE22 3AB`` -> ``DE22``)."""
    outward = outward_code_array(postcodes)
    return pd.Series(outward.to_numpy(zero_copy_only=False), index=postcodes.index, dtype=object)


def outward_code_array(postcodes: pd.Series) -> pa.Array:
    """:func:`outward_codes` as Arrow text (null where missing); Arrow text is taken as is."""
    if isinstance(postcodes.dtype, pd.ArrowDtype):
        array = pa.array(postcodes.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        array = array.cast(pa.string())
    else:
        array = pa.array(postcodes.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return pc.replace_substring_regex(array, pattern=" .*$", replacement="")


ONS_CODE_PATTERN = "[EWSN][0-9]{8}"
ONS_CODE_FORMAT = Failure(
    "ons_code.format",
    "The value is not an ONS area code (a letter and 8 digits, such as E06000015)",
    "Use the ONS code of the area, for example E06000015 for Derby.",
)


def ons_code(known: Mapping[str, object] | None = None, *, what: str = "area") -> RuleType:
    """An ONS area code, optionally one of a known set (such as the region's districts)."""
    value_checks: tuple[ValueCheck, ...] = ()
    if known is not None:
        value_set = pa.array(sorted(known), type=pa.string())
        unknown = Failure(
            "ons_code.unknown",
            f"The code is not one of the region's {what} codes",
            f"Use the ONS code of a {what} in the region.",
        )

        def not_known(values: pa.Array, context: ParseContext) -> np.ndarray:
            return ~flag(pc.is_in(values, value_set=value_set))

        value_checks = (ValueCheck(unknown, not_known),)
    return RuleType(
        "ons_code",
        summary=f"ONS {what} code (E06000015)",
        accepts=("E06000015", "e06000015"),
        upper=True,
        rewrites=(Rewrite(SPACE_CLASS + "+", ""),),
        checks=(TextCheck(ONS_CODE_FORMAT, Pattern(ONS_CODE_PATTERN)),),
        value_checks=value_checks,
        schema={"type": "string", "pattern": f"^{ONS_CODE_PATTERN}$"}
        if known is None
        else {"type": "string", "enum": sorted(known)},
    )


ONS_CODE = ons_code()
