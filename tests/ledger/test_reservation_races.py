"""Reservations under concurrency (PostgreSQL: 40 connections at once): reserves racing
confirms, releases and the worker's expiry on the last places of a cap and the last euros of
a budget. Counters always equal live grants + held reservations; no reservation ends both
confirmed and released."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.errors import Conflict, Unprocessable
from openpromo.kit.clock import utcnow
from openpromo.ledger.reservations import reservation_service
from openpromo.models import AudienceMember, Grant
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, validation_service
from tests.conftest import TenantFixture
from tests.ledger.test_concurrency import N, counter, race, wide_database  # noqa: F401
from tests.validation.factory import ctx, setup_world


async def reserve_one(db: Database, tenant_id: str, target: Target, context: Any) -> Any:
    body = ValidateRequest.model_validate(
        {"contexts": [context], "commit": "reserve", "reserve_for": 3600}
    )
    async with db.unit_of_work() as session:
        out = await validation_service.validate(
            session, Principal.cli(tenant_id), target, body, seed=b"seed"
        )
    return out["results"][0]


async def settle(db: Database, tenant_id: str, rid: str, action: str) -> str:
    principal = Principal.cli(tenant_id)
    try:
        async with db.unit_of_work() as session:
            if action == "confirm":
                out = await reservation_service.confirm(
                    session, principal, rid, [("eur", "3")] if rid[-1] in "02468ace" else None
                )
            elif action == "release":
                out = await reservation_service.release(session, principal, rid)
            else:
                await reservation_service.release_expired(session, utcnow() + timedelta(hours=2))
                return "expired"
        return out.status
    except Conflict:
        return "refused"
    except Unprocessable:
        return "invalid"  # a lower eur for a reservation the budget left without eur


async def live(db: Database, promotion_id: str) -> tuple[int, int, dict[str, set[str]]]:
    async with db.unit_of_work(write=False) as session:
        rows = (
            await session.execute(
                select(
                    Grant.group_id,
                    Grant.status,
                    Grant.customer_id,
                    Grant.value_minor,
                    Grant.reward_type,
                ).where(Grant.promotion_id == promotion_id)
            )
        ).all()
    statuses: dict[str, set[str]] = {}
    for group, status, *_ in rows:
        statuses.setdefault(group, set()).add(status)
    customers = {c for _, s, c, _, _ in rows if s in ("granted", "reserved")}
    eur = sum(v for _, s, _, v, t in rows if s in ("granted", "reserved") and t == "eur")
    return len(customers), eur, statuses


async def test_reservations_race_confirms_releases_and_expiry(
    wide_database: Database,  # noqa: F811
    tenant: TenantFixture,
) -> None:
    db = wide_database
    world = await setup_world(
        db,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "lifetime", "limit": N // 2}],
            "reward_budgets": [
                {"reward_type": "eur", "window": "lifetime", "limit": "80", "on_exceed": "truncate"}
            ],
        },
    )
    target = Target(promotion_id=world.promotion_id)
    first = await race([reserve_one(db, tenant.id, target, ctx(f"c{i}", "100")) for i in range(N)])
    held = [r["reservation_id"] for r in first if r["eligible"]]
    assert 0 < len(held) <= N // 2
    rng = random.Random(7)
    calls: list[Any] = []
    for rid in held:
        calls.append(settle(db, tenant.id, rid, rng.choice(["confirm", "release"])))
        calls.append(settle(db, tenant.id, rid, rng.choice(["confirm", "release"])))
    calls += [settle(db, tenant.id, "", "expire") for _ in range(4)]
    calls += [reserve_one(db, tenant.id, target, ctx(f"n{i}", "100")) for i in range(N)]
    rng.shuffle(calls)
    await race(calls)
    # whatever is still held expires
    async with db.unit_of_work() as session:
        await reservation_service.release_expired(session, utcnow() + timedelta(hours=2))
    customers, eur, statuses = await live(db, world.promotion_id)
    pid = world.promotion_id
    assert await counter(db, tenant.id, f"{pid}:cap:lifetime") == customers <= N // 2
    assert await counter(db, tenant.id, f"{pid}:budget:eur:lifetime") == eur <= 8000
    async with db.unit_of_work(write=False) as session:
        members = await session.scalar(
            select(func.count()).where(AudienceMember.tenant_id == tenant.id)
        )
    assert members == customers
    for group, seen in statuses.items():
        assert len(seen) == 1, (group, seen)  # never part confirmed, part released
        assert seen <= {"granted", "released", "reversed"}
