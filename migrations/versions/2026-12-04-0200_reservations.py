"""Reservations (issue 16): grants may be ``reserved`` (held until ``reserved_until``) and
``released``; the worker's scan of expired reservations has a partial index; tenants get the
default and maximum hold of a reservation.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _status_check(condition: str) -> None:
    """Replace the grants' status CHECK (whatever name an earlier migration gave it)."""
    bind = op.get_bind()
    names = [
        c["name"]
        for c in sa.inspect(bind).get_check_constraints("grants")
        if "status" in (c.get("sqltext") or "") and c["name"]
    ]
    if bind.dialect.name == "postgresql":
        for name in names:
            op.drop_constraint(op.f(name), "grants", type_="check")
        op.create_check_constraint(op.f("ck_grants_status"), "grants", condition)
        return
    # SQLite: a rebuild of grants alone (no trigger names it).
    with op.batch_alter_table("grants", schema=None) as batch_op:
        for name in names:
            batch_op.drop_constraint(op.f(name), type_="check")
        batch_op.create_check_constraint(op.f("ck_grants_status"), condition)


def upgrade() -> None:
    # Plain ALTER TABLE (no batch rebuild on SQLite: triggers of migration 0009 name tenants).
    op.add_column("grants", sa.Column("reserved_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("grants", sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))
    _status_check("status IN ('granted','reversed','reserved','released')")
    op.create_index(
        "ix_grants_reserved_until",
        "grants",
        ["reserved_until"],
        postgresql_where=sa.text("status = 'reserved'"),
        sqlite_where=sa.text("status = 'reserved'"),
    )
    op.add_column(
        "tenants",
        sa.Column(
            "reservation_default_seconds", sa.Integer(), server_default="900", nullable=False
        ),
    )
    op.add_column(
        "tenants",
        sa.Column("reservation_max_seconds", sa.Integer(), server_default="86400", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("tenants", "reservation_max_seconds")
    op.drop_column("tenants", "reservation_default_seconds")
    op.drop_index("ix_grants_reserved_until", table_name="grants")
    op.execute("UPDATE grants SET status = 'reversed' WHERE status IN ('reserved', 'released')")
    _status_check("status IN ('granted','reversed')")
    op.drop_column("grants", "released_at")
    op.drop_column("grants", "reserved_until")
