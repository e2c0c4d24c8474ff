"""Merge the domain branches into one head.

The domains were built in parallel, each migration descending from the foundation (0001);
this revision joins them so that `alembic upgrade head` (singular) works again.

Revision ID: 0008
Revises: 0002, 0005, 0006, 0007
Create Date: 2026-11-25 18:33:39.248789
"""

from collections.abc import Sequence

revision: str = "0008"
down_revision: str | Sequence[str] | None = ("0002", "0005", "0006", "0007")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
