"""The delivery worker alone: CPU seconds per delivery (issue 14).

    OPENPROMO_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        uv run python bench/webhooks_worker.py [--profile]

A fresh database, one tenant, one endpoint subscribed to ``grants.created`` on a loopback
receiver process (the one of bench/webhooks.py), OPENPROMO_BENCH_EVENTS (default 5,000)
``grants.created`` events in the outbox; then one ``DeliveryWorker.run_once`` in this process
delivers them all. Prints the wall time, this process's CPU seconds (user + system), the
receiver's, and both per delivery: CPU time does not depend on how loaded the shared machine
is, wall time does. The database server's CPU is not counted (it is shared with others).
``--profile`` prints the worker's top functions (cProfile, cumulative).
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import cpu_seconds, free_port

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EVENTS = int(os.environ.get("OPENPROMO_BENCH_EVENTS", "5000"))


def start_receiver(port: int, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "webhooks.py"), "--receive", str(port), str(out)],
        cwd=ROOT,
    )


async def main(profile: bool) -> None:
    server = os.environ.get(
        "OPENPROMO_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    from sqlalchemy import func, select
    from sqlalchemy.engine import make_url
    from tests.conftest import _create_pg_database, _drop_pg_database

    name = f"openpromo_bench_whw_{os.getpid()}"
    await _create_pg_database(server, name)
    url = (
        make_url(server)
        .set(drivername="postgresql+asyncpg", database=name)
        .render_as_string(hide_password=False)
    )
    os.environ["OPENPROMO_DATABASE_URL"] = url
    os.environ["OPENPROMO_WEBHOOK_ALLOW_HTTP"] = "true"
    os.environ["OPENPROMO_WEBHOOK_ALLOW_PRIVATE_DESTINATIONS"] = "true"
    port = free_port()
    out = Path(tempfile.mkdtemp()) / "received.json"
    receiver = start_receiver(port, out)
    try:
        from openpromo import migrate
        from openpromo.auth.principal import Principal
        from openpromo.config import get_settings
        from openpromo.db import Database, set_database
        from openpromo.kit.clock import utcnow
        from openpromo.models import WebhookDelivery
        from openpromo.tenant.service import tenant_service
        from openpromo.webhook.delivery import DeliveryWorker
        from openpromo.webhook.schemas import WebhookEndpointCreate
        from openpromo.webhook.service import webhook_service

        get_settings.cache_clear()
        await asyncio.to_thread(migrate.upgrade, url)
        database = Database(url)
        set_database(database)
        async with database.unit_of_work() as session:
            tenant = (await tenant_service.create(session, "bench")).tenant
            principal = Principal.system(tenant.id)
            await webhook_service.create(
                session,
                principal,
                WebhookEndpointCreate(
                    url=f"http://127.0.0.1:{port}/hook", event_types=["grants.created"]
                ),
            )
        now = utcnow()
        async with database.unit_of_work() as session:
            for start in range(0, EVENTS, 1000):
                await webhook_service.emit_grants_created(
                    session,
                    tenant.id,
                    [
                        {
                            "promotion_id": "p",
                            "promocode_id": None,
                            "campaign_id": None,
                            "grants": [
                                {
                                    "grant_id": f"g{i}",
                                    "customer_id": f"c{i}",
                                    "reward_type": "spins",
                                    "value_minor": 10,
                                    "reference": None,
                                }
                            ],
                        }
                        for i in range(start, min(EVENTS, start + 1000))
                    ],
                    now,
                )
        await asyncio.sleep(1.0)  # the receiver process is up
        worker = DeliveryWorker(database)
        # CPU time, not wall time: a loaded machine's waits are not the worker's cost.
        profiler = cProfile.Profile(time.process_time) if profile else None
        mine, theirs = time.process_time(), cpu_seconds(receiver.pid)
        begun = time.perf_counter()
        if profiler:
            profiler.enable()
        report = await worker.run_once()
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - begun
        mine, theirs = time.process_time() - mine, cpu_seconds(receiver.pid) - theirs
        await worker.stop()
        async with database.unit_of_work(write=False) as session:
            succeeded = await session.scalar(
                select(func.count()).where(WebhookDelivery.status == "succeeded")
            )
        await database.dispose()
        print(
            f"{EVENTS} events, {report.succeeded} delivered ({succeeded} succeeded rows) "
            f"in {wall:.2f} s wall ({report.succeeded / wall:.0f}/s)"
        )
        print(
            f"  worker CPU {mine:.2f} s = {mine / max(1, report.succeeded) * 1e6:.0f} us per "
            f"delivery; receiver CPU {theirs:.2f} s = "
            f"{theirs / max(1, report.succeeded) * 1e6:.0f} us per delivery"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats(
                os.environ.get("OPENPROMO_BENCH_SORT", "cumulative")
            ).print_stats(45)
    finally:
        receiver.send_signal(signal.SIGTERM)
        receiver.wait(timeout=30)
        await _drop_pg_database(server, name)


if __name__ == "__main__":
    asyncio.run(main("--profile" in sys.argv))
