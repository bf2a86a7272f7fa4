"""The two engines agree: whole-column parsing and single-record marshmallow accept and refuse
the same values, and read accepted values the same way."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import marshmallow as ma
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import get_schema
from schemas.fieldtypes import FieldType, ParseContext, parse_cells, parse_value
from schemas.records import DomainField


def _all_types() -> dict[str, FieldType]:
    """Every field type either schema uses, raw and shared, by a readable id."""
    found: dict[str, FieldType] = {}
    for return_type in ("placements", "supplier_spend"):
        schema = get_schema(return_type, 1)
        for field in schema.raw_fields:
            found[f"{return_type}.{field.name}"] = field.type
        for shared in schema.shared_fields:
            found[f"{return_type}.shared.{shared.name}"] = shared.type
    return found


TYPES = _all_types()

#: Characters that matter to some type: digits, separators, currency, letters of codes.
_ALPHABET = "0123456789 -./,£()#:+EeTQqSCGBHOCOHCHCvabcdfABDFLNPRWX\t\xa0\u2013'&"
near_misses = st.text(_ALPHABET, max_size=16)
anything = st.text(max_size=12)


def accepted_forms(field_type: FieldType) -> st.SearchStrategy[str]:
    """The type's documented accepted forms, some with noise added."""
    forms = st.sampled_from(field_type.accepts or ("x",))
    noise = st.sampled_from(["", " ", "  ", "-", ".0", "x", "0", "\xa0", ","])
    return st.one_of(forms, st.tuples(forms, noise).map("".join))


def cells_for(field_type: FieldType) -> st.SearchStrategy[list[Any]]:
    """Lists of cells: accepted forms, near misses, arbitrary text, numbers and blanks."""
    cell = st.one_of(
        accepted_forms(field_type),
        near_misses,
        anything,
        st.integers(-(10**11), 10**11),
        st.floats(allow_nan=True, allow_infinity=False, width=32),
        st.none(),
        st.booleans(),
        st.dates(date(1890, 1, 1), date(2110, 1, 1)),
    )
    return st.lists(cell, min_size=1, max_size=12)


def same(left: Any, right: Any) -> bool:
    """Equality of parsed values across engines (dates as days, floats exactly, NaN as None)."""
    if isinstance(left, np.datetime64):
        left = None if np.isnat(left) else left.astype("datetime64[D]").astype(date)
    if isinstance(left, float) and math.isnan(left):
        left = None
    return bool(left == right)


def one_field_schema(field_type: FieldType) -> ma.Schema:
    """A marshmallow schema with one optional field of the type."""
    return ma.Schema.from_dict({"v": DomainField(field_type, context=ParseContext())})()


@pytest.mark.parametrize("name", sorted(TYPES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_column_and_single_value_engines_agree(name: str, data: st.DataObject) -> None:
    """For any cells, each row's failure (or value) matches the single-value engine's."""
    field_type = TYPES[name]
    cells = data.draw(cells_for(field_type))
    outcome, missing = parse_cells(np.array(cells, dtype=object), field_type, ParseContext())
    for row, cell in enumerate(cells):
        one = parse_value(cell, field_type, ParseContext())
        column_failures = [f.code for f, mask in outcome.failures.items() if mask[row]]
        assert column_failures == ([one.failure.code] if one.failure else []), cell
        assert bool(missing[row]) == one.missing, cell
        assert same(outcome.values[row], one.value), cell


@pytest.mark.parametrize("name", sorted(TYPES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_marshmallow_accepts_exactly_what_the_frame_accepts(name: str, data: st.DataObject) -> None:
    """A marshmallow field refuses a cell exactly when frame validation reports an error."""
    field_type = TYPES[name]
    cells = data.draw(cells_for(field_type))
    outcome, _ = parse_cells(np.array(cells, dtype=object), field_type, ParseContext())
    schema = one_field_schema(field_type)
    for row, cell in enumerate(cells):
        frame_error = any(
            mask[row] and failure.severity == "error" for failure, mask in outcome.failures.items()
        )
        assert bool(schema.validate({"v": cell})) == frame_error, cell


def test_repeated_values_parse_the_same_as_distinct_ones() -> None:
    """A long column of repeated cells (parsed once per distinct value) matches a short one."""
    schema = get_schema("placements", 1)
    sample = {
        "date_of_birth": ["31/03/1950", "1950-03-31", "31/02/1950", None, "45382", "x"],
        "unit_cost": ["£1,200.00", "(5)", "12,50", None, "-", "900"],
        "cost_frequency": ["Weekly", "4 weekly", "sometimes", None, "PER HOUR", "pw"],
        "postcode": ["de22 3ab", "NG7", "nowhere", None, "LE1 1AA", "#N/A"],
    }
    for name, values in sample.items():
        field_type = schema.field(name).type
        short, short_missing = parse_cells(
            np.array(values, dtype=object), field_type, ParseContext()
        )
        cells = np.array(values * 1_000, dtype=object)
        long, long_missing = parse_cells(cells, field_type, ParseContext())
        expected = pd.Series(np.tile(short.numpy_values(), 1_000))
        assert pd.Series(long.numpy_values()).equals(expected), name
        assert long_missing.tolist() == short_missing.tolist() * 1_000
        for failure, mask in short.failures.items():
            assert long.failures[failure].tolist() == mask.tolist() * 1_000
