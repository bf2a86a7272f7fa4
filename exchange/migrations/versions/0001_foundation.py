"""The foundation: registry, accounts and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-01-01

The audit tables get triggers that refuse UPDATE and DELETE (and TRUNCATE on
PostgreSQL), so not even the application's own database role can rewrite history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AUDIT_TABLES = ("audit_entries", "audit_checkpoints")
REFUSAL = "the audit log is append-only"


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    _authorities()
    _keys()
    _rotations()
    _users()
    _tokens()
    _audit()
    _append_only_triggers()


def downgrade() -> None:
    bind = op.get_bind()
    for table in AUDIT_TABLES:
        if bind.dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS exchange_refuse_audit_change()")
    for table in (
        "audit_checkpoints",
        "audit_entries",
        "api_tokens",
        "users",
        "key_rotations",
        "authority_keys",
        "authorities",
    ):
        op.drop_table(table)


def _authorities() -> None:
    op.create_table(
        "authorities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(9), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("successor_of_id", sa.Integer()),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_authorities"),
        sa.ForeignKeyConstraint(
            ["successor_of_id"],
            ["authorities.id"],
            name="fk_authorities_successor_of_id_authorities",
        ),
        sa.UniqueConstraint("code", name="uq_authorities_code"),
    )


def _keys() -> None:
    op.create_table(
        "authority_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(80), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("valid_from", _when(), nullable=False),
        sa.Column("valid_until", _when()),
        sa.Column("revoked_at", _when()),
        sa.Column("revocation_reason", sa.String(200)),
        sa.Column("registered_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_authority_keys"),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name="fk_authority_keys_authority_id_authorities"
        ),
        sa.UniqueConstraint("key_id", name="uq_authority_keys_key_id"),
        sa.CheckConstraint("purpose IN ('signing', 'relay')", name="ck_authority_keys_purpose"),
        sa.CheckConstraint(
            "algorithm IN ('ed25519', 'x25519')", name="ck_authority_keys_algorithm"
        ),
    )
    op.create_index("ix_authority_keys_authority_id", "authority_keys", ["authority_id"])


def _rotations() -> None:
    op.create_table(
        "key_rotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("old_key_id", sa.Integer(), nullable=False),
        sa.Column("new_key_id", sa.Integer(), nullable=False),
        sa.Column("rotated_at", _when(), nullable=False),
        sa.Column("statement", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_key_rotations"),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name="fk_key_rotations_authority_id_authorities"
        ),
        sa.ForeignKeyConstraint(
            ["old_key_id"], ["authority_keys.id"], name="fk_key_rotations_old_key_id_authority_keys"
        ),
        sa.ForeignKeyConstraint(
            ["new_key_id"], ["authority_keys.id"], name="fk_key_rotations_new_key_id_authority_keys"
        ),
    )
    op.create_index("ix_key_rotations_authority_id", "key_rotations", ["authority_id"])


def _users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("authority_id", sa.Integer()),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("disabled_at", _when()),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name="fk_users_authority_id_authorities"
        ),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.CheckConstraint(
            "role IN ('data_officer', 'regional_lead', 'ig_officer', 'admin')", name="ck_users_role"
        ),
        sa.CheckConstraint(
            "(role = 'data_officer') = (authority_id IS NOT NULL)",
            name="ck_users_officer_authority",
        ),
    )
    op.create_index("ix_users_authority_id", "users", ["authority_id"])


def _tokens() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer()),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("expires_at", _when(), nullable=False),
        sa.Column("revoked_at", _when()),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_tokens_user_id_users"),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name="fk_api_tokens_authority_id_authorities"
        ),
        sa.UniqueConstraint("prefix", name="uq_api_tokens_prefix"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])


def _audit() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("recorded_at", _when(), nullable=False),
        sa.Column("tag", sa.String(100), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("authority", sa.String(9)),
        sa.Column("object", sa.String(200)),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("idx", name="pk_audit_entries"),
        sa.UniqueConstraint("leaf_hash", name="uq_audit_entries_leaf_hash"),
    )
    for column in ("recorded_at", "tag", "actor", "authority"):
        op.create_index(f"ix_audit_entries_{column}", "audit_entries", [column])
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_checkpoints"),
        sa.UniqueConstraint("tree_size", name="uq_audit_checkpoints_tree_size"),
    )


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION exchange_refuse_audit_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{REFUSAL}: % on % is refused', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END;
            $$
            """
        )
        for table in AUDIT_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION exchange_refuse_audit_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION exchange_refuse_audit_change()"
            )
        return
    for table in AUDIT_TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: {operation} on {table} is refused'); END"
            )
