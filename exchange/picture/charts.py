"""Chart.js configurations (plain JSON) for the picture's pages.

A page embeds each configuration in a ``<script type="application/json">`` element and
``static/picture.js`` draws it. Withheld values are left out (``null``): the table
beside every chart shows them with their mark and reason.
"""

from __future__ import annotations

from typing import Any

from exchange.disclosure.tables import TOTAL, PublishedTable
from exchange.picture import catalogue as cat
from exchange.picture import presenting


def costs_chart(table: PublishedTable) -> dict[str, Any]:
    """Floating bars from lower to upper quartile per care type, with the median marked."""
    labels, ranges, medians = [], [], []
    for index, row in enumerate(table.rows):
        labels.append(presenting.label("care_type", row.get("care_type")))
        lq, uq, median = (
            None if (index, c) in table.withheld else row.get(c) for c in ("lq", "uq", "median")
        )
        ranges.append([lq, uq] if lq is not None and uq is not None else None)
        medians.append(median)
    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {"label": "Lower to upper quartile (£ per week)", "data": ranges},
                {
                    "type": "line",
                    "label": "Median (£ per week)",
                    "data": medians,
                    "showLine": False,
                    "pointStyle": "line",
                    "pointRadius": 10,
                    "pointBorderWidth": 3,
                },
            ],
        },
        "options": {
            "indexAxis": "y",
            "scales": {"x": {"title": {"display": True, "text": "£ per week"}}},
        },
    }


def benchmarks_chart(table: PublishedTable) -> dict[str, Any]:
    """Per care type, how many authorities' medians fall in each band (stacked)."""
    care_types: list[str] = []
    counted: dict[str, dict[str, int]] = {band: {} for band in cat.BANDS}
    for index, row in enumerate(table.rows):
        care = str(row.get("care_type"))
        if care == TOTAL or row.get("authority") == TOTAL:
            continue
        if care not in care_types:
            care_types.append(care)
        band = "" if (index, "band") in table.withheld else str(row.get("band"))
        if band in counted:
            counted[band][care] = counted[band].get(care, 0) + 1
    return {
        "type": "bar",
        "data": {
            "labels": [presenting.label("care_type", c) for c in care_types],
            "datasets": [
                {"label": band.capitalize(), "data": [counted[band].get(c, 0) for c in care_types]}
                for band in cat.BANDS
            ],
        },
        "options": {
            "indexAxis": "y",
            "scales": {
                "x": {"stacked": True, "title": {"display": True, "text": "Authorities"}},
                "y": {"stacked": True},
            },
        },
    }


def savings_chart(table: PublishedTable) -> dict[str, Any]:
    """Cost over the reference per year, per authority (withheld ones left out)."""
    labels, values = [], []
    for index, row in enumerate(table.rows):
        if row.get("authority") == TOTAL:
            continue
        labels.append(str(row.get("authority")))
        values.append(
            None if (index, "excess_per_year") in table.withheld else row.get("excess_per_year")
        )
    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [{"label": "Cost over the reference per year (£)", "data": values}],
        },
        "options": {"scales": {"y": {"title": {"display": True, "text": "£ per year"}}}},
    }
