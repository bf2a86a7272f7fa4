"""Cost bands: the sensitive attribute whose diversity the risk check measures.

A placement's weekly cost is what its person's record discloses. Within a group of records
that share every quasi-identifier, l-diversity counts how many different *cost bands*
appear: a group whose records all fall in one band tells anyone who can place a person in
that group what their care costs, however large the group. The bands are fixed so that the
figure means the same for every authority and every return.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd

from anonymiser.risk.errors import RiskInputError

#: Weekly cost bands (code -> label), cheapest first; each includes its lower bound.
COST_BANDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "under_500": "Under £500 a week",
        "500_to_1000": "£500 to under £1,000 a week",
        "1000_to_2000": "£1,000 to under £2,000 a week",
        "2000_to_5000": "£2,000 to under £5,000 a week",
        "5000_and_over": "£5,000 a week or more",
    }
)
#: The band of a record without a weekly cost (one-off payments): a value of its own.
NO_WEEKLY_COST: Final = "no_weekly_cost"

_LOWER_BOUNDS = np.array([500.0, 1_000.0, 2_000.0, 5_000.0])
_LABELS = np.array([*COST_BANDS, NO_WEEKLY_COST], dtype=object)


def cost_band_codes(weekly_cost: pd.Series) -> np.ndarray:
    """Each weekly cost's band as an integer: 0 to 4 cheapest first, 5 for no weekly cost.

    Raises :class:`RiskInputError` if a non-empty value is not a number (the value itself
    is not quoted).
    """
    values = _amounts(weekly_cost)
    codes = np.searchsorted(_LOWER_BOUNDS, np.nan_to_num(values, nan=0.0), side="right")
    return np.where(np.isnan(values), len(_LOWER_BOUNDS) + 1, codes).astype(np.int64)


def _amounts(weekly_cost: pd.Series) -> np.ndarray:
    """The weekly costs as floats (NaN where empty); refuses text that is not an amount."""
    if pd.api.types.is_numeric_dtype(weekly_cost.dtype):
        return weekly_cost.to_numpy(dtype=np.float64, na_value=np.nan)
    numbers = pd.to_numeric(weekly_cost, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    filled = weekly_cost.notna().to_numpy() & weekly_cost.astype(str).str.strip().ne("").to_numpy()
    if (np.isnan(numbers) & filled).any():
        raise RiskInputError(
            f"The column {weekly_cost.name!r} holds values that are not amounts: the cost "
            "band cannot be worked out. Check that the weekly cost was derived."
        )
    return numbers


def cost_band(weekly_cost: pd.Series) -> pd.Series:
    """Each weekly cost's band code (see :data:`COST_BANDS`, :data:`NO_WEEKLY_COST`)."""
    return pd.Series(_LABELS[cost_band_codes(weekly_cost)], index=weekly_cost.index, dtype=object)


#: How many band codes :func:`cost_band_codes` can return.
BAND_COUNT: Final = len(_LABELS)
