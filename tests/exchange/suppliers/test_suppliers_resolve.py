"""Resolving suppliers: identifiers first, then name keys, then candidates, on both databases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import func, select

from exchange.db import get_session
from exchange.suppliers.models import PENDING, Supplier, SupplierCandidate, SupplierName
from exchange.suppliers.resolve import resolve_suppliers
from schemas import REDACTION_MARKER

SCORE = 88


def _frame(*rows: tuple[str, ...]) -> pd.DataFrame:
    columns = ["name", "cqc_location_id", "ofsted_urn", "org_id"]
    return pd.DataFrame([row + ("",) * (4 - len(row)) for row in rows], columns=columns)


def _resolve(app: Flask, frame: pd.DataFrame) -> pd.Series:
    with app.app_context():
        session = get_session()
        resolved = resolve_suppliers(session, frame, match_score=SCORE)
        session.commit()
        return resolved


def _candidates(app: Flask) -> list[tuple[str, str, str]]:
    """(candidate name key, supplier's display name, status) of every candidate."""
    with app.app_context():
        query = select(SupplierCandidate.name_key, Supplier.display_name, SupplierCandidate.status)
        query = query.join(Supplier, Supplier.id == SupplierCandidate.supplier_id)
        return [tuple(row) for row in get_session().execute(query)]


def test_legal_forms_punctuation_and_case_merge(app: Flask) -> None:
    """ "Alphatrack Systems Ltd" and "ALPHATRACK SYSTEMS LIMITED." are one supplier."""
    resolved = _resolve(
        app,
        _frame(("Alphatrack Systems Ltd",), ("ALPHATRACK SYSTEMS LIMITED.",),
               ("The Alphatrack Systems (UK) Ltd",), ("Beacon & Co Care",)),
    )  # fmt: skip
    assert resolved.iloc[0] == resolved.iloc[1] == resolved.iloc[2]
    assert resolved.iloc[3] != resolved.iloc[0]
    again = _resolve(app, _frame(("Alphatrack Systems",)))
    assert again.iloc[0] == resolved.iloc[0]


def test_identifiers_win_over_names(app: Flask) -> None:
    """A known CQC id or organisation id decides, whatever the name says."""
    first = _resolve(app, _frame(("Harbour Homes Ltd", "1-111", "", "01234567")))
    later = _resolve(
        app,
        _frame(("Harbor Lodge Care", "1-111"), ("Entirely Other Name", "", "", "GB-COH-01234567"),
               ("Harbour Homes Limited", "1-222")),
    )  # fmt: skip
    assert list(later) == [first.iloc[0]] * 3
    with app.app_context():
        names = get_session().scalars(select(SupplierName.how).order_by(SupplierName.id)).all()
    assert names == ["new", "identifier", "identifier"]


def test_same_name_different_companies_stay_apart(app: Flask) -> None:
    """Two companies with the same name but different Companies House numbers are two suppliers."""
    frame = _frame(
        ("Abbey Care Ltd", "", "", "11111111"), ("Abbey Care Limited", "", "", "22222222")
    )
    resolved = _resolve(app, frame)
    assert resolved.iloc[0] != resolved.iloc[1]
    again = _resolve(app, _frame(("Abbey Care", "", "", "22222222"), ("Abbey Care",)))
    assert list(again) == [resolved.iloc[1], resolved.iloc[0]]


def test_subset_name_becomes_a_pending_candidate_not_a_merge(app: Flask) -> None:
    """ "Mencap" against "Royal Mencap Society" is proposed to the lead, not merged."""
    first = _resolve(app, _frame(("Royal Mencap Society",)))
    second = _resolve(app, _frame(("Mencap",)))
    assert first.iloc[0] != second.iloc[0]
    assert _candidates(app) == [("mencap", "Royal Mencap Society", PENDING)]


def test_generic_names_are_not_proposed(app: Flask) -> None:
    """ "Care" or "Home Care Services" is never offered as a match for "Smith Care"."""
    _resolve(app, _frame(("Smith Care Ltd",), ("Jones Care Ltd",)))
    _resolve(app, _frame(("Care",), ("Home Care Services",), ("Smith Lodge",)))
    assert _candidates(app) == []


def test_matches_within_one_batch_are_proposed_once(app: Flask) -> None:
    """Two new similar names in one call give one candidate: the later to the earlier."""
    _resolve(app, _frame(("Ashdown Nursing Partnership",), ("Ashdown Nursing Partnerships",)))
    assert _candidates(app) == [
        ("ashdown nursing partnerships", "Ashdown Nursing Partnership", PENDING)
    ]


def test_empty_and_redacted_names_are_not_suppliers(app: Flask) -> None:
    """Empty, missing and redacted names resolve to <NA>, even with an identifier."""
    frame = _frame(("", "1-999"), (REDACTION_MARKER,), ("Real Provider Ltd",))
    frame.loc[3] = [np.nan, np.nan, np.nan, np.nan]
    resolved = _resolve(app, frame)
    assert resolved.isna().tolist() == [True, True, False, True]
    assert str(resolved.dtype) == "Int64"
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Supplier)) == 1


def test_keeps_the_index_and_handles_missing_columns(app: Flask) -> None:
    """The answer has the observations' index; absent identifier columns count as empty."""
    frame = pd.DataFrame({"name": ["Oak Tree Ltd", "Oak Tree Limited"]}, index=[10, 20])
    resolved = _resolve(app, frame)
    assert list(resolved.index) == [10, 20]
    assert resolved.nunique() == 1


@pytest.mark.parametrize("rows", [2000])
def test_many_names_resolve_in_one_call(app: Flask, rows: int) -> None:
    """Thousands of distinct names and repeated rows resolve consistently."""
    names = [f"Provider {i:05d} Alpha{i} Ltd" for i in range(rows)]
    frame = pd.DataFrame({"name": names + [n.replace("Ltd", "Limited") for n in names]})
    resolved = _resolve(app, frame)
    assert resolved.nunique() == rows
    assert (resolved.iloc[:rows].to_numpy() == resolved.iloc[rows:].to_numpy()).all()


def test_duplicate_index_labels_and_empty_input(app: Flask) -> None:
    """Repeated index labels keep one answer per row; no rows give an empty answer."""
    frame = pd.DataFrame({"name": ["Oak Tree Ltd", "Elm Ltd", "Oak Tree"]}, index=[1, 1, 2])
    resolved = _resolve(app, frame)
    assert len(resolved) == 3
    assert resolved.iloc[0] == resolved.iloc[2] != resolved.iloc[1]
    empty = _resolve(app, pd.DataFrame({"name": []}, dtype=object))
    assert empty.empty
    assert str(empty.dtype) == "Int64"
