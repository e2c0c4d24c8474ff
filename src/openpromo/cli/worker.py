"""``openpromo worker``: background work (scheduled syncs, queued runs, housekeeping, webhook
delivery)."""

from __future__ import annotations

import asyncio
import signal

import typer

from openpromo.cli.common import emit_json, info, warn_unshared_secret_key
from openpromo.config import get_settings
from openpromo.db import Database, set_database
from openpromo.sync import runner
from openpromo.sync.scheduler import DEFAULT_INTERVAL_SECONDS, start_background_scheduler, tick
from openpromo.webhook.delivery import DeliveryWorker, describe


def worker(
    interval: float = typer.Option(
        DEFAULT_INTERVAL_SECONDS, min=1.0, help="Seconds between checks for due work"
    ),
    once: bool = typer.Option(
        False, "--once", help="Do one pass, wait for the runs it started, print a JSON report"
    ),
) -> None:
    """Run due customer syncs and queued runs for all tenants until stopped (SIGINT/SIGTERM).

    Any number of workers (and `openpromo serve` processes) may run at once: what is due is
    claimed in the database.
    """

    warn_unshared_secret_key()

    async def main() -> None:
        database = Database(get_settings().database_url)
        set_database(database)
        try:
            if once:
                report = await tick(database)
                await runner.wait_for_background_runs(wait_seconds=3600)
                webhooks = DeliveryWorker(database)
                try:
                    delivered = await webhooks.run_once()
                    purged = await webhooks.purge()
                finally:
                    await webhooks.stop()
                emit_json(
                    {
                        "abandoned": report.abandoned,
                        "scheduled": report.scheduled,
                        "launched": report.launched,
                        "idempotency_keys_purged": report.idempotency_keys_purged,
                        "reservations_released": report.reservations_released,
                        "webhooks": describe(delivered),
                        "webhooks_purged": {
                            "deliveries": purged.deliveries,
                            "events": purged.events,
                        },
                    }
                )
                return
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            handle = start_background_scheduler(database=database, interval_seconds=interval)
            info(f"openpromo worker: checking for due work every {interval:g}s")
            await stop.wait()
            info("openpromo worker: stopping")
            await handle.stop()
        finally:
            set_database(None)
            await database.dispose()

    asyncio.run(main())
