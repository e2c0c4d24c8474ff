"""Webhook outbox retention (issue 14): an index on webhook_deliveries.event_id, so purging
an event finds (and its cascade checks) its deliveries without scanning them all.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-04 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_webhook_deliveries_event", "webhook_deliveries", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_event", table_name="webhook_deliveries")
