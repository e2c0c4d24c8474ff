"""customers: tenant_id and customer_id compare bytewise (COLLATE "C") on PostgreSQL.

Customer ids are opaque keys: their order needs no language rules. With the database's
default collation every primary-key comparison goes through the C library's strcoll; bytewise
comparison makes the index cheaper to maintain (imports of millions of rows) and lets a
``customer_id LIKE 'prefix%'`` search use the primary key. SQLite already compares bytewise.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 20:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE customers "
        f"ALTER COLUMN tenant_id TYPE varchar(36) COLLATE {collation}, "
        f"ALTER COLUMN customer_id TYPE varchar(128) COLLATE {collation}"
    )


def upgrade() -> None:
    _collate('"C"')


def downgrade() -> None:
    _collate('"default"')
