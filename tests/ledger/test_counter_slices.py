"""Counter slices (docs/hot-promotions.md): promotion-wide caps and budgets held in several
rows on PostgreSQL stay exact under races — 40 connections at once in one process, and 64
clients against ``openpromo serve --workers 4`` (real processes, real HTTP) — for the last
places of a cap and the last euros of a truncating budget; counters equal live grants plus
held reservations, the slices' limits add up to the limit. On SQLite every counter is one
slice and the same checks hold."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select, update

from openpromo.auth.principal import Principal
from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.kit.windows import EPOCH
from openpromo.ledger.reservations import reservation_service
from openpromo.ledger.slices import spread, take_back
from openpromo.models import Grant, UsageCounter
from openpromo.models.promotion import Promotion
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, validation_service
from tests.conftest import TenantFixture, is_postgres
from tests.ledger.test_concurrency import N, commit_one, live_sum, race, wide_database  # noqa: F401
from tests.ledger.test_reservation_races import reserve_one
from tests.validation.factory import ctx, setup_world

SLICED = is_postgres() and get_settings().counter_slices > 1  # default: 8 on PostgreSQL


# -- the arithmetic ------------------------------------------------------------------------


def test_spread_puts_the_amount_in_one_slice_and_shares_the_headroom_out() -> None:
    rows = [(0, 5, 10), (1, 0, 0), (2, 3, 3)]
    out = spread(rows, 4, 13)
    assert out[0][0] == 4 and out[1][0] == 0 and out[2][0] == 0
    limits = {n: lim for n, (_, lim) in out.items()}
    assert sum(limits.values()) == 13
    used = {0: 9, 1: 0, 2: 3}
    assert all(limits[n] >= used[n] for n in used)
    assert sorted(limits[n] - used[n] for n in used) == [0, 0, 1]  # headroom 1 left, shared
    with pytest.raises(ValueError, match="over its limit"):
        spread(rows, 6, 13)


def test_take_back_takes_from_the_slices_that_used_most() -> None:
    assert take_back([(0, 2, 5), (1, 4, 4), (2, 1, 3)], 5) == {1: 4, 0: 1}
    assert take_back([(0, 2, 5)], 3) == {}  # the counter used less: nothing (as before)


# -- races in one process (40 connections on PostgreSQL) --------------------------------------


async def _slices(db: Database, tenant_id: str, key: str) -> list[tuple[int, int, int]]:
    async with db.unit_of_work(write=False) as session:
        rows = await session.execute(
            select(UsageCounter.slice, UsageCounter.used, UsageCounter.limit_value)
            .where(UsageCounter.tenant_id == tenant_id, UsageCounter.key == key)
            .order_by(UsageCounter.slice)
        )
        return [(int(s), int(u), int(lim)) for s, u, lim in rows.all()]


async def _live_customers(db: Database, promotion_id: str) -> int:
    async with db.unit_of_work(write=False) as session:
        value = await session.scalar(
            select(func.count(func.distinct(Grant.customer_id))).where(
                Grant.promotion_id == promotion_id, Grant.status.in_(("granted", "reserved"))
            )
        )
    return int(value or 0)


async def test_a_cap_of_100_and_truncating_euros_raced_by_many_commits(
    wide_database: Database,  # noqa: F811
    tenant: TenantFixture,
) -> None:
    world = await setup_world(
        wide_database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "lifetime", "limit": 100}],
            "reward_budgets": [
                {
                    "reward_type": "eur",
                    "window": "lifetime",
                    "limit": "1234.56",
                    "on_exceed": "truncate",
                }
            ],
        },
    )
    pid = world.promotion_id
    target = Target(promotion_id=pid)
    total = 3 * N if is_postgres() else 110
    sem = asyncio.Semaphore(N)

    async def one(i: int) -> dict[str, Any]:
        async with sem:
            return await commit_one(wide_database, tenant.id, target, ctx(f"c{i}", "250"))

    results = await race([one(i) for i in range(total)])
    assert sum(r["eligible"] for r in results) == 100
    assert await live_sum(wide_database, pid, "eur") == 123_456  # exactly the budget
    truncated = [v["value"] for r in results for v in r["rewards"] if v["reward_type"] == "eur"]
    assert "9.56" in truncated  # 49 x 25.00 + 9.56: the last euros granted, not refused
    cap = await _slices(wide_database, tenant.id, f"{pid}:cap:lifetime")
    eur = await _slices(wide_database, tenant.id, f"{pid}:budget:eur:lifetime")
    assert sum(u for _, u, _ in cap) == 100 == sum(lim for _, _, lim in cap)
    assert sum(u for _, u, _ in eur) == 123_456 == sum(lim for _, _, lim in eur)
    assert len(cap) == (get_settings().counter_slices if SLICED else 1)


@pytest.mark.skipif(not SLICED, reason="one counter row: a commit waits for the one holding it")
async def test_a_commit_does_not_wait_for_one_holding_another_slice(
    wide_database: Database,  # noqa: F811
    tenant: TenantFixture,
) -> None:
    world = await setup_world(
        wide_database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "lifetime", "limit": 1000}],
            "reward_budgets": [
                {
                    "reward_type": "eur",
                    "window": "lifetime",
                    "limit": "10000",
                    "on_exceed": "truncate",
                }
            ],
        },
    )
    target = Target(promotion_id=world.promotion_id)
    # A race makes commits take every slice and share the headroom out.
    await race([commit_one(wide_database, tenant.id, target, ctx(f"w{i}")) for i in range(8)])
    body = ValidateRequest.model_validate({"contexts": [ctx("held")], "commit": True})
    async with wide_database.unit_of_work() as session:
        held = await validation_service.validate(
            session, Principal.cli(tenant.id), target, body, seed=b"seed"
        )
        assert held["results"][0]["eligible"]
        # This transaction holds one slice of the cap and of the budget until it ends: a
        # commit in another transaction takes other slices instead of waiting for it.
        other = await asyncio.wait_for(
            commit_one(wide_database, tenant.id, target, ctx("other")), timeout=10
        )
        assert other["eligible"]
    cap = await _slices(wide_database, tenant.id, f"{world.promotion_id}:cap:lifetime")
    assert (
        sum(u for _, u, _ in cap) == 10 == await _live_customers(wide_database, world.promotion_id)
    )


async def test_reserves_commits_and_releases_keep_slices_equal_to_live_rows(
    wide_database: Database,  # noqa: F811
    tenant: TenantFixture,
) -> None:
    world = await setup_world(
        wide_database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "lifetime", "limit": 30}],
            "reward_budgets": [
                {
                    "reward_type": "eur",
                    "window": "lifetime",
                    "limit": "500",
                    "on_exceed": "truncate",
                }
            ],
        },
    )
    pid = world.promotion_id
    target = Target(promotion_id=pid)
    held = await race(
        [reserve_one(wide_database, tenant.id, target, ctx(f"r{i}", "250")) for i in range(N // 2)]
    )
    reservations = [r["reservation_id"] for r in held if r["eligible"]]

    async def release(rid: str) -> None:
        async with wide_database.unit_of_work() as session:
            await reservation_service.release(session, Principal.cli(tenant.id), rid)

    async def confirm_less(rid: str) -> None:
        async with wide_database.unit_of_work() as session:
            await reservation_service.confirm(
                session, Principal.cli(tenant.id), rid, [("eur", "1")]
            )

    calls: list[Any] = [release(r) for r in reservations[::2]]
    calls += [confirm_less(r) for r in reservations[1::2]]
    calls += [commit_one(wide_database, tenant.id, target, ctx(f"k{i}", "250")) for i in range(N)]
    await race(calls)
    cap = await _slices(wide_database, tenant.id, f"{pid}:cap:lifetime")
    eur = await _slices(wide_database, tenant.id, f"{pid}:budget:eur:lifetime")
    live_eur = await live_sum(wide_database, pid, "eur")
    async with wide_database.unit_of_work(write=False) as session:
        reserved_eur = int(
            await session.scalar(
                select(func.coalesce(func.sum(Grant.value_minor), 0)).where(
                    Grant.promotion_id == pid,
                    Grant.status == "reserved",
                    Grant.reward_type == "eur",
                )
            )
            or 0
        )
    assert sum(u for _, u, _ in eur) == live_eur + reserved_eur
    assert sum(u for _, u, _ in cap) == await _live_customers(wide_database, pid)
    assert sum(lim for _, _, lim in cap) == 30 and sum(lim for _, _, lim in eur) == 50_000
    assert all(0 <= u <= lim for _, u, lim in cap + eur)


async def test_a_counter_from_before_slicing_and_a_lowered_limit(
    wide_database: Database,  # noqa: F811
    tenant: TenantFixture,
) -> None:
    """A counter that is one row (slice 0, as migration 0018 leaves it) goes on from its
    used; a limit lowered in the promotion is the limit again at the next commit that takes
    every slice (the slices' limits no longer add up to it: no commit holds one slice)."""
    world = await setup_world(
        wide_database, tenant.id, budgets={"audience_caps": [{"window": "lifetime", "limit": 40}]}
    )
    pid = world.promotion_id
    key = f"{pid}:cap:lifetime"
    async with wide_database.unit_of_work() as session:
        session.add(
            UsageCounter(
                tenant_id=tenant.id, key=key, window_start=EPOCH, slice=0, limit_value=40, used=25
            )
        )
    target = Target(promotion_id=pid)
    await race([commit_one(wide_database, tenant.id, target, ctx(f"a{i}")) for i in range(5)])
    assert sum(u for _, u, _ in await _slices(wide_database, tenant.id, key)) == 30
    async with wide_database.unit_of_work() as session:
        promotion = await session.get(Promotion, pid)
        assert promotion is not None
        await session.execute(
            update(Promotion)
            .where(Promotion.id == pid)
            .values(
                budgets={"audience_caps": [{"window": "lifetime", "limit": 33}]},
                version=promotion.version + 1,
            )
        )
    results = await race(
        [commit_one(wide_database, tenant.id, target, ctx(f"b{i}")) for i in range(N)]
    )
    assert sum(r["eligible"] for r in results) == 3
    rows = await _slices(wide_database, tenant.id, key)
    assert sum(u for _, u, _ in rows) == 33 == sum(lim for _, _, lim in rows)


# Across real processes (``openpromo serve --workers 4``, 64 clients, 2,000 commits): see
# tests/scale/test_races.py, which runs with slices on (the PostgreSQL default) and checks
# the slices' limits still add up to each limit.


async def test_one_customer_committed_concurrently_takes_one_place(
    wide_database: Database,  # noqa: F811
    tenant: TenantFixture,
) -> None:
    """Concurrent commits of the same customer (a double click, no reference) may hold
    different slices, or see the members as they were before waiting for a lock, and so
    count the customer as new more than once: the place counted twice is given back in the
    same transaction (``repository._places_taken_twice``), every commit grants and the
    customer holds one place."""
    world = await setup_world(
        wide_database, tenant.id, budgets={"audience_caps": [{"window": "lifetime", "limit": 50}]}
    )
    pid = world.promotion_id
    target = Target(promotion_id=pid)
    # The counter exists and its headroom is shared out over the slices (a race did it).
    await race([commit_one(wide_database, tenant.id, target, ctx(f"w{i}")) for i in range(8)])
    if SLICED:
        rows = await _slices(wide_database, tenant.id, f"{pid}:cap:lifetime")
        assert sum(1 for _, u, lim in rows if lim > u) > 1
    results = await race(
        [commit_one(wide_database, tenant.id, target, ctx("same")) for _ in range(8)]
    )
    assert all(r["eligible"] for r in results)
    rows = await _slices(wide_database, tenant.id, f"{pid}:cap:lifetime")
    assert sum(u for _, u, _ in rows) == 9 == await _live_customers(wide_database, pid)
