"""Validation caches reward types, schemas and promotions per process: every change must be
seen by the next call, whatever path made it (the triggers of migration 0009 bump
``tenants.config_version``)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text

from openpromo.db import Database
from openpromo.models import PropertyDefinition
from tests.conftest import TenantFixture
from tests.validation.factory import ctx, setup_world


async def _validate(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _config_version(database: Database, tenant_id: str) -> int:
    async with database.unit_of_work() as session:
        value = await session.scalar(
            text("SELECT config_version FROM tenants WHERE id = :id"), {"id": tenant_id}
        )
    return int(value)


async def test_reward_type_change_by_raw_sql_is_seen_at_once(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    body = {"contexts": [ctx("c-1", "123.45")]}
    first = await _validate(client, path, body)
    assert first["results"][0]["rewards"][1] == {"reward_type": "eur", "value": "12.34"}
    before = await _config_version(database, tenant.id)
    async with database.unit_of_work() as session:
        await session.execute(
            text("UPDATE reward_types SET constraints = :c WHERE tenant_id = :t AND key = 'eur'"),
            {"c": '{"max_value": "5"}', "t": tenant.id},
        )
    assert await _config_version(database, tenant.id) == before + 1
    second = await _validate(client, path, body)
    assert second["results"][0]["rewards"][1] == {"reward_type": "eur", "value": "5.00"}


async def test_schema_changes_bump_the_version_and_are_seen(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    body = {"contexts": [ctx("c-1", "123.45")]}
    assert (await _validate(client, path, body))["results"][0]["eligible"] is True
    v0 = await _config_version(database, tenant.id)
    async with database.unit_of_work() as session:
        session.add(
            PropertyDefinition(
                tenant_id=tenant.id,
                scope="session",
                key="kiosk_id",
                type="string",
                required=True,
                position=99,
            )
        )
    assert await _config_version(database, tenant.id) == v0 + 1
    out = await _validate(client, path, body)
    assert out["results"][0]["eligible"] is False
    assert out["results"][0]["reasons"][0]["code"] == "invalid_context"
    assert out["results"][0]["reasons"][0]["errors"][0]["loc"] == [
        "contexts",
        0,
        "session",
        "kiosk_id",
    ]
    async with database.unit_of_work() as session:
        await session.execute(
            text("DELETE FROM property_definitions WHERE tenant_id = :t AND key = 'kiosk_id'"),
            {"t": tenant.id},
        )
    assert await _config_version(database, tenant.id) == v0 + 2
    assert (await _validate(client, path, body))["results"][0]["eligible"] is True


async def test_promotion_edit_is_seen_at_once(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    body = {"contexts": [ctx("c-1", "123.45")]}
    first = await _validate(client, path, body)
    assert first["results"][0]["rewards"][1] == {"reward_type": "eur", "value": "12.34"}
    async with database.unit_of_work() as session:
        await session.execute(
            text(
                "UPDATE promotions SET reward_constraints = :c, version = version + 1 "
                "WHERE id = :id"
            ),
            {"c": '{"eur": {"max_value": "3"}}', "id": world.promotion_id},
        )
    second = await _validate(client, path, body)
    assert second["results"][0]["rewards"][1] == {"reward_type": "eur", "value": "3.00"}
    async with database.unit_of_work() as session:
        await session.execute(
            text("UPDATE promotions SET status = 'deactivated' WHERE id = :id"),
            {"id": world.promotion_id},
        )
    out = await _validate(client, path, body)
    assert out["results"][0]["reasons"][0]["code"] == "promotion_not_active"
