"""The disclosure certificate: what it lists, its id, its text form; and the rules' settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from exchange.config import Settings
from exchange.disclosure import (
    PRIMARY,
    REASONS,
    CountTable,
    DisclosureRules,
    attack,
    build_certificate,
    certificate_id,
    certificate_text,
    protect_counts,
)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "disclosure-control.md"
RULES = DisclosureRules()


def release():
    frame = pd.DataFrame({"care_type": ["home", "nursing", "residential"], "count": [4, 30, 25]})
    tables = protect_counts([CountTable("by_care", "By care type", ("care_type",), frame)], RULES)
    return list(tables.values())


def certificate(**changes):
    tables = release()
    arguments = {
        "period": "2026-Q2",
        "tables": tables,
        "rules": RULES,
        "key_versions": {"returns": ["k-lambeth-1", "k-southwark-2"], "hub": "hub-2026"},
        "attack": attack(tables, RULES),
        "created_at": datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
    }
    arguments.update(changes)
    return build_certificate(**arguments)


def test_certificate_lists_rules_keys_and_every_withheld_cell_with_its_reason():
    """An IG officer reads the thresholds, key versions and each withheld cell's row key and why."""
    cert = certificate()
    assert cert["rules"]["count_threshold"] == 7
    assert cert["rules"]["version"] == "dc-1"
    assert cert["key_versions"]["returns"] == ["k-lambeth-1", "k-southwark-2"]
    [table] = cert["tables"]
    withheld = {c["key"]["care_type"]: c for c in table["withheld"]}
    assert set(withheld) == {"home", "residential"}
    assert withheld["home"]["reason"] == PRIMARY
    assert withheld["home"]["explanation"] == REASONS[PRIMARY]
    assert withheld["home"]["mark"] == "[c]"
    assert cert["attack"]["safe"] is True
    assert json.loads(json.dumps(cert)) == cert


def test_certificate_id_is_the_hash_of_its_content():
    """The id verifies, is stable, and changes with any content."""
    cert = certificate()
    assert cert["id"] == certificate_id(cert)
    assert certificate()["id"] == cert["id"]
    assert certificate(period="2026-Q3")["id"] != cert["id"]
    tampered = dict(cert, rules={**cert["rules"], "count_threshold": 3})
    assert certificate_id(tampered) != cert["id"]


def test_certificate_text_names_the_cells_and_the_attacker_result():
    """The plain-text form carries the same facts."""
    text = certificate_text(certificate())
    assert "Certificate: " in text
    assert "care_type=home; count: [c] primary" in text
    assert "from 1 to 7 are withheld" in text
    assert "recoverable: 0" in text
    assert "not run" in certificate_text(certificate(attack=None))


def test_rules_from_settings():
    """The picture_* settings give the rules (share as a fraction)."""
    rules = DisclosureRules.from_settings(Settings())
    assert rules == DisclosureRules()
    custom = SimpleNamespace(
        picture_count_threshold=10,
        picture_round_to=5,
        picture_min_cost_sample=20,
        picture_min_cost_authorities=4,
        picture_max_authority_share_percent=50,
    )
    assert DisclosureRules.from_settings(custom).as_dict() == {
        "count_threshold": 10,
        "round_to": 5,
        "min_cost_sample": 20,
        "min_cost_authorities": 4,
        "max_authority_share": 0.5,
        "version": "dc-1",
    }
    with pytest.raises(ValueError, match="max_authority_share"):
        DisclosureRules(max_authority_share=0)


def test_the_document_covers_every_reason_and_setting():
    """docs/disclosure-control.md explains each reason, mark and setting the code uses."""
    text = DOCS.read_text(encoding="utf-8")
    for reason in REASONS:
        assert f"`{reason}`" in text
    for setting in (
        "picture_count_threshold",
        "picture_round_to",
        "picture_min_cost_sample",
        "picture_min_cost_authorities",
        "picture_max_authority_share_percent",
    ):
        assert setting.upper() in text or setting in text
    assert "[c]" in text
    assert "[x]" in text
