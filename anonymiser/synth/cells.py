"""Cell values as a system writes them: dates, money, numbers and code labels.

A :class:`Column` is what the writers stream: its values in file order and
its kind. In a CSV every value is text. In an XLSX, ``number`` and ``date``
columns hold real numbers and Excel datetimes (blank cells as ``""``), as a
spreadsheet saved by a person would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

import numpy as np

from anonymiser.synth.styles import ExportStyle
from schemas import codes as code_lists

DATE_FIELDS: Final = frozenset({"date_of_birth", "start_date", "end_date", "payment_date"})
MONEY_FIELDS: Final = frozenset(
    {"unit_cost", "health_contribution", "education_contribution", "net_amount"}
)
CODE_LISTS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "sex": code_lists.SEXES,
        "ethnicity": code_lists.ETHNICITIES,
        "client_type": code_lists.CLIENT_TYPES,
        "care_type": code_lists.CARE_TYPES,
        "primary_support_reason": code_lists.PRIMARY_SUPPORT_REASONS,
        "provider_type": code_lists.PROVIDER_TYPES,
        "procurement_route": code_lists.PROCUREMENT_ROUTES,
        "cost_frequency": code_lists.COST_FREQUENCIES,
        "quality_rating": code_lists.QUALITY_RATINGS,
    }
)
#: Labels case-management systems use in place of the agreed codes.
SYSTEM_LABELS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "sex": {"female": "F", "male": "M", "other": "Other", "not_known": "Unknown"},
        "ethnicity": {"white": "White", "mixed": "Mixed", "asian": "Asian", "black": "Black",
                      "other": "Other", "not_stated": "Not Stated"},
        "client_type": {"adult": "Adult", "child": "Child"},
        "care_type": {"residential": "Residential Care", "nursing": "Nursing Care",
                      "supported_living": "Supported Living", "shared_lives": "Shared Lives",
                      "home_care": "Home Care", "in_house_foster": "In House Fostering",
                      "agency_foster": "IFA", "childrens_home": "Childrens Residential",
                      "residential_school": "Residential School",
                      "supported_accommodation": "Supported Accommodation"},
        "primary_support_reason": {"learning_disability": "Learning Disability",
                                   "mental_health": "Mental Health",
                                   "physical_personal_care": "Personal Care",
                                   "physical_access_mobility": "Access and Mobility",
                                   "memory_cognition": "Dementia", "children_in_need": "CIN"},
        "provider_type": {"private": "Private", "voluntary": "Voluntary",
                          "individual": "Individual", "local_authority": "In House",
                          "other_local_authority": "OLA", "nhs": "NHS"},
        "procurement_route": {"framework": "Framework", "spot": "Spot", "block": "Block"},
        "cost_frequency": {"hourly": "Hourly", "daily": "Daily", "weekly": "Weekly",
                           "fortnightly": "Fortnightly", "four_weekly": "Four weekly",
                           "monthly": "Monthly", "quarterly": "Quarterly", "annual": "Annual",
                           "one_off": "One off"},
        "quality_rating": {"outstanding": "Outstanding", "good": "Good",
                           "requires_improvement": "RI", "inadequate": "Inadequate",
                           "not_rated": "Not Rated"},
    }
)  # fmt: skip
_DATE_FORMATS: Final = {
    "iso": "%Y-%m-%d",
    "uk": "%d/%m/%Y",
    "mon": "%d-%b-%Y",
    "iso_datetime": "%Y-%m-%d 00:00:00",
    "excel": "%Y-%m-%d 00:00:00",  # an Excel datetime, once saved as CSV
}
_EXCEL_EPOCH: Final = np.datetime64("1899-12-30", "D")


@dataclass
class Column:
    """One column of an export: its kind and its values in file order."""

    kind: Literal["text", "number", "date"]
    values: list[object]


def text(values: np.ndarray) -> Column:
    """Values written as they are."""
    return Column("text", values.tolist())


def codes_of(field: str, values: np.ndarray, style: ExportStyle) -> np.ndarray:
    """Codes, or the labels the system shows instead."""
    if style.codes == "code" or len(values) == 0:
        return values
    labels = CODE_LISTS[field] if style.codes == "label" else SYSTEM_LABELS[field]
    unique, inverse = np.unique(values, return_inverse=True)
    return np.array([labels.get(str(u), str(u)) for u in unique])[inverse]


def codes(field: str, values: np.ndarray, style: ExportStyle) -> Column:
    """A code column, in the system's codes or labels."""
    return text(codes_of(field, values, style))


def dates(values: np.ndarray, style: ExportStyle) -> Column:
    """Dates in the system's format; real datetimes or serial numbers in a workbook."""
    unique, inverse = np.unique(values, return_inverse=True)
    if style.dates == "serial":
        serials = (unique - _EXCEL_EPOCH).astype(np.int64)
        kind: Literal["number", "text"] = "number" if style.fmt == "xlsx" else "text"
        shown = [_blank_or(int(s), str(s), kind, d) for s, d in zip(serials, unique, strict=True)]
    elif style.dates == "excel" and style.fmt == "xlsx":
        stamps = unique.astype("datetime64[us]").astype(object)
        return Column("date", _spread([s if s is not None else "" for s in stamps], inverse))
    else:
        shown = [_date_text(day, style.dates) for day in unique.astype(object)]
        kind = "text"
    return Column(kind, _spread(shown, inverse))


def money(values: np.ndarray, style: ExportStyle) -> Column:
    """Amounts: plain, with ``£`` and thousands separators, credits in brackets, or numbers."""
    if style.money == "native" and style.fmt == "xlsx":
        return Column("number", [v if v == v else "" for v in values.tolist()])
    grouped = style.money in ("pound", "thousands")
    pound = "£" if style.money == "pound" else ""
    brackets = style.credits == "brackets"
    return Column("text", [_money_text(v, grouped, pound, brackets) for v in values.tolist()])


def numbers(values: np.ndarray, style: ExportStyle) -> Column:
    """Quantities such as planned hours a week."""
    if style.fmt == "xlsx":
        return Column("number", [v if v == v else "" for v in values.tolist()])
    return Column("text", [f"{v:g}" if v == v else "" for v in values.tolist()])


def integers(values: np.ndarray, style: ExportStyle) -> Column:
    """Digit strings Excel took for numbers: leading zeros gone, numeric cells in a workbook."""
    whole: list[object] = [int(v) if v else "" for v in values.tolist()]
    if style.fmt == "xlsx":
        return Column("number", whole)
    return Column("text", [str(v) for v in whole])


def _money_text(value: float, grouped: bool, pound: str, brackets: bool) -> str:
    if value != value:
        return ""
    amount = f"{pound}{abs(value):,.2f}" if grouped else f"{pound}{abs(value):.2f}"
    if value >= 0:
        return amount
    return f"({amount})" if brackets else f"-{amount}"


def _date_text(day: dt.date | None, form: str) -> str:
    if day is None:
        return ""
    if form == "long":
        return f"{day.day} {day:%B %Y}"
    return day.strftime(_DATE_FORMATS[form])


def _blank_or(number: int, shown: str, kind: str, day: np.datetime64) -> object:
    if np.isnat(day):
        return ""
    return number if kind == "number" else shown


def _spread(unique_values: list[object], inverse: np.ndarray) -> list[object]:
    table = np.empty(len(unique_values), dtype=object)
    table[:] = unique_values
    return table[inverse].tolist() if len(unique_values) else []
