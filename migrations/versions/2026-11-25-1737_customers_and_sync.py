"""customers, customer sync configuration, runs, leases and staging

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-25 17:37:30.432232
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
ACTIVE = sa.text("status IN ('queued','running')")


def upgrade() -> None:
    op.create_table(
        "customer_sync_configs",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("properties", JSON_DOC, nullable=False),
        sa.Column("source", JSON_DOC, nullable=True),
        sa.Column("source_secret", sa.Text(), nullable=True),
        sa.Column("schedule_time", sa.String(length=5), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "mode IN ('upsert','replace')", name=op.f("ck_customer_sync_configs_mode")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_customer_sync_configs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_customer_sync_configs")),
    )
    with op.batch_alter_table("customer_sync_configs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_sync_configs_next_run_at"), ["next_run_at"], unique=False
        )

    op.create_table(
        "customer_sync_leases",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_customer_sync_leases_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_customer_sync_leases")),
    )
    op.create_table(
        "customer_sync_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_upserted", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("errors", JSON_DOC, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued','running','succeeded','failed')",
            name=op.f("ck_customer_sync_runs_status"),
        ),
        sa.CheckConstraint(
            "trigger IN ('schedule','manual')", name=op.f("ck_customer_sync_runs_trigger")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_customer_sync_runs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_sync_runs")),
    )
    with op.batch_alter_table("customer_sync_runs", schema=None) as batch_op:
        batch_op.create_index("ix_customer_sync_runs_status", ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_customer_sync_runs_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            "uq_customer_sync_runs_one_active",
            ["tenant_id"],
            unique=True,
            postgresql_where=ACTIVE,
            sqlite_where=ACTIVE,
        )

    op.create_table(
        "customers",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("properties", JSON_DOC, nullable=False),
        sa.Column("sources", JSON_DOC, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        # No foreign key to tenants: see openpromo.models.customer.
        sa.PrimaryKeyConstraint("tenant_id", "customer_id", name=op.f("pk_customers")),
    )
    op.create_table(
        "customer_sync_staging",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("properties", JSON_DOC, nullable=False),
        sa.Column("sources", JSON_DOC, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["customer_sync_runs.id"],
            name=op.f("fk_customer_sync_staging_run_id_customer_sync_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "customer_id", name=op.f("pk_customer_sync_staging")),
    )


def downgrade() -> None:
    op.drop_table("customer_sync_staging")
    op.drop_table("customers")
    with op.batch_alter_table("customer_sync_runs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_customer_sync_runs_one_active", postgresql_where=ACTIVE, sqlite_where=ACTIVE
        )
        batch_op.drop_index(batch_op.f("ix_customer_sync_runs_tenant_id"))
        batch_op.drop_index("ix_customer_sync_runs_status")
    op.drop_table("customer_sync_runs")
    op.drop_table("customer_sync_leases")
    with op.batch_alter_table("customer_sync_configs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_sync_configs_next_run_at"))
    op.drop_table("customer_sync_configs")
