"""Lean value storage (issue 15): tenants and promocodes get an integer ``number``, and
``promocode_values`` stores those numbers instead of the 36-character ids, the status as a
smallint, no ``value_key`` (an expression index on ``lower(value)`` instead) and no
``created_at``. Every row keeps its id, value, status, customer and timestamps.

The value table is rebuilt (new table, one ordered INSERT … SELECT, indexes built afterwards in
one pass each) rather than altered in place: an in-place rewrite would leave every row's old
version behind and build the indexes row by row. See docs/promocodes.md.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NUMBERED = ("tenants", "promocodes")
STATUS_TO_CODE = (
    "CASE v.status WHEN 'allocated' THEN 0 WHEN 'available' THEN 1 WHEN 'redeemed' THEN 2 END"
)
CODE_TO_STATUS = "CASE v.status WHEN 0 THEN 'allocated' WHEN 1 THEN 'available' ELSE 'redeemed' END"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _number_rows(table: str) -> None:
    """Number the existing rows 1, 2, … in creation order; on PostgreSQL the sequence the model's
    default draws from (models/numbering.py) continues after them."""
    if _postgres():
        op.add_column(table, sa.Column("number", sa.Integer(), nullable=True))
        op.execute(
            f"UPDATE {table} t SET number = s.n FROM (SELECT id, row_number() OVER "  # noqa: S608
            f"(ORDER BY created_at, id) AS n FROM {table}) s WHERE s.id = t.id"
        )
        op.alter_column(table, "number", nullable=False)
        op.execute(f"CREATE SEQUENCE {table}_number_seq OWNED BY {table}.number")
        op.execute(
            f"SELECT setval('{table}_number_seq', (SELECT coalesce(max(number), 0) + 1 "  # noqa: S608
            f"FROM {table}), false)"
        )
        # Also a server default, so that rows inserted by hand get a number too.
        op.execute(
            f"ALTER TABLE {table} ALTER COLUMN number SET DEFAULT nextval('{table}_number_seq')"
        )
    else:
        # SQLite adds a NOT NULL column only with a default; the model's default (max + 1)
        # replaces it for every new row.
        op.add_column(table, sa.Column("number", sa.Integer(), nullable=False, server_default="0"))
        op.execute(
            f"UPDATE {table} SET number = s.n FROM (SELECT id, row_number() OVER "  # noqa: S608
            f"(ORDER BY created_at, id) AS n FROM {table}) AS s WHERE s.id = {table}.id"
        )
    op.create_index(f"uq_{table}_number", table, ["number"], unique=True)


def _create_lean(name: str) -> None:
    postgres = _postgres()
    columns: list[sa.Column[object]] = [
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
            autoincrement=False,
        ),
        sa.Column("tenant_no", sa.Integer(), nullable=False),
        sa.Column("promocode_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False, server_default="1"),
        sa.Column(
            "value",
            sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("customer_id", sa.String(255), nullable=True),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
    ]
    if not postgres:
        # SQLite: INTEGER PRIMARY KEY is the rowid (it cannot be added afterwards); on
        # PostgreSQL the key is added after the copy, when the old table's name is free.
        columns.append(sa.PrimaryKeyConstraint("id", name="pk_promocode_values"))
    op.create_table(name, *columns)


def _create_lean_indexes() -> None:
    if _postgres():
        op.execute(
            "ALTER TABLE promocode_values ADD CONSTRAINT pk_promocode_values PRIMARY KEY (id)"
        )
    op.create_index(
        "uq_promocode_values_tenant_lower_value",
        "promocode_values",
        ["tenant_no", sa.text("lower(value)")],
        unique=True,
    )
    op.create_index(
        "ix_promocode_values_promocode_status_id",
        "promocode_values",
        ["promocode_no", "status", "id"],
    )
    op.create_index(
        "ix_promocode_values_promocode_customer",
        "promocode_values",
        ["promocode_no", "customer_id"],
        sqlite_where=sa.text("customer_id IS NOT NULL"),
        postgresql_where=sa.text("customer_id IS NOT NULL"),
    )


def _swap_in(new: str, *, sequence_column: str = "id") -> None:
    """Drop the old ``promocode_values`` and rename ``new`` to it, keeping the id sequence
    (PostgreSQL) where it was."""
    if _postgres():
        op.execute("ALTER SEQUENCE promocode_values_id_seq OWNED BY NONE")
    op.drop_table("promocode_values")
    op.rename_table(new, "promocode_values")
    if _postgres():
        op.execute(
            f"ALTER TABLE promocode_values ALTER COLUMN {sequence_column} "
            "SET DEFAULT nextval('promocode_values_id_seq')"
        )
        op.execute(
            f"ALTER SEQUENCE promocode_values_id_seq OWNED BY promocode_values.{sequence_column}"
        )


def upgrade() -> None:
    for table in NUMBERED:
        _number_rows(table)
    postgres = _postgres()
    if postgres:
        op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    _create_lean("promocode_values_lean")
    # Rows of a promocode or tenant that no longer exists (there is no foreign key) would
    # have no number: the inner joins leave them out, as nothing could reach them anyway.
    op.execute(
        "INSERT INTO promocode_values_lean (id, tenant_no, promocode_no, status, value, "  # noqa: S608
        "customer_id, allocated_at, redeemed_at) "
        f"SELECT v.id, t.number, p.number, {STATUS_TO_CODE}, v.value, v.customer_id, "
        "v.allocated_at, v.redeemed_at FROM promocode_values v "
        "JOIN tenants t ON t.id = v.tenant_id "
        "JOIN promocodes p ON p.id = v.promocode_id AND p.tenant_id = v.tenant_id "
        "ORDER BY v.id"
    )
    _swap_in("promocode_values_lean")
    with op.batch_alter_table("promocode_values", schema=None) as batch_op:
        # SQLite: batch mode rebuilds the table with the CHECK (before the indexes exist).
        batch_op.create_check_constraint("status", "status BETWEEN 0 AND 2")
    _create_lean_indexes()
    if postgres:
        op.execute("ANALYZE promocode_values")


def downgrade() -> None:
    postgres = _postgres()
    op.create_table(
        "promocode_values_wide",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
            autoincrement=False,
        ),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("promocode_id", sa.String(36), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column(
            "value_key",
            sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("customer_id", sa.String(255), nullable=True),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *([] if postgres else [sa.PrimaryKeyConstraint("id", name="pk_promocode_values")]),
    )
    # created_at was not kept by 0017: the promocode's creation time stands in for it.
    op.execute(
        "INSERT INTO promocode_values_wide (id, tenant_id, promocode_id, value, value_key, "  # noqa: S608
        "status, customer_id, allocated_at, redeemed_at, created_at) "
        f"SELECT v.id, t.id, p.id, v.value, lower(v.value), {CODE_TO_STATUS}, v.customer_id, "
        "v.allocated_at, v.redeemed_at, p.created_at FROM promocode_values v "
        "JOIN tenants t ON t.number = v.tenant_no JOIN promocodes p ON p.number = v.promocode_no "
        "ORDER BY v.id"
    )
    _swap_in("promocode_values_wide")
    if postgres:
        op.execute(
            "ALTER TABLE promocode_values ADD CONSTRAINT pk_promocode_values PRIMARY KEY (id)"
        )
    with op.batch_alter_table("promocode_values", schema=None) as batch_op:
        batch_op.create_check_constraint("status", "status IN ('available','allocated','redeemed')")
    op.create_index(
        "uq_promocode_values_tenant_value_key",
        "promocode_values",
        ["tenant_id", "value_key"],
        unique=True,
    )
    op.create_index(
        "ix_promocode_values_promocode_status_id",
        "promocode_values",
        ["promocode_id", "status", "id"],
    )
    op.create_index(
        "ix_promocode_values_promocode_customer",
        "promocode_values",
        ["promocode_id", "customer_id"],
        sqlite_where=sa.text("customer_id IS NOT NULL"),
        postgresql_where=sa.text("customer_id IS NOT NULL"),
    )
    for table in NUMBERED:
        op.drop_index(f"uq_{table}_number", table_name=table)
        # Not batch mode: on SQLite it would rebuild tables that triggers refer to (0009);
        # SQLite >= 3.35 drops a plain column in place.
        op.execute(f"ALTER TABLE {table} DROP COLUMN number")
        if postgres:
            op.execute(f"DROP SEQUENCE IF EXISTS {table}_number_seq")
