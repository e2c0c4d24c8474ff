"""Counter slices (issue 15, docs/hot-promotions.md): ``usage_counters`` gets ``slice``
(part of the primary key), so a promotion-wide cap or budget can be held in several rows
whose limits add up to the limit. Existing counters become slice 0 and keep their values.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("usage_counters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("slice", sa.SmallInteger(), nullable=False, server_default="0")
        )
        batch_op.drop_constraint("pk_usage_counters", type_="primary")
        batch_op.create_primary_key(
            "pk_usage_counters", ["tenant_id", "key", "window_start", "slice"]
        )


def downgrade() -> None:
    # Slices fold back into slice 0: their used and limits add up (the counter's totals).
    op.execute(
        "UPDATE usage_counters SET used = (SELECT sum(s.used) FROM usage_counters s "
        "WHERE s.tenant_id = usage_counters.tenant_id AND s.key = usage_counters.key "
        "AND s.window_start = usage_counters.window_start), "
        "limit_value = (SELECT sum(s.limit_value) FROM usage_counters s "
        "WHERE s.tenant_id = usage_counters.tenant_id AND s.key = usage_counters.key "
        "AND s.window_start = usage_counters.window_start) WHERE slice = 0"
    )
    op.execute("DELETE FROM usage_counters WHERE slice <> 0")
    with op.batch_alter_table("usage_counters", schema=None) as batch_op:
        batch_op.drop_constraint("pk_usage_counters", type_="primary")
        batch_op.create_primary_key("pk_usage_counters", ["tenant_id", "key", "window_start"])
        batch_op.drop_column("slice")
