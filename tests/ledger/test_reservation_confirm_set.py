"""Full-value confirms set-wise (``ReservationService.confirm_many`` → ``confirm_held``,
docs/reservations.md): one UPDATE locks and flips every held group, the others are answered
from a plain read (404, 409 expired / released, the same answer when confirmed already) and
change nothing; the reward types' decimals come from a cache keyed by the tenant's config
version, which a reward-type change moves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import event, text

from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.errors import Conflict, NotFound
from openpromo.kit.clock import utcnow
from openpromo.ledger.reservations import reservation_service
from openpromo.ledger.schemas import Reservation
from openpromo.ledger.service import reward_decimals
from tests.conftest import TenantFixture, make_tenant
from tests.ledger.test_reservations import used, validate
from tests.validation.factory import ctx, setup_world


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _sql(seen: list[str]) -> list[str]:
    """The statements of the work itself (not BEGIN, COMMIT, SAVEPOINT…)."""
    return [s for s in seen if s.split()[0].upper() in ("SELECT", "UPDATE", "INSERT", "DELETE")]


async def test_full_value_confirms_one_statement_refusals_change_nothing(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "reward_budgets": [
                {"reward_type": "eur", "window": "lifetime", "limit": "1000"},
            ]
        },
    )
    key = f"{world.promotion_id}:budget:eur:lifetime"
    held = await validate(client, world, [ctx(f"h{i}", "10") for i in range(5)])
    [short] = await validate(client, world, [ctx("short", "10")], reserve_for=60)
    rids = [r["reservation_id"] for r in held]
    assert all(rids) and short["reservation_id"]
    assert (await client.post(f"/v1/reservations/{rids[0]}/release")).status_code == 200
    assert (await client.post(f"/v1/reservations/{rids[1]}/confirm")).status_code == 200
    other = await make_tenant(database, "Other")
    principal = Principal.system(tenant.id)
    before = await used(database, tenant.id, key)
    later = utcnow() + timedelta(seconds=61)  # the short one expired, the others held
    ids = [rids[0], rids[1], rids[2], short["reservation_id"], "missing", rids[3]]
    async with database.unit_of_work() as session:
        out = await reservation_service.confirm_many(
            session, principal, [(i, None) for i in ids], now=later
        )
    released, again, first, expired, missing, second = out
    assert isinstance(released, Conflict) and released.code == "reservation_released"
    assert isinstance(again, Reservation) and again.status == "granted"
    assert isinstance(first, Reservation) and first.status == "granted"
    assert isinstance(second, Reservation) and second.status == "granted"
    assert first.id == rids[2]
    assert {(g.reward_type, g.value) for g in first.grants} == {
        (r["reward_type"], r["value"]) for r in held[2]["rewards"]
    }
    assert isinstance(expired, Conflict) and expired.code == "reservation_expired"
    assert isinstance(missing, NotFound)
    assert await used(database, tenant.id, key) == before  # a full-value confirm gives nothing
    # The expired one is still held (the worker releases it), not confirmed.
    status = (await client.get(f"/v1/reservations/{short['reservation_id']}")).json()["status"]
    assert status == "reserved"
    # Another tenant cannot confirm this tenant's reservation: 404, and it stays held.
    async with database.unit_of_work() as session:
        [foreign] = await reservation_service.confirm_many(
            session, Principal.system(other.id), [(rids[4], None)]
        )
    assert isinstance(foreign, NotFound)
    assert (await client.get(f"/v1/reservations/{rids[4]}")).json()["status"] == "reserved"
    # Warm: a held group costs ONE statement (lock and write together), nothing else.
    async with database.unit_of_work() as session:
        with statements(database) as seen:
            [done] = await reservation_service.confirm_many(session, principal, [(rids[4], None)])
    assert isinstance(done, Reservation) and done.status == "granted"
    work = _sql(seen)
    assert len(work) == 1 and work[0].upper().startswith("UPDATE"), work


async def test_decimals_cache_follows_the_config_version(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    [a, b] = await validate(client, world, [ctx("a", "10"), ctx("b", "10")])
    principal = Principal.system(tenant.id)
    async with database.unit_of_work() as session:
        [first] = await reservation_service.confirm_many(
            session, principal, [(a["reservation_id"], None)]
        )
    assert isinstance(first, Reservation)
    added = await client.post(
        "/v1/reward-types",
        json={"key": "pts", "name": "Points", "category": "amount", "decimals": 3},
    )
    assert added.status_code == 201, added.text
    async with database.unit_of_work() as session:
        with statements(database) as seen:
            [second] = await reservation_service.confirm_many(
                session, principal, [(b["reservation_id"], None)]
            )
        version = await session.scalar(
            text("SELECT config_version FROM tenants WHERE id = :t"),
            {"t": tenant.id},
        )
        decimals = await reward_decimals(session, tenant.id, int(version))
    assert isinstance(second, Reservation)
    assert {(g.reward_type, g.value) for g in second.grants} == {
        (r["reward_type"], r["value"]) for r in b["rewards"]
    }
    # The version moved with the new reward type: this confirm read the reward types again,
    # and the cache under the new version knows the new type.
    assert any("reward_types" in s for s in _sql(seen)), _sql(seen)
    assert decimals["pts"] == 3
