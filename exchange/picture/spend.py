"""Spend by authority and service area, and returns completeness.

Spend figures are sums of supplier payments councils already publish (over £500, Local
Government Transparency Code), so they are published without count suppression; the
names of private individuals were redacted by the anonymiser before the return left the
authority. Completeness is the returns tracker's answer for the period, per return type.
"""

from __future__ import annotations

import pandas as pd

from exchange.disclosure.tables import Column, PublishedTable
from exchange.picture import catalogue as cat
from exchange.picture.compute import PeriodInputs, with_margins


def _sums(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    grouped = frame.groupby(by, observed=True)["net_amount"]
    return pd.DataFrame({"spend": grouped.sum(), "payments": grouped.size()}).reset_index()


def spend_tables(inputs: PeriodInputs) -> dict[str, PublishedTable]:
    """Spend by authority and service area, with totals."""
    dims = ("authority", "service_area")
    spend = inputs.spend
    frame = with_margins(spend, dims, _sums) if len(spend) else pd.DataFrame(columns=[*dims])
    rows = [
        {"authority": r["authority"], "service_area": r["service_area"],
         "spend": round(float(r["spend"]), 2), "payments": int(r["payments"])}
        for r in frame.sort_values(list(dims)).to_dict("records")
    ] if len(frame) else []  # fmt: skip
    table = PublishedTable(
        name=cat.SPEND_BY_AUTHORITY, title=cat.TABLES[cat.SPEND_BY_AUTHORITY],
        columns=(
            Column("authority", "Authority", "dimension"),
            Column("service_area", "Service area", "dimension"),
            Column("spend", "Spend (£)", "money"),
            Column("payments", "Payment lines", "number"),
        ),
        rows=rows, key=dims,
        notes=("Supplier payments as published under the Local Government Transparency "
               "Code; not suppressed.",),
    )  # fmt: skip
    return {cat.SPEND_BY_AUTHORITY: table}


def completeness_table(inputs: PeriodInputs) -> dict[str, PublishedTable]:
    """Which authorities returned what for the period, from the tracker."""
    columns = (
        Column("return_type", "Return type", "dimension"),
        Column("authority", "Authority", "dimension"),
        Column("authority_name", "Name", "text"),
        Column("state", "State", "text"),
        Column("received", "Received", "text"),
    )
    rows = [dict(r) for r in inputs.completeness]
    summaries = sorted({str(r.get("summary")) for r in rows if r.get("summary")})
    for row in rows:
        row.pop("summary", None)
    table = PublishedTable(
        name=cat.COMPLETENESS, title=cat.TABLES[cat.COMPLETENESS], columns=columns, rows=rows,
        key=("return_type", "authority"), notes=tuple(summaries),
    )  # fmt: skip
    return {cat.COMPLETENESS: table}
