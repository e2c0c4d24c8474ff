"""Background work runs once with several workers on one database (issue 15): three real
``openpromo worker --once`` processes started together over 260 expired reservations and
7,000 expired idempotency keys — more than one batch each, so their ticks overlap. Every
reservation is released exactly once (the cap's places all given back, once), every key purged
once; the workers' reports add up to exactly that.

Each duty is a claim in the database (SKIP LOCKED batches, guarded updates, leases:
docs/deployment.md), so no worker lease is needed on top.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.kit.clock import utcnow
from openpromo.models import Grant, IdempotencyKey, UsageCounter
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, validation_service
from tests.conftest import make_tenant
from tests.validation.factory import ctx, setup_world

RESERVATIONS = 260  # 2 rows each: more than one batch of 500 rows
KEYS = 7_000  # more than one batch of 5,000
WORKERS = 3


async def test_expiry_and_purge_run_once_across_worker_processes(
    scale_database: str, tmp_path: Path
) -> None:
    db = Database(scale_database)
    tenant = await make_tenant(db)
    world = await setup_world(
        db, tenant.id, budgets={"audience_caps": [{"window": "lifetime", "limit": 100_000}]}
    )
    target = Target(promotion_id=world.promotion_id)
    for batch in range(RESERVATIONS // 130):
        body = ValidateRequest.model_validate(
            {
                "contexts": [ctx(f"r{batch}-{i}") for i in range(130)],
                "commit": "reserve",
                "reserve_for": 1,
            }
        )
        async with db.unit_of_work() as session:
            await validation_service.validate(
                session, Principal.cli(tenant.id), target, body, seed=b"seed"
            )
    past = utcnow() - timedelta(hours=1)
    async with db.unit_of_work() as session:
        await session.execute(
            insert(IdempotencyKey),
            [
                {
                    "tenant_id": tenant.id,
                    "key": f"k{i}",
                    "method": "POST",
                    "path": "/v1/promotions",
                    "fingerprint": "0" * 64,
                    "status_code": 201,
                    "response_body": None,
                    "created_at": past,
                    "expires_at": past,
                }
                for i in range(KEYS)
            ],
        )
    cap = f"{world.promotion_id}:cap:lifetime"
    assert await _used(db, tenant.id, cap) == RESERVATIONS
    await asyncio.sleep(1.2)  # every reservation has expired now

    openpromo = Path(sys.executable).with_name("openpromo")
    environment = {
        **os.environ,
        "OPENPROMO_DATABASE_URL": scale_database,
        "OPENPROMO_LOG_LEVEL": "WARNING",
        "OPENPROMO_SECRET_KEY": "background-test",
    }
    workers = [
        subprocess.Popen(  # noqa: ASYNC220 - started together, then waited for
            [str(openpromo), "worker", "--once"],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=(tmp_path / f"worker{n}.log").open("wb"),
        )
        for n in range(WORKERS)
    ]
    reports: list[dict[str, Any]] = []
    for n, process in enumerate(workers):
        out, _ = await asyncio.to_thread(process.communicate, timeout=120)
        assert process.returncode == 0, (tmp_path / f"worker{n}.log").read_text()
        reports.append(json.loads(out))
    split = [(r["reservations_released"], r["idempotency_keys_purged"]) for r in reports]
    print(f"(reservations released, keys purged) per worker: {split}")
    assert sum(r for r, _ in split) == RESERVATIONS
    assert sum(k for _, k in split) == KEYS

    assert await _used(db, tenant.id, cap) == 0
    async with db.unit_of_work(write=False) as session:
        statuses = dict(
            (
                await session.execute(
                    select(Grant.status, func.count(Grant.group_id.distinct()))
                    .where(Grant.tenant_id == tenant.id)
                    .group_by(Grant.status)
                )
            ).all()
        )
        keys = await session.scalar(
            select(func.count()).where(IdempotencyKey.tenant_id == tenant.id)
        )
    await db.dispose()
    assert statuses == {"released": RESERVATIONS}
    assert keys == 0


async def _used(db: Database, tenant_id: str, key: str) -> int:
    async with db.unit_of_work(write=False) as session:
        value = await session.scalar(
            select(func.sum(UsageCounter.used)).where(
                UsageCounter.tenant_id == tenant_id, UsageCounter.key == key
            )
        )
    return int(value or 0)
