"""A period's rows, from the latest accepted version of each return, into pandas.

Only the columns the picture needs are read. On PostgreSQL the rows come through the
ADBC PostgreSQL driver (Apache Arrow's, binary COPY in C) straight into Arrow columns —
a million rows in a few seconds, where fetching them as Python tuples, or iterating a
psycopg ``COPY`` (one Python object per row), takes several times as long. The ADBC
connection imports the session's snapshot (``pg_export_snapshot``), so it reads exactly
what the session sees. On SQLite (the embedded default, for small regions)
``pandas.read_sql`` is enough.

Text columns arrive as categoricals with sorted categories (as ``astype("category")``
gives; the pseudonyms' are left unsorted on PostgreSQL), missing where empty: the
picture groups a million rows by them, and grouping by integer codes is many times
faster than by strings. Numbers are floats. Each row
carries its authority's code (``authority``, categorical), joined from its return.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Float, Select, cast, func, select, text
from sqlalchemy.orm import Session

from exchange.registry.models import Authority
from exchange.returns.models import ACCEPTED, Return
from exchange.returns.rows import rows_table

PLACEMENT_COLUMNS = (
    "nhs_number_pseudonym",
    "care_type",
    "primary_support_reason",
    "provider_name",
    "provider_type",
    "cqc_location_id",
    "ofsted_urn",
    "provider_org_id",
    "procurement_route",
    "quality_rating",
    "weekly_cost",
)
SPEND_COLUMNS = ("service_area", "supplier_name", "supplier_id", "net_amount")
NUMBERS = frozenset({"weekly_cost", "net_amount"})
#: Text columns whose categories may stay unsorted (grouped, never ordered or shown).
UNSORTED = frozenset({"nhs_number_pseudonym"})


@dataclass(frozen=True)
class ReturnUsed:
    """A return a release is built from: whose, signed with which key, under which keys."""

    id: int
    return_type: str
    authority: str
    manifest_hash: str
    key_id: str
    pseudonym_key_version: int | None


@dataclass(frozen=True)
class PeriodRows:
    """A period's returns and their rows (``authority`` column added)."""

    period: str
    returns: tuple[ReturnUsed, ...]
    placements: pd.DataFrame
    spend: pd.DataFrame


def latest_returns(session: Session, period: str) -> list[ReturnUsed]:
    """The period's current (accepted, not deleted) returns of every type."""
    rows = session.execute(
        select(
            Return.id,
            Return.return_type,
            Authority.code,
            Return.manifest_hash,
            Return.key_id,
            Return.manifest,
        )
        .join(Authority, Authority.id == Return.authority_id)
        .where(Return.period == period, Return.status == ACCEPTED, Return.deleted_at.is_(None))
        .order_by(Return.id)
    )
    return [
        ReturnUsed(id_, kind, code, manifest_hash, key_id, _key_version(manifest))
        for id_, kind, code, manifest_hash, key_id, manifest in rows
    ]


def _key_version(manifest: bytes) -> int | None:
    try:
        version = json.loads(manifest).get("pseudonym_key_version")
    except (ValueError, AttributeError):
        return None
    return version if isinstance(version, int) else None


def load_period(session: Session, period: str) -> PeriodRows:
    """Every row of the period's current returns, only the columns the picture uses."""
    returns = latest_returns(session, period)
    placements = _rows(session, returns, "placements", PLACEMENT_COLUMNS)
    spend = _rows(session, returns, "supplier_spend", SPEND_COLUMNS)
    return PeriodRows(period, tuple(returns), placements, spend)


def _rows(
    session: Session, returns: Sequence[ReturnUsed], return_type: str, columns: Sequence[str]
) -> pd.DataFrame:
    wanted = [r for r in returns if r.return_type == return_type]
    if not wanted:
        return _empty(columns)
    table = rows_table(return_type, 1)
    selected = [
        cast(table.c[c], Float).label(c) if c in NUMBERS else func.nullif(table.c[c], "").label(c)
        for c in columns
    ]
    query = select(table.c.return_id, table.c.row_number, *selected).where(
        table.c.return_id.in_([r.id for r in wanted])
    )
    if session.get_bind().dialect.name == "postgresql":
        return_ids, row_numbers, frame = _arrow_frame(session, query, columns)
    else:
        read = pd.read_sql(query, session.connection())
        return_ids = read.pop("return_id").to_numpy(dtype="int64")
        row_numbers = read.pop("row_number").to_numpy(dtype="int64")
        frame = _typed(read, columns)
    # Rows in return and row order, whatever order the database sent them in: sums of
    # a million floats depend on their order, and a rebuild must give the same figures.
    order = np.lexsort((row_numbers, return_ids))
    if not np.array_equal(order, np.arange(len(order))):
        frame = frame.take(order).reset_index(drop=True)
        return_ids = return_ids[order]
    codes = sorted({r.authority for r in wanted})
    position = {code: i for i, code in enumerate(codes)}
    lookup = pd.Series({r.id: position[r.authority] for r in wanted}, dtype="int64")
    authority = pd.Categorical.from_codes(
        lookup.reindex(return_ids).to_numpy(dtype="int64"), categories=pd.Index(codes)
    )
    frame.insert(0, "authority", pd.Series(authority, index=frame.index))
    return frame


def _arrow_frame(
    session: Session, query: Select[Any], columns: Sequence[str]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], pd.DataFrame]:
    """Run ``query`` over ADBC in the session's snapshot: return ids, row numbers, frame."""
    import adbc_driver_postgresql.dbapi as adbc
    import pyarrow as pa
    import pyarrow.compute as pc
    from sqlalchemy.dialects import postgresql

    compiled = query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    snapshot = session.execute(text("SELECT pg_export_snapshot()")).scalar_one()
    url = session.connection().engine.url
    uri = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with adbc.connect(uri, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        cursor.execute(str(compiled))
        arrow = cursor.fetch_arrow_table()
        cursor.execute("COMMIT")
    return_ids = arrow.column("return_id").to_numpy().astype("int64")
    row_numbers = arrow.column("row_number").to_numpy().astype("int64")
    data: dict[str, Any] = {}
    for column in columns:
        values = arrow.column(column)
        if column in NUMBERS:
            data[column] = values.cast(pa.float64()).to_numpy(zero_copy_only=False)
        else:
            encoded = pc.dictionary_encode(values.cast(pa.string())).to_pandas()
            # pseudonyms are nearly all distinct and never sorted or shown: no sorting
            data[column] = encoded if column in UNSORTED else _sorted_categories(encoded)
    return return_ids, row_numbers, pd.DataFrame(data)


def _sorted_categories(values: pd.Series) -> pd.Series:
    """A categorical with its (observed) categories in sorted order, as ``astype("category")``."""
    categorical = values.astype("category")
    categories = categorical.cat.categories
    ordered = categories.sort_values()
    if not categories.equals(ordered):
        categorical = categorical.cat.reorder_categories(ordered)
    return categorical


def _typed(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Numbers as floats; text as sorted categoricals, missing where empty."""
    for column in columns:
        if column in NUMBERS:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        else:
            values = frame[column].astype(object)
            text_values = values.where(values.notna() & (values != ""), None)
            frame[column] = _sorted_categories(text_values)
    return frame


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            c: pd.Series(dtype="float64" if c in NUMBERS else pd.CategoricalDtype([]))
            for c in columns
        }
    )
    frame.insert(0, "authority", pd.Series(dtype=pd.CategoricalDtype([])))
    return frame
