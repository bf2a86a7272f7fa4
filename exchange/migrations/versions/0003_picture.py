"""The regional picture: releases of published tables, their tables, authorities' own
views, each period's rebuild state, and the framework price table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "picture_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("returns", sa.JSON(), nullable=False),
        sa.Column("certificate", sa.JSON(), nullable=False),
        sa.Column("certificate_sha256", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
        sa.Column("hub_key_id", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_picture_releases"),
        sa.UniqueConstraint("period", "number", name="uq_picture_releases_number"),
        sa.CheckConstraint("status IN ('current', 'replaced')", name="ck_picture_releases_status"),
    )
    op.create_index(
        "ix_picture_releases_certificate_sha256", "picture_releases", ["certificate_sha256"]
    )
    current = sa.text("status = 'current'")
    op.create_index(
        "uq_picture_releases_current",
        "picture_releases",
        ["period"],
        unique=True,
        postgresql_where=current,
        sqlite_where=current,
    )
    op.create_table(
        "picture_tables",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("release_id", "name", name="pk_picture_tables"),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["picture_releases.id"],
            name="fk_picture_tables_release_id_picture_releases",
        ),
    )
    op.create_table(
        "picture_authority_views",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("authority", sa.String(9), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("release_id", "authority", name="pk_picture_authority_views"),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["picture_releases.id"],
            name="fk_picture_authority_views_release_id_picture_releases",
        ),
    )
    op.create_table(
        "picture_state",
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.Column("last_error", sa.String(100)),
        sa.PrimaryKeyConstraint("period", name="pk_picture_state"),
    )
    op.create_table(
        "framework_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("care_type", sa.String(64), nullable=False),
        sa.Column("primary_support_reason", sa.String(64)),
        sa.Column("weekly_price", sa.Float(), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_framework_prices"),
        sa.UniqueConstraint("care_type", "primary_support_reason", name="uq_framework_prices_line"),
        sa.CheckConstraint("weekly_price > 0", name="ck_framework_prices_price"),
    )


def downgrade() -> None:
    for table in (
        "framework_prices",
        "picture_state",
        "picture_authority_views",
        "picture_tables",
        "picture_releases",
    ):
        op.drop_table(table)
