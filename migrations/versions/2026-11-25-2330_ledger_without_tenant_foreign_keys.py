"""The ledger tables drop their per-row tenant foreign keys; grants drop a redundant index.

``grants``, ``grant_references``, ``usage_counters`` and ``audience_members`` are written by
every validation commit, tens of thousands of rows at a time. On PostgreSQL each inserted row
fired the foreign key's trigger: a lookup and a ``FOR KEY SHARE`` lock on the tenant's row —
taken by every concurrent commit of the tenant, which turns that one row's lock into a
multixact that each further commit copies and extends. Without them a 10,000-customer
commit's grants insert costs a quarter less. What the keys guaranteed holds by construction:
these rows are written only by ``openpromo.grant.repository`` with the tenant of the
authenticated principal, and tenants are never deleted (whoever adds tenant deletion deletes
these rows in the same transaction, as for ``promocode_values`` and ``customers``).

``ix_grants_tenant_id`` goes too: every other grants index starts with ``tenant_id``.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 23:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("grants", "grant_references", "usage_counters", "audience_members")


def upgrade() -> None:
    op.drop_index("ix_grants_tenant_id", table_name="grants")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_tenant_id_tenants", type_="foreignkey")


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(
                f"fk_{table}_tenant_id_tenants",
                "tenants",
                ["tenant_id"],
                ["id"],
                ondelete="CASCADE",
            )
    op.create_index("ix_grants_tenant_id", "grants", ["tenant_id"])
