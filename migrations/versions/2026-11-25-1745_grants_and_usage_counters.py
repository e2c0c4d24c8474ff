"""grants ledger, grant references, usage counters, audience members

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-25 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "grants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("promotion_id", sa.String(length=36), nullable=False),
        sa.Column("promotion_version", sa.Integer(), nullable=False),
        sa.Column("promocode_id", sa.String(length=36), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("campaign_id", sa.String(length=36), nullable=True),
        sa.Column("tier_id", sa.String(length=64), nullable=False),
        sa.Column("reward_type", sa.String(length=64), nullable=False),
        sa.Column("value_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.Column("consumed", _json(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('granted','reversed')", name="ck_grants_status"),
        sa.CheckConstraint("value_minor > 0", name="ck_grants_value_positive"),
        _tenant_fk("grants"),
        sa.PrimaryKeyConstraint("id", name="pk_grants"),
    )
    op.create_index("ix_grants_tenant_id", "grants", ["tenant_id"])
    op.create_index(
        "ix_grants_tenant_promotion_customer",
        "grants",
        ["tenant_id", "promotion_id", "customer_id"],
    )
    op.create_index(
        "ix_grants_tenant_promotion_created", "grants", ["tenant_id", "promotion_id", "created_at"]
    )
    op.create_index("ix_grants_tenant_customer", "grants", ["tenant_id", "customer_id"])
    op.create_index(
        "ix_grants_tenant_promotion_reference", "grants", ["tenant_id", "promotion_id", "reference"]
    )
    op.create_index("ix_grants_tenant_code", "grants", ["tenant_id", "promocode_id", "code"])
    op.create_index("ix_grants_group_id", "grants", ["group_id"])

    op.create_table(
        "grant_references",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("promotion_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("grant_references"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "promotion_id", "reference", name="pk_grant_references"
        ),
    )
    op.create_table(
        "usage_counters",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("limit_value", sa.BigInteger(), nullable=False),
        sa.Column("used", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "used >= 0 AND used <= limit_value", name="ck_usage_counters_used_within_limit"
        ),
        _tenant_fk("usage_counters"),
        sa.PrimaryKeyConstraint("tenant_id", "key", "window_start", name="pk_usage_counters"),
    )
    op.create_table(
        "audience_members",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        _tenant_fk("audience_members"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "key", "window_start", "customer_id", name="pk_audience_members"
        ),
    )


def downgrade() -> None:
    op.drop_table("audience_members")
    op.drop_table("usage_counters")
    op.drop_table("grant_references")
    for name in (
        "ix_grants_group_id",
        "ix_grants_tenant_code",
        "ix_grants_tenant_promotion_reference",
        "ix_grants_tenant_customer",
        "ix_grants_tenant_promotion_created",
        "ix_grants_tenant_promotion_customer",
        "ix_grants_tenant_id",
    ):
        op.drop_index(name, table_name="grants")
    op.drop_table("grants")
