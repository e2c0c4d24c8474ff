"""promotions

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-25 17:33:49.096543
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "promotions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("properties", _json(), nullable=False),
        sa.Column("tiers", _json(), nullable=False),
        sa.Column("reward_constraints", _json(), nullable=False),
        sa.Column("budgets", _json(), nullable=False),
        sa.Column("referenced_properties", _json(), nullable=False),
        sa.Column("referenced_reward_types", _json(), nullable=False),
        sa.Column("first_activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft','active','deactivated','archived')",
            name=op.f("ck_promotions_status"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_promotions_version_positive")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_promotions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotions")),
    )
    with op.batch_alter_table("promotions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_promotions_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_promotions_tenant_status", ["tenant_id", "status"], unique=False)
    # Autogenerate cannot compare expression indexes: written by hand.
    op.create_index(
        "uq_promotions_tenant_code_live",
        "promotions",
        ["tenant_id", sa.text("lower(code)")],
        unique=True,
        sqlite_where=sa.text("status <> 'archived'"),
        postgresql_where=sa.text("status <> 'archived'"),
    )


def downgrade() -> None:
    op.drop_index("uq_promotions_tenant_code_live", table_name="promotions")
    with op.batch_alter_table("promotions", schema=None) as batch_op:
        batch_op.drop_index("ix_promotions_tenant_status")
        batch_op.drop_index(batch_op.f("ix_promotions_tenant_id"))
    op.drop_table("promotions")
