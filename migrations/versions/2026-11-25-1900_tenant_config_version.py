"""tenants.config_version: bumped by triggers on every change to reward types and property
definitions, so validation can cache them per process and still see every edit at once.

The counter changes inside the editing transaction (row triggers on insert, update and
delete — whatever code path or raw SQL made the change), so a reader that sees the new rows
sees the new version too.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("reward_types", "property_definitions")

PG_FUNCTION = """
CREATE FUNCTION openpromo_bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tid varchar;
BEGIN
    IF TG_OP = 'DELETE' THEN
        tid := OLD.tenant_id;
    ELSE
        tid := NEW.tenant_id;
    END IF;
    UPDATE tenants SET config_version = config_version + 1 WHERE id = tid;
    IF TG_OP = 'UPDATE' AND OLD.tenant_id IS DISTINCT FROM NEW.tenant_id THEN
        UPDATE tenants SET config_version = config_version + 1 WHERE id = OLD.tenant_id;
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("config_version", sa.BigInteger(), server_default="0", nullable=False)
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_config_version AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION openpromo_bump_config_version()"
            )
    else:
        for table in TABLES:
            for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
                extra = (
                    "UPDATE tenants SET config_version = config_version + 1 "
                    "WHERE id = OLD.tenant_id AND OLD.tenant_id IS NOT NEW.tenant_id; "
                    if event == "UPDATE"
                    else ""
                )
                name = f"{table}_config_version_{event.lower()}"
                bump = f"UPDATE tenants SET config_version = config_version + 1 WHERE id = {row}"  # noqa: S608 (constant names only)
                statement = " ".join(
                    [
                        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN",
                        f"{bump}.tenant_id;",
                        extra,
                        "END",
                    ]
                )
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_config_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS openpromo_bump_config_version()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_config_version_{event}")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("config_version")
