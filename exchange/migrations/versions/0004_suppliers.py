"""Suppliers: regional supplier identities, their identifiers and names, and candidate
matches awaiting the regional lead.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NAME_LENGTH = 300


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _supplier_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["supplier_id"], ["suppliers.id"], name=f"fk_{table}_supplier_id_suppliers"
    )


def upgrade() -> None:
    op.create_table(
        "suppliers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(NAME_LENGTH), nullable=False),
        sa.Column("cqc_location_id", sa.String(64)),
        sa.Column("ofsted_urn", sa.String(64)),
        sa.Column("org_id", sa.String(64)),
        sa.Column("merged_into_id", sa.Integer()),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_suppliers"),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["suppliers.id"], name="fk_suppliers_merged_into_id_suppliers"
        ),
    )
    op.create_index("ix_suppliers_merged_into_id", "suppliers", ["merged_into_id"])
    op.create_table(
        "supplier_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(16), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_identifiers"),
        _supplier_fk("supplier_identifiers"),
        sa.UniqueConstraint("scheme", "value", name="uq_supplier_identifiers_scheme_value"),
        sa.CheckConstraint(
            "scheme IN ('cqc', 'ofsted', 'org')", name="ck_supplier_identifiers_scheme"
        ),
    )
    op.create_index("ix_supplier_identifiers_supplier_id", "supplier_identifiers", ["supplier_id"])
    op.create_table(
        "supplier_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(NAME_LENGTH), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("example", sa.String(NAME_LENGTH), nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("first_seen", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_names"),
        _supplier_fk("supplier_names"),
        sa.UniqueConstraint("name_key", name="uq_supplier_names_name_key"),
        sa.CheckConstraint(
            "how IN ('new', 'identifier', 'confirmed')", name="ck_supplier_names_how"
        ),
    )
    op.create_index("ix_supplier_names_supplier_id", "supplier_names", ["supplier_id"])
    op.create_table(
        "supplier_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(NAME_LENGTH), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("proposed_at", _when(), nullable=False),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("decided_at", _when()),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_candidates"),
        _supplier_fk("supplier_candidates"),
        sa.UniqueConstraint(
            "name_key", "supplier_id", name="uq_supplier_candidates_name_key_supplier"
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'rejected')", name="ck_supplier_candidates_status"
        ),
    )
    op.create_index("ix_supplier_candidates_name_key", "supplier_candidates", ["name_key"])
    op.create_index("ix_supplier_candidates_supplier_id", "supplier_candidates", ["supplier_id"])
    op.create_index("ix_supplier_candidates_status", "supplier_candidates", ["status"])


def downgrade() -> None:
    for table in ("supplier_candidates", "supplier_names", "supplier_identifiers", "suppliers"):
        op.drop_table(table)
