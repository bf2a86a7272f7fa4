"""Code lists: codes, labels and local variants are read; the shared view takes codes only."""

from __future__ import annotations

import numpy as np
import pytest

from schemas import code_variants, codes
from schemas.fieldtypes import CodeListType, ParseContext, code_key, parse_cells, parse_value

CONTEXT = ParseContext()
FREQUENCY = CodeListType(
    "cost_frequencies", codes.COST_FREQUENCIES, code_variants.COST_FREQUENCY_VARIANTS
)
ROUTE = CodeListType(
    "procurement_routes", codes.PROCUREMENT_ROUTES, code_variants.PROCUREMENT_ROUTE_VARIANTS
)
CARE = CodeListType("care_types", codes.CARE_TYPES, code_variants.CARE_TYPE_VARIANTS)


@pytest.mark.parametrize(
    ("code_list", "cell", "code"),
    [
        (FREQUENCY, "Four-weekly", "four_weekly"),
        (FREQUENCY, "4 weekly", "four_weekly"),
        (FREQUENCY, "Per four weeks", "four_weekly"),
        (FREQUENCY, "WEEKLY", "weekly"),
        (FREQUENCY, "p/w", "weekly"),
        (FREQUENCY, "One-off", "one_off"),
        (FREQUENCY, "per annum", "annual"),
        (ROUTE, "Spot purchase", "spot"),
        (ROUTE, "spot", "spot"),
        (ROUTE, "Framework agreement", "framework"),
        (CARE, "Children's home", "childrens_home"),
        (CARE, "Children’s Home", "childrens_home"),
        (CARE, "IFA", "agency_foster"),
        (CARE, "Care home with nursing", "nursing"),
        (CARE, "Supported accommodation (16+)", "supported_accommodation"),
    ],
)
def test_codes_labels_and_variants_are_read(code_list: CodeListType, cell: str, code: str) -> None:
    """A code, its label or a known variant reads as the code, whatever the case, in both
    engines."""
    assert parse_value(cell, code_list, CONTEXT).value == code
    outcome, _ = parse_cells(np.array([cell], dtype=object), code_list, CONTEXT)
    assert list(outcome.values) == [code]


def test_unknown_values_are_refused_with_the_codes_in_the_hint() -> None:
    """An unknown value is refused; the hint lists the codes to use."""
    outcome = parse_value("sometimes", FREQUENCY, CONTEXT)
    assert outcome.failure is not None
    assert outcome.failure.code == "code.unknown"
    assert all(code in outcome.failure.hint for code in codes.COST_FREQUENCIES)


def test_shared_view_takes_codes_only() -> None:
    """The strict form refuses labels and variants: the anonymiser sends codes."""
    strict = FREQUENCY.strict()
    assert parse_value("four_weekly", strict, CONTEXT).value == "four_weekly"
    assert parse_value("Four-weekly", strict, CONTEXT).failure is not None
    assert strict.json_schema() == {"type": "string", "enum": list(codes.COST_FREQUENCIES)}


@pytest.mark.parametrize(
    "table",
    [
        (codes.CLIENT_TYPES, code_variants.CLIENT_TYPE_VARIANTS),
        (codes.CARE_TYPES, code_variants.CARE_TYPE_VARIANTS),
        (codes.PRIMARY_SUPPORT_REASONS, code_variants.PRIMARY_SUPPORT_REASON_VARIANTS),
        (codes.COST_FREQUENCIES, code_variants.COST_FREQUENCY_VARIANTS),
        (codes.PROCUREMENT_ROUTES, code_variants.PROCUREMENT_ROUTE_VARIANTS),
        (codes.PROVIDER_TYPES, code_variants.PROVIDER_TYPE_VARIANTS),
        (codes.QUALITY_RATINGS, code_variants.QUALITY_RATING_VARIANTS),
        (codes.SEXES, code_variants.SEX_VARIANTS),
        (codes.ETHNICITIES, code_variants.ETHNICITY_VARIANTS),
    ],
)
def test_every_label_and_variant_reads_as_its_code(table: tuple[dict[str, str], ...]) -> None:
    """No label or variant is shadowed by another code's spelling."""
    listed, variants = table
    code_list = CodeListType("list", listed, variants)
    for code, label in listed.items():
        assert parse_value(label, code_list, CONTEXT).value == code
    for variant, code in variants.items():
        assert parse_value(variant, code_list, CONTEXT).value == code


def test_a_variant_naming_an_unknown_code_is_a_definition_error() -> None:
    """A variant that points at a code not in the list is caught when the list is built."""
    with pytest.raises(ValueError, match="not in the list"):
        CodeListType("routes", codes.PROCUREMENT_ROUTES, {"tender": "tendered"})


def test_code_keys() -> None:
    """Keys close up case, punctuation, ampersands and apostrophes."""
    assert code_key(" Four-Weekly ") == "four_weekly"
    assert code_key("Access & mobility") == "access_and_mobility"
    assert code_key("Children's home") == "childrens_home"
