"""The schema: migrations match the models, run both ways, and make the audit log
append-only on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask

from exchange.db import database, get_session, upgrade
from exchange.models import Base

AUDIT_TABLES = ("audit_entries", "audit_checkpoints")


def _record_and_checkpoint(app: Flask) -> None:
    from exchange.audit.checkpoints import sign_tree_head
    from exchange.audit.events import record_event
    from exchange.cli.common import hub_key

    with app.app_context():
        session = get_session()
        record_event(session, tag="test:event:happen", actor="test")
        sign_tree_head(session, hub_key=hub_key(), origin="test/audit")
        session.commit()


def test_migrations_create_exactly_the_models_tables(app: Flask) -> None:
    """Autogenerate finds nothing to change: the migration chain and the models agree."""
    with database(app).engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_downgrade_to_nothing_and_back(app: Flask) -> None:
    """The chain can be unwound completely and applied again."""
    from alembic import command

    from exchange.db import alembic_config

    engine = database(app).engine
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert "users" not in sa.inspect(engine).get_table_names()
    upgrade(engine)
    assert "audit_entries" in sa.inspect(engine).get_table_names()


@pytest.mark.parametrize("table", AUDIT_TABLES)
@pytest.mark.parametrize(
    "statement",
    ["UPDATE {table} SET signed_at = signed_at", "DELETE FROM {table}"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_audit_rows(app: Flask, table: str, statement: str) -> None:
    """Even raw SQL on the app's own connection cannot update or delete audit rows."""
    _record_and_checkpoint(app)
    sql = statement.format(table=table)
    if table == "audit_entries":
        sql = sql.replace("signed_at", "actor")
    with database(app).engine.connect() as connection:
        with pytest.raises(sa.exc.IntegrityError, match="append-only"):
            connection.execute(sa.text(sql))
        connection.rollback()
        count = connection.execute(
            sa.text(f"SELECT count(*) FROM {table}")  # noqa: S608 - a fixed table name
        ).scalar_one()
    assert count >= 1


def test_emptying_the_audit_log_in_one_statement_is_refused(app: Flask) -> None:
    """TRUNCATE on PostgreSQL (which skips row triggers) and SQLite's whole-table DELETE
    (its truncate optimisation) are both refused."""
    engine = database(app).engine
    _record_and_checkpoint(app)
    statement = {
        "postgresql": "TRUNCATE audit_entries, audit_checkpoints",
        "sqlite": "DELETE FROM audit_entries",
    }[engine.dialect.name]
    with engine.connect() as connection, pytest.raises(sa.exc.IntegrityError):
        connection.execute(sa.text(statement))


def test_sqlite_enforces_foreign_keys(app: Flask) -> None:
    """A user pointing at a missing authority is refused on both databases."""
    with database(app).engine.connect() as connection, pytest.raises(sa.exc.IntegrityError):
        connection.execute(
            sa.text(
                "INSERT INTO users (username, password_hash, role, authority_id, created_at) "
                "VALUES ('x', 'h', 'data_officer', 999, CURRENT_TIMESTAMP)"
            )
        )
