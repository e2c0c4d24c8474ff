"""The tenant chokepoint lint (tests/lint_tenant.py): the repositories pass it, and it fails on
each kind of unscoped query."""

from __future__ import annotations

import pytest

from openpromo.models import Grant, PromocodeValue
from openpromo.repository import TenantScopedRepository
from tests.lint_tenant import check_source, check_tree, tenant_owned

CLASSES, TABLES = tenant_owned()


def problems(source: str) -> list[str]:
    return [p.message for p in check_source(source, "x/repository.py", CLASSES, TABLES)]


def test_every_repository_goes_through_the_chokepoint() -> None:
    assert [str(p) for p in check_tree()] == []


def test_tenant_owned_tables_come_from_the_models() -> None:
    assert {"Grant", "UsageCounter", "Promotion", "Customer"} <= CLASSES
    assert "Tenant" not in CLASSES
    assert {"grants", "usage_counters", "promocode_values"} <= TABLES


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            "class R(TenantScopedRepository):\n"
            "    async def get(self, i):\n"
            "        return await self.session.scalar(select(Grant).where(Grant.id == i))\n",
            "query of tenant-owned Grant not scoped",
        ),
        (
            "class R(TenantScopedRepository):\n"
            "    async def get(self, i):\n"
            "        return await self.session.scalar(\n"
            "            select(Grant).where(Grant.tenant_id == self.tenant_id, Grant.id == i)\n"
            "        )\n",
            "tenant_id compared by hand",
        ),
        (
            "class R(TenantScopedRepository):\n"
            "    async def drop(self, i):\n"
            "        await self.session.execute(delete(Grant).where(Grant.id == i))\n",
            "query of tenant-owned Grant not scoped",
        ),
        (
            "class R(TenantScopedRepository):\n"
            "    async def f(self, v):\n"
            "        return await self.session.scalar(\n"
            "            self._select(Promocode)\n"
            "            .join(PromocodeValue)\n"
            "            .where(PromocodeValue.value == v)\n"
            "        )\n",
            "query of tenant-owned PromocodeValue not scoped",
        ),
        (
            "_U = UsageCounter.__table__.c\n_Q = select(_U.key).where(_U.used > 0)\n",
            "query of tenant-owned UsageCounter not scoped",
        ),
        (
            '_SQL = "SELECT key FROM usage_counters WHERE used > 0"\n',
            "SQL on tenant-owned table usage_counters without tenant_id",
        ),
    ],
)
def test_the_lint_fails_on_an_unscoped_query(snippet: str, expected: str) -> None:
    found = problems(snippet)
    assert any(message.startswith(expected) for message in found), found


@pytest.mark.parametrize(
    "snippet",
    [
        "class R(TenantScopedRepository):\n"
        "    async def get(self, i):\n"
        "        return await self.session.scalar(self._select(Grant).where(Grant.id == i))\n",
        "class R(TenantScopedRepository):\n"
        "    async def f(self, v):\n"
        "        return await self.session.scalar(\n"
        "            self._select(Promocode)\n"
        "            .join(PromocodeValue)\n"
        "            .where(self.owns(PromocodeValue), PromocodeValue.value == v)\n"
        "        )\n",
        "_U = UsageCounter.__table__.c\n_Q = select(_U.key).where(tenant_bound(_U))\n",
        '_SQL = "SELECT key FROM usage_counters WHERE tenant_id = $1"\n',
        "async def every(session):\n"
        "    return await session.scalars(select(Grant))  # cross-tenant: housekeeping\n",
    ],
)
def test_the_lint_accepts_a_scoped_query(snippet: str) -> None:
    assert problems(snippet) == []


def test_the_base_scopes_every_statement_it_builds() -> None:
    repo = TenantScopedRepository(None, "tenant-a")  # type: ignore[arg-type]
    for statement in (
        repo._select(Grant),
        repo._select(Grant.id, PromocodeValue.value).where(Grant.code == PromocodeValue.value),
        repo._update(Grant).values(status="reversed"),
        repo._delete(PromocodeValue),
    ):
        sql = str(statement.compile(compile_kwargs={"literal_binds": True}))
        tables = [t for t in ("grants", "promocode_values") if f"{t}." in sql or f" {t}" in sql]
        for table in tables:
            # promocode_values stores the tenant's number (docs/promocodes.md).
            scoped = (
                f"{table}.tenant_no = (SELECT tenants.number \nFROM tenants \n"
                "WHERE tenants.id = 'tenant-a')"
                if table == "promocode_values"
                else f"{table}.tenant_id = 'tenant-a'"
            )
            assert scoped in sql, sql
