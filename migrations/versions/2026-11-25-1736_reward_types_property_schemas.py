"""reward types and property schemas

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:36:10.194724
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "property_definitions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column(
            "allowed_values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "min",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "max",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("max_length", sa.Integer(), nullable=True),
        sa.Column("pattern", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "scope IN ('customer','session','promotion')",
            name=op.f("ck_property_definitions_scope"),
        ),
        sa.CheckConstraint(
            "type IN ('string','integer','decimal','boolean','date','datetime','string_list')",
            name=op.f("ck_property_definitions_type"),
        ),
        sa.CheckConstraint(
            "max_length IS NULL OR max_length >= 1",
            name=op.f("ck_property_definitions_max_length_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_property_definitions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_definitions")),
        sa.UniqueConstraint(
            "tenant_id", "scope", "key", name=op.f("uq_property_definitions_tenant_id_scope_key")
        ),
    )
    with op.batch_alter_table("property_definitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_property_definitions_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "reward_types",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("unit_name", sa.String(length=100), nullable=True),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("rounding", sa.String(length=10), nullable=False),
        sa.Column(
            "constraints",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("image_content_type", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(category = 'amount' AND currency IS NOT NULL) OR (category = 'unit' AND currency IS NULL)",
            name=op.f("ck_reward_types_currency_by_category"),
        ),
        sa.CheckConstraint("category IN ('amount','unit')", name=op.f("ck_reward_types_category")),
        sa.CheckConstraint(
            "rounding IN ('down','half_up','half_even','up')", name=op.f("ck_reward_types_rounding")
        ),
        sa.CheckConstraint("status IN ('active','archived')", name=op.f("ck_reward_types_status")),
        sa.CheckConstraint(
            "decimals >= 0 AND decimals <= 6", name=op.f("ck_reward_types_decimals_range")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_reward_types_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_types")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f("uq_reward_types_tenant_id_key")),
    )
    with op.batch_alter_table("reward_types", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reward_types_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "reward_type_images",
        sa.Column("reward_type_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reward_type_id"],
            ["reward_types.id"],
            name=op.f("fk_reward_type_images_reward_type_id_reward_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_reward_type_images_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("reward_type_id", name=op.f("pk_reward_type_images")),
    )
    with op.batch_alter_table("reward_type_images", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reward_type_images_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reward_type_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reward_type_images_tenant_id"))

    op.drop_table("reward_type_images")
    with op.batch_alter_table("reward_types", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reward_types_tenant_id"))

    op.drop_table("reward_types")
    with op.batch_alter_table("property_definitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_property_definitions_tenant_id"))

    op.drop_table("property_definitions")
