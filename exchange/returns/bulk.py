"""Bulk loading validated rows into a rows table, inside the caller's transaction.

On PostgreSQL the rows go in with ``COPY ... FROM STDIN`` on the session's own
psycopg connection: each batch of parsed values is written as CSV by pyarrow and
handed to a sender thread, so PostgreSQL parses one batch while Python validates the
next. On SQLite they go in with ``executemany`` per batch. Either way nothing is
visible to anyone else until the caller commits, and a rollback leaves nothing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Column, Date, Numeric, Table
from sqlalchemy.orm import Session

from exchange.returns.rows import KEY_COLUMNS


class RowSink(Protocol):
    """Takes batches of parsed rows for one return."""

    def write(self, parsed: pd.DataFrame, first_row: int) -> None:
        """Store ``parsed`` (columns: the shared fields) as rows ``first_row`` onwards."""


@contextmanager
def row_sink(session: Session, table: Table, return_id: int) -> Iterator[RowSink]:
    """A sink loading rows of ``table`` for return ``return_id`` in the session's transaction.

    Leaving the block with an exception abandons the load (PostgreSQL's COPY is failed).
    """
    columns = [c for c in table.columns if c.name not in KEY_COLUMNS]
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield _InsertSink(connection.connection.driver_connection, table, columns, return_id)
        return
    driver: Any = connection.connection.driver_connection
    names = ", ".join(f'"{name}"' for name in (*KEY_COLUMNS, *(c.name for c in columns)))
    sql = f'COPY "{table.name}" ({names}) FROM STDIN WITH (FORMAT csv)'
    with driver.cursor() as cursor, cursor.copy(sql) as copy:
        sink = _CopySink(copy, columns, return_id)
        try:
            yield sink
        except BaseException:
            sink.close(abandon=True)
            raise
        sink.close()


class _CopySink:
    """Formats batches as CSV here and sends them from a thread, at most two queued.

    The thread mostly waits on the socket (psycopg releases the GIL), so Python formats
    and validates the next batch while PostgreSQL parses this one; the bounded queue
    keeps memory flat when PostgreSQL is the slower of the two.
    """

    def __init__(self, copy: Any, columns: Sequence[Column[Any]], return_id: int) -> None:
        self._copy, self._columns, self._return_id = copy, columns, return_id
        self._queue: queue.Queue[pa.Buffer | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._abandoned = False
        self._thread = threading.Thread(target=self._send, name="copy-sender", daemon=True)
        self._thread.start()

    def write(self, parsed: pd.DataFrame, first_row: int) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(csv_rows(parsed, self._columns, self._return_id, first_row))

    def close(self, *, abandon: bool = False) -> None:
        """Wait for the queue to be sent (or dropped, if ``abandon``); raise a send error."""
        self._abandoned = abandon
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and not abandon:
            raise self._error

    def _send(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is not None or self._abandoned:
                continue  # keep draining so write() never blocks on a stopped sender
            try:
                self._copy.write(data)
            except BaseException as err:
                self._error = err


class _InsertSink:
    def __init__(
        self, driver: Any, table: Table, columns: Sequence[Column[Any]], return_id: int
    ) -> None:
        self._driver, self._columns, self._return_id = driver, columns, return_id
        names = ", ".join(f'"{name}"' for name in (*KEY_COLUMNS, *(c.name for c in columns)))
        marks = ", ".join("?" * (len(columns) + len(KEY_COLUMNS)))
        # Names come from the rows tables' definitions, never from the upload.
        self._sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608

    def write(self, parsed: pd.DataFrame, first_row: int) -> None:
        count = len(parsed)
        values = [_python_values(parsed[c.name].to_numpy(), c) for c in self._columns]
        keys = ([self._return_id] * count, range(first_row, first_row + count))
        self._driver.executemany(self._sql, zip(*keys, *values, strict=True))


def csv_rows(
    parsed: pd.DataFrame, columns: Sequence[Column[Any]], return_id: int, first_row: int
) -> pa.Buffer:
    """The batch as COPY's CSV: return id, row number, then each column (empty = NULL)."""
    count = len(parsed)
    arrays = [
        pa.array(np.full(count, return_id, dtype=np.int64)),
        pa.array(np.arange(first_row, first_row + count, dtype=np.int64)),
        *(_arrow(parsed[c.name].to_numpy(), c) for c in columns),
    ]
    names = [*KEY_COLUMNS, *(c.name for c in columns)]
    sink = pa.BufferOutputStream()
    pacsv.write_csv(
        pa.Table.from_arrays(arrays, names=names), sink, pacsv.WriteOptions(include_header=False)
    )
    return sink.getvalue()


def _arrow(values: np.ndarray, column: Column[Any]) -> pa.Array:
    if isinstance(column.type, Numeric):
        return pa.array(values, type=pa.float64(), from_pandas=True)
    if isinstance(column.type, Date):
        return pa.array(pd.to_datetime(values).date, type=pa.date32(), from_pandas=True)
    return pa.array(values, type=pa.string(), from_pandas=True)


def _python_values(values: np.ndarray, column: Column[Any]) -> list[Any]:
    """Plain Python values for the SQLite driver: ``None`` for missing."""
    missing = pd.isna(values)
    if isinstance(column.type, Date):
        dates = pd.to_datetime(values)
        return [None if gone else day.date() for day, gone in zip(dates, missing, strict=True)]
    if isinstance(column.type, Numeric):
        return [None if gone else float(v) for v, gone in zip(values, missing, strict=True)]
    return [None if gone else v for v, gone in zip(values, missing, strict=True)]
