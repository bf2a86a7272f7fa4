"""Amounts: money in pounds sterling, and plain decimal quantities.

Money arrives as finance systems and spreadsheets print it: ``£1,234.56``, ``1234.56``,
``-12.50``, ``(12.50)`` for a credit, ``GBP 12``, and a lone ``-`` where the accounting
format shows zero. Thousands separators must be in the right places, so that ``12,50``
(a European decimal comma) is refused rather than read as twelve hundred and fifty.
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

#: Amounts (and quantities) at or above this are refused: almost always an id in the wrong
#: column, and never a finite-looking overflow such as ``1`` followed by 400 zeros.
MONEY_LIMIT = 1_000_000_000.0

MONEY_FORMAT = Failure(
    "money.format",
    "The value is not an amount of money",
    "Write the amount as a number such as 1,234.56 or £1,234.56, with a full stop before "
    "the pence; use a minus sign or brackets for a credit.",
)
MONEY_TOO_LARGE = Failure(
    "money.too_large",
    "The amount is £1,000,000,000 or more",
    "Check that the column holds amounts, not references or account numbers.",
)
MONEY_NEGATIVE = Failure(
    "money.negative",
    "The amount is negative, which this field does not allow",
    "Give the amount as a positive number; record refunds and credits separately.",
)
DECIMAL_FORMAT = Failure(
    "decimal.format",
    "The value is not a number",
    "Write a number such as 12 or 7.5, without units or words.",
)
DECIMAL_TOO_LARGE = Failure(
    "decimal.too_large",
    "The number is 1,000,000,000 or more",
    "Check that the column holds quantities, not references.",
)

_PLAIN_NUMBER = r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
_MONEY_TEXT = r"-?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)"


def _at_or_above_limit(values: pa.Array, context: ParseContext) -> np.ndarray:
    return flag(pc.greater_equal(pc.abs(values), MONEY_LIMIT))


def _negative(values: pa.Array, context: ParseContext) -> np.ndarray:
    return flag(pc.less(values, 0.0))


def money(*, non_negative: bool = False, strict: bool = False) -> RuleType:
    """Money in pounds; ``strict`` accepts only plain numbers (the shared view's form)."""
    value_checks = [ValueCheck(MONEY_TOO_LARGE, _at_or_above_limit)]
    if non_negative:
        value_checks.append(ValueCheck(MONEY_NEGATIVE, _negative))
    schema: dict[str, object] = {"type": "number"}
    if non_negative:
        schema["minimum"] = 0
    kind = MoneyType if not strict else RuleType
    return kind(
        "money",
        summary="money, £" + (" (not negative)" if non_negative else " (credits negative)"),
        accepts=("1234.56",)
        if strict
        else ("£1,234.56", "1234.56", "-12.50", "(12.50)", "GBP 12", "- (zero)"),
        rewrites=()
        if strict
        else (
            Rewrite("£|[Gg][Bb][Pp]|" + SPACE_CLASS, ""),
            Rewrite("[\u2212\u2013]", "-"),
            Rewrite(r"^\((.*)\)$", r"-\1"),
            Rewrite("^-$", "0"),
        ),
        checks=(TextCheck(MONEY_FORMAT, Pattern(_PLAIN_NUMBER if strict else _MONEY_TEXT)),),
        finish=() if strict else (Rewrite(",", ""),),
        value_checks=tuple(value_checks),
        canonical=Pattern("[0-9]+(?:\\.[0-9]+)?"),
        parsed_kind="float",
        schema=schema,
    )


class MoneyType(RuleType):
    """Money as read from an authority's files; its shared form takes plain numbers."""

    def strict(self) -> RuleType:
        non_negative = any(check.failure is MONEY_NEGATIVE for check in self.value_checks)
        return money(non_negative=non_negative, strict=True)


def decimal(*, minimum: float | None = None) -> RuleType:
    """A plain decimal quantity, optionally with a lower bound (units per week >= 0)."""
    value_checks: tuple[ValueCheck, ...] = (ValueCheck(DECIMAL_TOO_LARGE, _at_or_above_limit),)
    schema: dict[str, object] = {"type": "number"}
    if minimum is not None:
        below = Failure(
            "decimal.below_minimum",
            f"The number is below {minimum:g}",
            f"Give a number of at least {minimum:g}.",
        )

        def too_small(values: pa.Array, context: ParseContext) -> np.ndarray:
            return flag(pc.less(values, minimum))

        value_checks += (ValueCheck(below, too_small),)
        schema["minimum"] = minimum
    return RuleType(
        "decimal",
        summary="number" + (f" (at least {minimum:g})" if minimum is not None else ""),
        accepts=("12", "7.5", ".5"),
        rewrites=(Rewrite(SPACE_CLASS + "+", ""),),
        checks=(TextCheck(DECIMAL_FORMAT, Pattern(_PLAIN_NUMBER)),),
        value_checks=value_checks,
        parsed_kind="float",
        schema=schema,
    )
