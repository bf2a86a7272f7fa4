"""Returns: accepted returns, their rows per return type and version, refused uploads,
sharing agreements and the tracker's periods.

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-01

Rows tables are written out column by column (not derived from ``schemas`` at run
time): a migration must create the same tables forever, whatever the code says later.
A new schema version adds its table in a new migration. They have no foreign key to
``returns`` on purpose (see ``exchange/returns/rows.py``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PLACEMENTS_V1 = (
    ("placement_ref_pseudonym", "text", False),
    ("local_person_id_pseudonym", "text", False),
    ("nhs_number_pseudonym", "text", True),
    ("district", "text", True),
    ("age_band", "text", True),
    ("sex", "text", True),
    ("ethnicity", "text", True),
    ("client_type", "text", False),
    ("care_type", "text", True),
    ("primary_support_reason", "text", True),
    ("provider_name", "text", True),
    ("provider_type", "text", True),
    ("cqc_location_id", "text", True),
    ("ofsted_urn", "text", True),
    ("provider_org_id", "text", True),
    ("procurement_route", "text", False),
    ("start_month", "text", True),
    ("end_month", "text", True),
    ("unit_cost", "number", False),
    ("cost_frequency", "text", False),
    ("planned_units_per_week", "number", True),
    ("health_contribution", "number", True),
    ("education_contribution", "number", True),
    ("quality_rating", "text", True),
    ("weekly_cost", "number", True),
)
SUPPLIER_SPEND_V1 = (
    ("body", "text", True),
    ("service_area", "text", True),
    ("expense_type", "text", True),
    ("supplier_name", "text", True),
    ("supplier_id", "text", True),
    ("payment_month", "text", True),
    ("transaction_number", "text", True),
    ("net_amount", "number", False),
)


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    _returns()
    _rows_table("placements_v1_rows", PLACEMENTS_V1)
    _rows_table("supplier_spend_v1_rows", SUPPLIER_SPEND_V1)
    _refused_uploads()
    _agreements()
    _periods()


def downgrade() -> None:
    for table in (
        "tracked_periods",
        "sharing_agreements",
        "refused_uploads",
        "supplier_spend_v1_rows",
        "placements_v1_rows",
        "returns",
    ):
        op.drop_table(table)


def _returns() -> None:
    op.create_table(
        "returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("return_type", sa.String(64), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("manifest_hash", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(32), nullable=False),
        sa.Column("manifest", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(80), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("received_at", _when(), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("supersedes_id", sa.Integer()),
        sa.Column("superseded_at", _when()),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("payload_format", sa.String(16), nullable=False),
        sa.Column("payload_sha256", sa.String(64), nullable=False),
        sa.Column("disclosure_policy_sha256", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.Column("receipt", sa.LargeBinary(), nullable=False),
        sa.Column("deleted_at", _when()),
        sa.PrimaryKeyConstraint("id", name="pk_returns"),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name="fk_returns_authority_id_authorities"
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["returns.id"], name="fk_returns_supersedes_id_returns"
        ),
        sa.UniqueConstraint("manifest_hash", name="uq_returns_manifest_hash"),
        sa.UniqueConstraint("nonce", name="uq_returns_nonce"),
        sa.UniqueConstraint("authority_id", "return_type", "sequence", name="uq_returns_sequence"),
        sa.CheckConstraint("status IN ('accepted', 'superseded')", name="ck_returns_status"),
    )
    op.create_index("ix_returns_period", "returns", ["authority_id", "return_type", "period"])
    current = sa.text("status = 'accepted'")
    op.create_index(
        "uq_returns_current",
        "returns",
        ["authority_id", "return_type", "period"],
        unique=True,
        postgresql_where=current,
        sqlite_where=current,
    )


def _rows_table(name: str, columns: tuple[tuple[str, str, bool], ...]) -> None:
    op.create_table(
        name,
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.BigInteger(), autoincrement=False, nullable=False),
        *(sa.Column(column, _type(kind), nullable=null) for column, kind, null in columns),
        sa.PrimaryKeyConstraint("return_id", "row_number", name=f"pk_{name}"),
    )


def _type(kind: str) -> sa.types.TypeEngine[Any]:
    return sa.Numeric(asdecimal=False) if kind == "number" else sa.Text()


def _refused_uploads() -> None:
    op.create_table(
        "refused_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", _when(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("authority_id", sa.Integer()),
        sa.Column("claimed_authority", sa.String(9)),
        sa.Column("return_type", sa.String(64)),
        sa.Column("period", sa.String(32)),
        sa.Column("sequence", sa.BigInteger()),
        sa.Column("manifest_hash", sa.String(64)),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger()),
        sa.PrimaryKeyConstraint("id", name="pk_refused_uploads"),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name="fk_refused_uploads_authority_id_authorities"
        ),
    )
    op.create_index(
        "ix_refused_uploads_claim", "refused_uploads", ["claimed_authority", "return_type"]
    )


def _agreements() -> None:
    op.create_table(
        "sharing_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("return_type", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("retention_months", sa.Integer(), nullable=False),
        sa.Column("recorded_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_agreements"),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authorities.id"],
            name="fk_sharing_agreements_authority_id_authorities",
        ),
        sa.UniqueConstraint("authority_id", "return_type", name="uq_sharing_agreements_type"),
        sa.CheckConstraint("retention_months > 0", name="ck_sharing_agreements_retention"),
    )


def _periods() -> None:
    op.create_table(
        "tracked_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_type", sa.String(64), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tracked_periods"),
        sa.UniqueConstraint("return_type", "period", name="uq_tracked_periods_period"),
    )
