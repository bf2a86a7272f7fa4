"""docs/schemas.md says what the code does: every field, policy, problem code and option."""

from __future__ import annotations

from pathlib import Path

import pytest

from anonymiser.cli.schema import show
from schemas import ReturnSchema, get_schema, list_schemas
from schemas.policy import POLICY_KINDS
from schemas.problems import MISSING_COLUMN, REPEATED_COLUMN, REQUIRED, UNEXPECTED_COLUMN

DOC = (Path(__file__).resolve().parents[2] / "docs" / "schemas.md").read_text(encoding="utf-8")
SCHEMAS = [get_schema(return_type, version) for return_type, version in list_schemas()]


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda schema: schema.return_type)
def test_every_field_is_documented_with_its_policy(schema: ReturnSchema) -> None:
    """Each raw field's row names its policy and what it leaves as; each shared field appears."""
    for field in schema.raw_fields:
        row = next(line for line in DOC.splitlines() if line.startswith(f"| `{field.name}` |"))
        assert str(field.policy) in row, field.name
        assert (f"`{field.shared_name}`" if field.shared_name else "nothing") in row
    for shared in schema.shared_fields:
        assert f"`{shared.name}`" in DOC


def test_every_problem_code_is_documented() -> None:
    """Every failure a type or rule can report is named in the doc."""
    codes = {MISSING_COLUMN, REPEATED_COLUMN, UNEXPECTED_COLUMN, REQUIRED, "cell.spreadsheet_error"}
    for schema in SCHEMAS:
        for raw in schema.raw_fields:
            codes |= {failure.code for failure in raw.type.failures}
        for shared in schema.shared_fields:
            codes |= {failure.code for failure in shared.type.failures}
        codes |= {rule.failure.code for rule in (*schema.rules, *schema.shared_rules)}
    assert sorted(code for code in codes if f"`{code}`" not in DOC) == []


def test_policies_and_options_are_documented() -> None:
    """Every policy kind and every option of `anonymiser schema show` is in the doc."""
    for kind in POLICY_KINDS:
        assert f"`{kind}" in DOC
    for option in show.params:
        for name in option.opts:
            assert name in DOC or option.name == "return_type", name
