"""The PostgreSQL reads of the commit path probe primary keys whatever the planner knows.

asyncpg prepares statements, and PostgreSQL switches a prepared statement to a generic plan
after a few executions: a plan made without the arrays' sizes or the table's statistics. These
tests force that generic plan and check it probes the index instead of reading a whole table.
"""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from sqlalchemy import TextClause, text

from openpromo.db import Database
from openpromo.ledger.repository import _LOCK_COUNTERS_READ_MEMBERS_PG, _MEMBERS_BY_PROBES
from tests.conftest import TenantFixture, is_postgres

pytestmark = pytest.mark.skipif(
    not is_postgres(), reason="PostgreSQL plans: set OPENPROMO_TEST_DATABASE_URL to run"
)


def _positional(sql: str, names: list[str]) -> str:
    for number, name in enumerate(names, 1):
        sql = re.sub(rf":{name}\b", f"${number}", sql)
    return sql


async def _generic_plan(database: Database, sql: str, types: str, args: str) -> str:
    async with database.unit_of_work() as session:
        await session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        await session.execute(text(f"PREPARE probe_plan ({types}) AS {sql}"))
        try:
            rows: Any = await session.execute(text(f"EXPLAIN EXECUTE probe_plan ({args})"))
            return "\n".join(row[0] for row in rows)
        finally:
            await session.execute(text("DEALLOCATE probe_plan"))


async def _fill_members(database: Database, tenant: TenantFixture) -> None:
    """50,000 audience members, analysed: statistics a whole-table plan would build on."""
    async with database.unit_of_work() as session:
        await session.execute(
            text(
                "INSERT INTO audience_members (tenant_id, key, window_start, customer_id) "
                "SELECT :t, 'plan:cap:day', now(), 'c' || g FROM generate_series(1, 50000) g"
            ),
            {"t": tenant.id},
        )
    async with database.unit_of_work() as session:
        await session.execute(text("ANALYZE audience_members"))


async def test_audience_member_reads_probe_the_primary_key(
    database: Database, tenant: TenantFixture
) -> None:
    # A table with statistics: the generic plan of a join would hash the whole table.
    await _fill_members(database, tenant)
    names = ["keys", "starts", "customers", "tenant_id"]
    sql = _positional(cast(TextClause, _MEMBERS_BY_PROBES.element).text, names)
    plan = await _generic_plan(
        database,
        sql,
        "varchar[], timestamptz[], varchar[], varchar",
        "ARRAY['k'], ARRAY[now()], ARRAY['c'], 't'",
    )
    assert "Seq Scan on audience_members" not in plan, plan
    assert "Hash" not in plan, plan
    assert re.search(r"Index (Only )?Scan using \S+ on audience_members", plan), plan


async def test_a_small_commits_state_read_probes_both_primary_keys(
    database: Database, tenant: TenantFixture
) -> None:
    """The one-round-trip read of a small commit (counters locked, then members) keeps to
    index probes in its generic plan, on tables with statistics."""
    await _fill_members(database, tenant)
    async with database.unit_of_work() as session:
        await session.execute(
            text(
                "INSERT INTO usage_counters (tenant_id, key, window_start, limit_value, used) "
                "SELECT :t, 'plan:cust:' || g, now(), 10, 1 FROM generate_series(1, 50000) g"
            ),
            {"t": tenant.id},
        )
    async with database.unit_of_work() as session:
        await session.execute(text("ANALYZE usage_counters"))
    plan = await _generic_plan(
        database,
        _LOCK_COUNTERS_READ_MEMBERS_PG,
        "varchar, varchar[], timestamptz[], varchar[], timestamptz[], varchar[]",
        "'t', ARRAY['k'], ARRAY[now()], ARRAY['k'], ARRAY[now()], ARRAY['c']",
    )
    for table in ("audience_members", "usage_counters"):
        assert f"Seq Scan on {table}" not in plan, plan
        assert re.search(rf"Index (Only )?Scan using \S+ on {table}", plan), plan
    assert "Hash" not in plan, plan
