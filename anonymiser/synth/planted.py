"""Deliberate mistakes in a few exports, at known rows, for the checker to find.

Real exports carry data errors as well as formatting mess: an NHS number
typed wrong, an end date before the start, a required value left blank. The
exports whose style says so get a handful of them in their first rows, and the
manifest lists each one with the row a spreadsheet shows it on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anonymiser.synth.identifiers import nhs_check_digits


@dataclass(frozen=True)
class PlantedError:
    """One deliberate error: the data row (0-based, before blank rows) and what is wrong."""

    data_row: int
    field: str
    problem: str


#: Fewer data rows than this and nothing is planted (the errors would be most of the file).
MIN_ROWS = 20


def plant(
    chunk: dict[str, np.ndarray], return_type: str, start: int, rows: int
) -> list[PlantedError]:
    """Spoil a few rows of the first chunk in place; report what was spoiled."""
    if start != 0 or rows < MIN_ROWS:
        return []
    if return_type == "placements":
        return _placement_errors(chunk)
    return _spend_errors(chunk)


def _placement_errors(chunk: dict[str, np.ndarray]) -> list[PlantedError]:
    nhs = str(chunk["nhs_number"][4]) or "9990000000"
    check = int(nhs_check_digits(np.array([int(nhs[:9])]))[0])
    chunk["nhs_number"][4] = nhs[:9] + str((check + 1) % 10)
    chunk["end_date"][9] = chunk["start_date"][9] - np.timedelta64(30, "D")
    chunk["provider_name"][14] = ""
    chunk["unit_cost"][19] = np.nan
    return [
        PlantedError(4, "nhs_number", "check_digit"),
        PlantedError(9, "end_date", "end_before_start"),
        PlantedError(14, "provider_name", "missing_required"),
        PlantedError(19, "unit_cost", "missing_required"),
    ]


def _spend_errors(chunk: dict[str, np.ndarray]) -> list[PlantedError]:
    chunk["supplier_name"][4] = ""
    chunk["net_amount"][9] = np.nan
    chunk["payment_date"][14] = chunk["payment_date"][14] - np.timedelta64(366, "D")
    return [
        PlantedError(4, "supplier_name", "missing_required"),
        PlantedError(9, "net_amount", "missing_required"),
        PlantedError(14, "payment_date", "outside_period"),
    ]
