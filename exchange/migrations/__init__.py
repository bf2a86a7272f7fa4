"""Alembic migrations of the hub's database (``exchange init``, ``exchange db upgrade``)."""
