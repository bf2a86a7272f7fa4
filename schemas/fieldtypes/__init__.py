"""Domain field types: each states its rule once; a column engine and a one-value engine
(behind marshmallow) both read it.

    text(), LOCAL_ID, NHS_NUMBER, POSTCODE, ons_code()/ONS_CODE, money(), decimal(), DATE,
    CodeListType, CQC_LOCATION_ID, OFSTED_URN, ORG_ID, SUPPLIER_ID, EitherType,
    PSEUDONYM, MONTH
"""

from __future__ import annotations

from schemas.fieldtypes.amounts import decimal, money
from schemas.fieldtypes.base import (
    ColumnOutcome,
    Failure,
    FieldType,
    ParseContext,
    Severity,
    ValueOutcome,
)
from schemas.fieldtypes.codelists import CodeListType, code_key
from schemas.fieldtypes.dates import DATE, DateType
from schemas.fieldtypes.engine import SPREADSHEET_ERROR, as_text, parse_cells, parse_value
from schemas.fieldtypes.health import (
    NHS_NUMBER,
    nhs_check_digit,
    nhs_check_digit_valid,
    with_check_digits,
)
from schemas.fieldtypes.organisations import (
    CQC_LOCATION_ID,
    OFSTED_URN,
    ORG_ID,
    SUPPLIER_ID,
    EitherType,
)
from schemas.fieldtypes.places import ONS_CODE, POSTCODE, ons_code, outward_codes
from schemas.fieldtypes.rulebased import RuleType
from schemas.fieldtypes.text import LOCAL_ID, MONTH, PSEUDONYM, PSEUDONYM_PATTERN, text

__all__ = [
    "CQC_LOCATION_ID",
    "DATE",
    "LOCAL_ID",
    "MONTH",
    "NHS_NUMBER",
    "OFSTED_URN",
    "ONS_CODE",
    "ORG_ID",
    "POSTCODE",
    "PSEUDONYM",
    "PSEUDONYM_PATTERN",
    "SPREADSHEET_ERROR",
    "SUPPLIER_ID",
    "CodeListType",
    "ColumnOutcome",
    "DateType",
    "EitherType",
    "Failure",
    "FieldType",
    "ParseContext",
    "RuleType",
    "Severity",
    "ValueOutcome",
    "as_text",
    "code_key",
    "decimal",
    "money",
    "nhs_check_digit",
    "nhs_check_digit_valid",
    "ons_code",
    "outward_codes",
    "parse_cells",
    "parse_value",
    "text",
    "with_check_digits",
]
