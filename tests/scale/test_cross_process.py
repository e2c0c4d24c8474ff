"""Two real ``openpromo serve`` processes, A and B, on one PostgreSQL database (issue 15): what
one changes, the other sees within the documented bound (docs/deployment.md).

* A revoked API key: refused by A at once, by B within ``OPENPROMO_API_KEY_CACHE_SECONDS``.
* A promotion's tiers, a reward type's constraints (the tenant configuration): B's very next
  validation uses them (its caches are keyed by versions read in the validation's first query).
* Rate limits with Redis: A and B count one budget per key.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from openpromo.db import Database
from openpromo.kit.ids import new_id
from tests.conftest import make_tenant
from tests.scale.harness import Server, servers
from tests.validation.factory import ctx, setup_world

KEY_CACHE_SECONDS = 2.0
RATE = 40  # a minute, per key, across both processes
ENV = {
    "OPENPROMO_API_KEY_CACHE_SECONDS": str(KEY_CACHE_SECONDS),
    "OPENPROMO_RATE_LIMIT": f"{RATE}/minute",
    "OPENPROMO_REDIS_URL": "redis://127.0.0.1:6379/11",  # the shared Redis: a db of our own
}


@pytest.fixture(scope="module")
def two_servers(
    scale_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Server]]:
    folder = tmp_path_factory.mktemp("two")
    with servers(scale_database, [folder / "a.log", folder / "b.log"], env=ENV) as (a, b):
        yield a, b


@pytest.fixture
async def world(scale_database: str) -> AsyncIterator[tuple[str, str]]:
    """A tenant of the test's own (admin key) and an active promotion."""
    db = Database(scale_database)
    tenant = await make_tenant(db)
    made = await setup_world(db, tenant.id)
    await db.dispose()
    yield tenant.admin_key, made.promotion_id


def _client(s: Server, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=s.url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


async def _rewards(client: httpx.AsyncClient, promotion_id: str) -> dict[str, str]:
    """The rewards a dry run of one customer (deposit 150) gets."""
    response = await client.post(
        f"/v1/promotions/{promotion_id}/validate-customers",
        json={"contexts": [ctx(f"c-{new_id()}", "150")], "commit": False},
    )
    assert response.status_code == 200, response.text
    rewards = response.json()["results"][0]["rewards"]
    return {r["reward_type"]: str(r["value"]) for r in rewards}


async def test_a_revoked_key_is_refused_by_the_other_process_within_the_bound(
    two_servers: tuple[Server, Server], world: tuple[str, str]
) -> None:
    a, b = two_servers
    admin_key, _ = world
    async with _client(a, admin_key) as admin:
        made = await admin.post("/v1/api-keys", json={"name": "short-lived", "role": "read_only"})
        assert made.status_code == 201, made.text
    key, key_id = made.json()["api_key"], made.json()["id"]
    async with _client(a, key) as on_a, _client(b, key) as on_b:
        # Both processes have the key cached now.
        assert (await on_a.get("/v1/promotions")).status_code == 200
        assert (await on_b.get("/v1/promotions")).status_code == 200
        async with _client(a, admin_key) as admin:
            assert (await admin.delete(f"/v1/api-keys/{key_id}")).status_code == 204
        revoked = time.monotonic()
        assert (await on_a.get("/v1/promotions")).status_code == 401  # this process: at once
        while (await on_b.get("/v1/promotions")).status_code == 200:
            assert time.monotonic() - revoked < KEY_CACHE_SECONDS + 1.0, "B still accepts it"
            await asyncio.sleep(0.05)
        refused_after = time.monotonic() - revoked
    print(f"revoked key refused by B after {refused_after:.2f} s")
    assert refused_after <= KEY_CACHE_SECONDS + 1.0


async def test_promotion_and_tenant_configuration_changes_are_seen_at_once(
    two_servers: tuple[Server, Server], world: tuple[str, str]
) -> None:
    a, b = two_servers
    admin_key, promotion_id = world
    async with _client(a, admin_key) as on_a, _client(b, admin_key) as on_b:
        # B caches the promotion and the tenant's configuration.
        assert await _rewards(on_b, promotion_id) == {"spins": "20", "eur": "15.00"}
        # The promotion (its version), changed through A: a constraint override on spins.
        changed = await on_a.put(
            f"/v1/promotions/{promotion_id}/reward-constraints",
            json={"spins": {"max_value": "7"}},
        )
        assert changed.status_code == 200, changed.text
        assert await _rewards(on_b, promotion_id) == {"spins": "7", "eur": "15.00"}
        # The tenant configuration: a reward type's constraint, changed through A.
        capped = await on_a.patch(
            "/v1/reward-types/eur", json={"constraints": {"max_value": "2.50"}}
        )
        assert capped.status_code == 200, capped.text
        assert await _rewards(on_b, promotion_id) == {"spins": "7", "eur": "2.50"}


async def test_rate_limits_are_shared_through_redis(
    two_servers: tuple[Server, Server], world: tuple[str, str]
) -> None:
    a, b = two_servers
    admin_key, _ = world
    async with _client(a, admin_key) as on_a, _client(b, admin_key) as on_b:
        # The world's own requests went to the database, not through the API: the key's
        # budget is whole. Half of it on each process, then one more on either is refused.
        statuses = []
        for n in range(RATE):
            statuses.append((await (on_a if n % 2 else on_b).get("/v1/promotions")).status_code)
        assert statuses == [200] * RATE
        refused = await on_a.get("/v1/promotions")
        assert refused.status_code == 429, refused.text
        assert (await on_b.get("/v1/promotions")).status_code == 429
