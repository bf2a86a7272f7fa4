"""Alembic environment: migrates over the connection :func:`exchange.db.upgrade` hands in.

There is no ``alembic.ini``: migrations run programmatically, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from alembic import context

from exchange.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `exchange db upgrade`, not the alembic command.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
