"""``promocode.pool_low``: sent once when allocating commits take a bulk pool to its low-water
mark (``pool_low_threshold``), not again until the pool's values change (an upload) and the
mark is crossed again; never without a subscription; once under concurrent commits (PG)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI

from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, validation_service
from tests.conftest import TenantFixture, is_postgres, make_client
from tests.validation.factory import World, ctx, setup_world
from tests.webhook.test_events import events, subscribe

pytestmark = pytest.mark.usefixtures("allow_loopback")


async def bulk(database: Database, tenant: TenantFixture, app: FastAPI, n: int, mark: int) -> World:
    world = await setup_world(
        database, tenant.id, promocode={"type": "bulk"}, values=[f"P-{i}" for i in range(n)]
    )
    async with make_client(app, tenant.admin_key) as client:
        patched = await client.patch(
            f"/v1/promocodes/{world.promocode_id}", json={"pool_low_threshold": mark}
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["pool_low_threshold"] == mark
    return world


async def commit(app: FastAPI, tenant: TenantFixture, world: World, *customers: str) -> None:
    async with make_client(app, tenant.admin_key) as client:
        response = await client.post(
            f"/v1/promocodes/{world.promocode_id}/validate-customers",
            json={"contexts": [ctx(c) for c in customers], "commit": True},
        )
        assert response.status_code == 200, response.text
        assert all(r["eligible"] for r in response.json()["results"]), response.text


async def test_pool_low_once_per_pool_and_again_after_a_refill(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await bulk(database, tenant, app, 5, mark=2)
    await subscribe(app, tenant, ["promocode.pool_low"])
    await commit(app, tenant, world, "a", "b")  # 3 left: above the mark
    assert await events(database, tenant.id, "promocode.pool_low") == []
    await commit(app, tenant, world, "c")  # 2 left: at the mark
    [low] = await events(database, tenant.id, "promocode.pool_low")
    assert low.payload == {
        "promocode_id": world.promocode_id,
        "promotion_id": world.promotion_id,
        "remaining": 2,
        "threshold": 2,
    }
    await commit(app, tenant, world, "d")  # 1 left: still low, no repeat
    await commit(app, tenant, world, "e")  # 0 left
    assert len(await events(database, tenant.id, "promocode.pool_low")) == 1
    async with make_client(app, tenant.admin_key) as client:
        uploaded = await client.post(
            f"/v1/promocodes/{world.promocode_id}/values",
            content=b"Q-1\nQ-2\nQ-3\nQ-4\n",
            headers={"content-type": "text/plain"},
        )
        assert uploaded.status_code == 200, uploaded.text
    await commit(app, tenant, world, "g")  # the new pool: 3 left
    assert len(await events(database, tenant.id, "promocode.pool_low")) == 1
    await commit(app, tenant, world, "h", "i")  # 1 left: crossed again
    first, second = await events(database, tenant.id, "promocode.pool_low")
    assert first.id == low.id and second.payload["remaining"] == 1


async def test_no_pool_low_without_a_subscription(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await bulk(database, tenant, app, 3, mark=2)
    await subscribe(app, tenant, ["promocode.pool_exhausted"])
    await commit(app, tenant, world, "a", "b")  # 1 left, below the mark
    assert await events(database, tenant.id, "promocode.pool_low") == []


async def test_no_pool_low_with_the_mark_at_zero(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await bulk(database, tenant, app, 3, mark=0)
    await subscribe(app, tenant, ["promocode.pool_low"])
    await commit(app, tenant, world, "a", "b", "c")  # 0 left; the mark is off
    assert await events(database, tenant.id, "promocode.pool_low") == []


async def test_the_mark_is_bounded_and_bulk_only(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id, promocode={"type": "bulk"}, values=["V-1"])
    async with make_client(app, tenant.admin_key) as client:
        got = await client.get(f"/v1/promocodes/{world.promocode_id}")
        assert got.json()["pool_low_threshold"] == 100  # the default
        for bad in (-1, 100_001, None):
            refused = await client.patch(
                f"/v1/promocodes/{world.promocode_id}", json={"pool_low_threshold": bad}
            )
            assert refused.status_code == 422, refused.text
            assert refused.json()["errors"][0]["loc"][-1] == "pool_low_threshold"
        shared = await client.post(
            "/v1/promocodes",
            json={"name": "s", "type": "shared", "value": "S-1", "pool_low_threshold": 5},
        )
        assert shared.status_code == 422, shared.text
        created = await client.post(
            "/v1/promocodes", json={"name": "b", "type": "bulk", "pool_low_threshold": 7}
        )
        assert created.status_code == 201, created.text
        assert created.json()["pool_low_threshold"] == 7


@pytest.mark.skipif(not is_postgres(), reason="32 concurrent transactions need PostgreSQL")
async def test_pool_low_once_with_32_concurrent_allocating_commits(
    app: FastAPI, database: Database, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "group_commits", False)
    world = await bulk(database, tenant, app, 40, mark=20)
    await subscribe(app, tenant, ["promocode.pool_low"])
    body = [
        ValidateRequest.model_validate({"contexts": [ctx(f"p{i}")], "commit": True})
        for i in range(33)
    ]

    async def one(i: int) -> dict[str, Any]:
        async with database.unit_of_work() as session:
            assert world.promocode_id is not None
            return await validation_service.validate(
                session,
                tenant.principal,
                Target(promocode_id=world.promocode_id),
                body[i],
                seed=bytes([i]),
            )

    answers = await asyncio.gather(*(one(i) for i in range(32)))
    assert all(a["results"][0]["eligible"] for a in answers)
    # Every commit that counted the pool at or under 20 tried; the guarded mark let one send.
    assert len(await events(database, tenant.id, "promocode.pool_low")) <= 1
    await one(32)  # sees all 32 committed: 7 left
    assert len(await events(database, tenant.id, "promocode.pool_low")) == 1
