"""The policy document and its hash: what an IG officer signs off, pinned."""

from __future__ import annotations

import hashlib
import json

import pytest

from schemas import REDACTION_MARKER, ReturnSchema, get_schema
from schemas.documents import canonical_json

#: Changing what leaves changes these: that is a new schema version, never an edit.
PINNED = {
    "placements": "064a725bfe08c698e6b79fe5f9e6afab6dab1e675ef1e6a7d5fcf2df713d910b",
    "supplier_spend": "26298e8e0602e061663a4fc5a9a19c511fe04807d7f6e6083c23de31213ebb2a",
}


@pytest.mark.parametrize("return_type", sorted(PINNED))
def test_policy_hashes_are_pinned(return_type: str) -> None:
    """The v1 policy hashes do not change: returns already made quote them."""
    assert get_schema(return_type, 1).policy_hash() == PINNED[return_type]


def test_hash_is_sha256_of_canonical_json(placements: ReturnSchema) -> None:
    """The hash is sha256 over sorted-key, space-free UTF-8 JSON of the document."""
    document = placements.policy_document()
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert placements.policy_hash() == hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def test_canonical_json_form() -> None:
    """Canonical JSON sorts keys, has no spaces and keeps non-ASCII as UTF-8."""
    assert canonical_json({"b": 1, "a": ["£", None]}) == '{"a":["£",null],"b":1}'.encode()


def test_document_states_every_fields_policy(placements: ReturnSchema) -> None:
    """Every raw field appears with its policy and what it leaves as; descriptions do not."""
    document = placements.policy_document()
    fields = {entry["name"]: entry for entry in document["fields"]}
    assert list(fields) == [field.name for field in placements.raw_fields]
    assert fields["nhs_number"]["policy"] == {"kind": "pseudonymise", "domain": "nhs_number"}
    assert fields["date_of_birth"]["policy"] == {"kind": "generalise", "rule": "age_band"}
    assert fields["notes"]["shared_as"] is None
    assert "description" not in fields["notes"]
    shared = {entry["name"]: entry for entry in document["shared_fields"]}
    assert shared["weekly_cost"]["from"] == [
        "unit_cost",
        "cost_frequency",
        "planned_units_per_week",
    ]
    assert {"90+", "18-64", "65+"} <= set(shared["age_band"]["codes"])
    assert document["redaction_marker"] == REDACTION_MARKER == "[REDACTED: private individual]"
    assert document["k_threshold"] == 5


def test_schemas_have_different_policies(placements: ReturnSchema) -> None:
    """Each schema's hash is its own."""
    assert placements.policy_hash() != get_schema("supplier_spend", 1).policy_hash()
