"""The database: the declarative base, one engine per app, a session per request, migrations.

SQLite (a file in the instance folder) is the embedded default and PostgreSQL
(psycopg 3) the production database; the schema is only ever made by the Alembic
migrations in ``exchange/migrations`` (``exchange init`` / ``exchange db upgrade``).

Service functions take the session as a keyword argument and never commit: the view
or command that called them commits once, so an action and its audit entry are one
transaction. On SQLite every transaction starts ``BEGIN IMMEDIATE``: the write lock is
taken up front, so two writers queue (up to the busy timeout) instead of one failing
half-way. That serialises writes, which is the price of the embedded default; use
PostgreSQL for concurrent load.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import Flask, current_app, g
from sqlalchemy import JSON, DateTime, Dialect, Engine, LargeBinary, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_SECONDS = 30
_EXTENSION = "exchange.db"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on both databases (SQLite keeps no zone, so UTC is implied)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the hub stores aware datetimes only (use datetime.now(UTC))")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base of every hub model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        bytes: LargeBinary,
        dict[str, Any]: JSON,
    }


@dataclass(frozen=True)
class Database:
    """One app's engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session]


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def create_engine_for(url: str) -> Engine:
    """An engine for ``url``, with SQLite made to behave (foreign keys, WAL, IMMEDIATE)."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is turned off so that ours (below) is used.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def init_app(app: Flask, url: str) -> None:
    """Give ``app`` its engine, and close each request's session when it ends."""
    engine = create_engine_for(url)
    app.extensions[_EXTENSION] = Database(engine, sessionmaker(engine, expire_on_commit=False))
    app.teardown_appcontext(close_session)


def database(app: Flask | None = None) -> Database:
    """The database of ``app`` (default: the current app)."""
    target = app if app is not None else current_app
    found: Database = target.extensions[_EXTENSION]
    return found


def get_session() -> Session:
    """The session of the current app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    session: Session = g.db_session
    return session


def close_session(_error: BaseException | None = None) -> None:
    """Roll back anything uncommitted and close the context's session."""
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()


def dispose(app: Flask) -> None:
    """Close every pooled connection of ``app`` (tests, before dropping a database)."""
    database(app).engine.dispose()


def alembic_config(connection: Any) -> Config:
    """An Alembic configuration that migrates over ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision``."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` before the first migration)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
