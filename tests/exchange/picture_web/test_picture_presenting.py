"""How pages show published tables: marks with reasons, search, sort, and row filters."""

from __future__ import annotations

from exchange.accounts.auth import Principal
from exchange.disclosure.tables import PRIMARY, SAMPLE, TOTAL, Column, PublishedTable
from exchange.picture import presenting, reading


def spend_table() -> PublishedTable:
    return PublishedTable(
        name="savings",
        title="Savings",
        columns=(
            Column("authority", "Authority", "dimension"),
            Column("placements_above", "Placements above", "count"),
            Column("excess_per_year", "Per year (£)", "money"),
        ),
        rows=[
            {"authority": "E06000016", "placements_above": 12, "excess_per_year": 52000.0},
            {"authority": "E06000015", "placements_above": 3, "excess_per_year": 900.0},
            {"authority": "E06000018", "placements_above": 40, "excess_per_year": 150000.0},
            {"authority": TOTAL, "placements_above": 55, "excess_per_year": 202900.0},
        ],
        withheld={(1, "placements_above"): PRIMARY, (1, "excess_per_year"): SAMPLE},
        key=("authority",),
    )


def test_withheld_cells_show_their_mark_and_reason() -> None:
    """A withheld cell shows [c] or [x], the class withheld, and the reason's explanation."""
    shown = presenting.shown(spend_table())
    count, money = shown.rows[1][1], shown.rows[1][2]
    assert (count.text, money.text) == ("[c]", "[x]")
    assert "withheld" in count.classes
    assert count.explanation == "count of 1 to the threshold"
    assert money.explanation == "too few placements behind the statistic"
    assert shown.rows[2][2].text == "£150,000"
    assert shown.withheld == 2


def test_sort_keeps_totals_last_and_withheld_after_published() -> None:
    """Descending by a number: largest first, the withheld row after, the Total row last."""
    ordered = presenting.sort(spend_table(), "-placements_above")
    assert [r["authority"] for r in ordered.rows] == ["E06000018", "E06000016", "E06000015", TOTAL]
    assert ordered.withheld == {(2, "placements_above"): PRIMARY, (2, "excess_per_year"): SAMPLE}
    ascending = presenting.sort(spend_table(), "authority")
    assert [r["authority"] for r in ascending.rows][:3] == ["E06000015", "E06000016", "E06000018"]


def test_search_matches_text_and_keeps_totals() -> None:
    """Search is case-insensitive, on the named column, and keeps the Total row."""
    found = presenting.search(spend_table(), "authority", "e06000015")
    assert [r["authority"] for r in found.rows] == ["E06000015", TOTAL]
    assert found.withheld == {(0, "placements_above"): PRIMARY, (0, "excess_per_year"): SAMPLE}


def test_a_data_officer_sees_own_rows_and_totals_only() -> None:
    """Tables with an authority column are cut to the officer's authority and the totals."""
    officer = Principal(user_id=1, role="data_officer", authority="E06000015")
    lead = Principal(user_id=2, role="regional_lead", authority=None)
    mine = reading.for_principal(officer, spend_table())
    assert [r["authority"] for r in mine.rows] == ["E06000015", TOTAL]
    assert mine.withheld == {(0, "placements_above"): PRIMARY, (0, "excess_per_year"): SAMPLE}
    assert reading.for_principal(lead, spend_table()).rows == spend_table().rows


def test_code_columns_show_labels() -> None:
    """Care type codes read as their agreed titles on pages."""
    assert presenting.label("care_type", "nursing") == "Long term nursing care"
    assert presenting.label("care_type", TOTAL) == TOTAL
    assert presenting.label("supplier", "nursing") == "nursing"
