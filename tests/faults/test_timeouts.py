"""A pool exhausted by slow holders, a lock wait cut by ``lock_timeout`` and a statement cut by
``statement_timeout``: each answered 503 ``unavailable_not_applied`` with ``Retry-After`` at
once — never a hang, never a 500 — and nothing of the request stored (issue 18)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager

import httpx
import pytest
from sqlalchemy import text

from openpromo.app import create_app
from openpromo.config import get_settings
from openpromo.db import Database, get_database, set_database
from tests.conftest import TenantFixture, make_client, make_tenant

NOT_APPLIED = "https://openpromo.dev/problems/unavailable_not_applied"


@contextmanager
def settings(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


Server = Callable[..., AbstractAsyncContextManager[tuple[httpx.AsyncClient, TenantFixture]]]


@pytest.fixture
def server(fault_database: str) -> Server:
    """The app on the fault database, with the given OPENPROMO_* settings."""

    @asynccontextmanager
    async def start(**values: str) -> AsyncIterator[tuple[httpx.AsyncClient, TenantFixture]]:
        with settings(**values):
            db = Database(fault_database)
            previous = get_database()
            set_database(db)
            try:
                tenant = await make_tenant(db)
                async with make_client(create_app(), tenant.admin_key) as client:
                    yield client, tenant
            finally:
                set_database(previous)
                await db.dispose()

    return start


def assert_not_applied(response: httpx.Response, fault: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["type"] == NOT_APPLIED
    assert response.json()["fault"] == fault


async def test_exhausted_pool_answers_503_quickly(server: Server, fault_database: str) -> None:
    async with server(
        OPENPROMO_DB_POOL_SIZE="2",
        OPENPROMO_DB_MAX_OVERFLOW="0",
        OPENPROMO_DB_POOL_TIMEOUT_SECONDS="0.5",
        OPENPROMO_API_KEY_CACHE_SECONDS="0",
    ) as (client, _tenant):
        db = get_database()
        holding = asyncio.Event()
        held = [0]

        async def hold() -> None:
            async with db.unit_of_work(write=False) as session:
                await session.execute(text("SELECT 1"))
                held[0] += 1
                if held[0] == 2:
                    holding.set()
                await asyncio.sleep(3)

        holders = [asyncio.create_task(hold()) for _ in range(2)]
        await asyncio.wait_for(holding.wait(), 10)
        started = time.monotonic()
        response = await client.post("/v1/campaigns", json={"name": "While the pool is full"})
        waited = time.monotonic() - started
        assert_not_applied(response, "pool")
        assert waited < 2.5, waited
        await asyncio.gather(*holders)
        # The pool is free again: the same request is served.
        assert (await client.post("/v1/campaigns", json={"name": "Later"})).status_code == 201
        names = [c["name"] for c in (await client.get("/v1/campaigns")).json()["items"]]
        assert names == ["Later"]


@pytest.mark.parametrize(
    ("setting", "value"),
    [("OPENPROMO_DB_LOCK_TIMEOUT_MS", "300"), ("OPENPROMO_DB_STATEMENT_TIMEOUT_MS", "300")],
)
async def test_lock_or_statement_timeout_answers_503(
    server: Server, setting: str, value: str
) -> None:
    async with server(**{setting: value}) as (client, _tenant):
        created = await client.post("/v1/campaigns", json={"name": "Locked"})
        assert created.status_code == 201, created.text
        campaign_id = created.json()["id"]
        db = get_database()
        locked = asyncio.Event()

        async def lock_row() -> None:
            async with db.unit_of_work() as session:
                await session.execute(
                    text("SELECT id FROM campaigns WHERE id = :id FOR UPDATE"), {"id": campaign_id}
                )
                locked.set()
                await asyncio.sleep(2)

        holder = asyncio.create_task(lock_row())
        await asyncio.wait_for(locked.wait(), 10)
        started = time.monotonic()
        response = await client.patch(f"/v1/campaigns/{campaign_id}", json={"name": "Renamed"})
        assert time.monotonic() - started < 1.8
        assert_not_applied(response, "timeout")
        await holder
        after = await client.get(f"/v1/campaigns/{campaign_id}")
        assert after.json()["name"] == "Locked"
