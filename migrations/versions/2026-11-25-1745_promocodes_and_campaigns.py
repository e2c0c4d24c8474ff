"""promocodes, promocode values and campaigns

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 17:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "promocodes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("promotion_id", sa.String(length=36), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("once_per_customer", sa.Boolean(), nullable=False),
        sa.Column("max_redemptions", sa.Integer(), nullable=True),
        sa.Column("fallback_value", sa.String(length=64), nullable=True),
        sa.Column("redemptions_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "type IN ('shared','single_use','bulk')", name=op.f("ck_promocodes_type")
        ),
        sa.CheckConstraint(
            "max_redemptions IS NULL OR max_redemptions > 0",
            name=op.f("ck_promocodes_max_redemptions_positive"),
        ),
        sa.CheckConstraint(
            "redemptions_count >= 0 AND "
            "(max_redemptions IS NULL OR redemptions_count <= max_redemptions)",
            name=op.f("ck_promocodes_redemptions_within_max"),
        ),
        sa.ForeignKeyConstraint(
            ["promotion_id"],
            ["promotions.id"],
            name=op.f("fk_promocodes_promotion_id_promotions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_promocodes_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promocodes")),
    )
    op.create_index(op.f("ix_promocodes_tenant_id"), "promocodes", ["tenant_id"], unique=False)
    op.create_index(
        "ix_promocodes_tenant_promotion", "promocodes", ["tenant_id", "promotion_id"], unique=False
    )

    op.create_table(
        "promocode_values",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("promocode_id", sa.String(length=36), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column(
            "value_key",
            sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=True),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('available','allocated','redeemed')",
            name=op.f("ck_promocode_values_status"),
        ),
        # No foreign keys on purpose: see openpromo.models.promocode_value.
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promocode_values")),
    )
    op.create_index(
        "uq_promocode_values_tenant_value_key",
        "promocode_values",
        ["tenant_id", "value_key"],
        unique=True,
    )
    op.create_index(
        "ix_promocode_values_promocode_status_id",
        "promocode_values",
        ["promocode_id", "status", "id"],
        unique=False,
    )
    op.create_index(
        "ix_promocode_values_promocode_customer",
        "promocode_values",
        ["promocode_id", "customer_id"],
        unique=False,
        sqlite_where=sa.text("customer_id IS NOT NULL"),
        postgresql_where=sa.text("customer_id IS NOT NULL"),
    )

    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=100), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft','active','paused','ended')", name=op.f("ck_campaigns_status")
        ),
        sa.CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at",
            name=op.f("ck_campaigns_ends_after_starts"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_campaigns_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint(
            "tenant_id", "external_id", name=op.f("uq_campaigns_tenant_id_external_id")
        ),
    )
    op.create_index(op.f("ix_campaigns_tenant_id"), "campaigns", ["tenant_id"], unique=False)
    op.create_index(
        "ix_campaigns_tenant_status", "campaigns", ["tenant_id", "status"], unique=False
    )

    op.create_table(
        "promocode_campaigns",
        sa.Column("promocode_id", sa.String(length=36), nullable=False),
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_promocode_campaigns_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["promocode_id"],
            ["promocodes.id"],
            name=op.f("fk_promocode_campaigns_promocode_id_promocodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_promocode_campaigns_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("promocode_id", "campaign_id", name=op.f("pk_promocode_campaigns")),
    )
    op.create_index(
        "ix_promocode_campaigns_campaign_id", "promocode_campaigns", ["campaign_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_promocode_campaigns_campaign_id", table_name="promocode_campaigns")
    op.drop_table("promocode_campaigns")
    op.drop_index("ix_campaigns_tenant_status", table_name="campaigns")
    op.drop_index(op.f("ix_campaigns_tenant_id"), table_name="campaigns")
    op.drop_table("campaigns")
    op.drop_index("ix_promocode_values_promocode_customer", table_name="promocode_values")
    op.drop_index("ix_promocode_values_promocode_status_id", table_name="promocode_values")
    op.drop_index("uq_promocode_values_tenant_value_key", table_name="promocode_values")
    op.drop_table("promocode_values")
    op.drop_index("ix_promocodes_tenant_promotion", table_name="promocodes")
    op.drop_index(op.f("ix_promocodes_tenant_id"), table_name="promocodes")
    op.drop_table("promocodes")
