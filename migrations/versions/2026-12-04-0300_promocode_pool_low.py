"""promocode.pool_low (issue 14): bulk promocodes get a low-water mark of unallocated values
(default 100; 0 sends no pool_low event).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "promocodes",
        sa.Column("pool_low_threshold", sa.Integer(), nullable=False, server_default="100"),
    )


def downgrade() -> None:
    with op.batch_alter_table("promocodes", schema=None) as batch_op:
        batch_op.drop_column("pool_low_threshold")
