"""The background scheduler shared by ``openpromo worker`` and ``openpromo serve``.

APScheduler (3.x, ``AsyncIOScheduler``) fires :func:`tick` every ``interval_seconds``. The
tick decides nothing in memory: what is due is read from the database and claimed with
guarded updates, so any number of workers and servers may tick at once (see
``docs/background-work.md``). One tick:

1. fails runs abandoned by a dead process (their lease expired) and drops leftover staging;
2. queues a run for each due daily schedule (claiming the slot, skipping a tenant whose
   previous run is still active);
3. starts every queued run in the background of this process (each takes the tenant's
   lease first, so a run executes once even when several processes try);
4. purges expired idempotency keys.

It also starts the webhook delivery loop (``openpromo.webhook.delivery``).

Usage from an ASGI lifespan::

    handle = start_background_scheduler()
    try:
        yield
    finally:
        await handle.stop()
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from openpromo.config import get_settings
from openpromo.db import Database, get_database
from openpromo.errors import ServiceUnavailable
from openpromo.idempotency.service import PURGE_BATCH, idempotency_service
from openpromo.kit.clock import utcnow
from openpromo.ledger.reservations import reservation_service
from openpromo.sync import runner
from openpromo.sync.service import sync_service
from openpromo.webhook.delivery import DeliveryWorker

logger = logging.getLogger("openpromo.worker")

DEFAULT_INTERVAL_SECONDS = 30.0


@dataclass
class TickReport:
    abandoned: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)
    launched: list[str] = field(default_factory=list)
    idempotency_keys_purged: int = 0
    reservations_released: int = 0


async def tick(database: Database | None = None, now: datetime | None = None) -> TickReport:
    """One pass of background work (safe to run concurrently in many processes)."""
    db = database or get_database()
    moment = now or utcnow()
    report = TickReport()
    async with db.unit_of_work() as session:
        report.abandoned = await sync_service.fail_abandoned_runs(session, moment)
    async with db.unit_of_work() as session:
        report.scheduled = await sync_service.start_due_scheduled_runs(session, moment)
    async with db.unit_of_work(write=False) as session:
        queued = await sync_service.queued_runs(session)
    for run_id in queued:
        if run_id not in runner.in_flight():
            runner.launch(db, run_id, wait_visible=0.0)
            report.launched.append(run_id)
    for _ in range(20):  # a batch per transaction, like the reservations below
        async with db.unit_of_work() as session:
            purged = await idempotency_service.purge_expired(session, moment)
        report.idempotency_keys_purged += purged
        if purged < PURGE_BATCH:
            break
    # Expired reservations, a batch per transaction (docs/reservations.md). A batch is
    # EXPIRY_BATCH rows, and a reservation is one row per reward type: fewer reservations
    # than that does not mean none is left. Stop when a batch released nothing: none left,
    # or every one a confirm, a release or another worker holds (that worker goes on).
    for _ in range(20):
        async with db.unit_of_work() as session:
            released = await reservation_service.release_expired(session, moment)
        report.reservations_released += released
        if released == 0:
            break
    return report


# Seconds between attempts of a tick the database could not do (docs/faults.md). Every step
# of a tick is a claim in the database, so doing it again is safe.
TICK_RETRY_DELAYS = (1.0, 2.0, 4.0)


async def _safe_tick(
    database: Database | None, retry_delays: tuple[float, ...] = TICK_RETRY_DELAYS
) -> None:
    for delay in (*retry_delays, None):
        try:
            report = await tick(database)
            break
        except ServiceUnavailable as exc:
            if delay is None:
                logger.warning("background tick failed: %s", exc.detail)
                return
            logger.warning("background tick: %s; trying again in %g s", exc.detail, delay)
            await asyncio.sleep(delay)
        except Exception:
            logger.exception("background tick failed")
            return
    if report.abandoned or report.scheduled or report.launched or report.reservations_released:
        logger.info(
            "background tick",
            extra={
                "abandoned": report.abandoned,
                "scheduled": report.scheduled,
                "launched": report.launched,
                "reservations_released": report.reservations_released,
            },
        )


@dataclass
class SchedulerHandle:
    scheduler: AsyncIOScheduler
    webhooks: DeliveryWorker | None = None

    async def stop(self) -> None:
        """Stop ticking and interrupt the runs this process executes (they are marked failed
        and change nothing; a scheduled occurrence is not retried, a manual one can be)."""
        if self.webhooks is not None:
            await self.webhooks.stop()
        if self.scheduler.running:
            # AsyncIOScheduler applies the shutdown on the loop's next iteration.
            self.scheduler.shutdown(wait=False)
            await asyncio.sleep(0)
        await runner.cancel_background_runs()


def start_background_scheduler(
    *,
    database: Database | None = None,
    interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
    first_tick_now: bool = True,
    deliver_webhooks: bool | None = None,
) -> SchedulerHandle:
    """Start ticking in the running event loop; call from async code (a lifespan, a worker)."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    # (APScheduler reads an explicit next_run_time=None as "paused": only pass a real one.)
    first = {"next_run_time": utcnow()} if first_tick_now else {}
    scheduler.add_job(
        _safe_tick,
        IntervalTrigger(seconds=interval_seconds),
        args=[database],
        id="openpromo-background-tick",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        **first,
    )
    scheduler.start()
    # Webhooks are delivered by their own loop: it polls every webhook_poll_seconds and is
    # woken by this process's commits, for a commit-to-delivery delay well under a second.
    if deliver_webhooks is None:
        deliver_webhooks = get_settings().webhook_delivery
    webhooks = DeliveryWorker(database) if deliver_webhooks else None
    if webhooks is not None:
        webhooks.start()
    return SchedulerHandle(scheduler, webhooks)


async def stop_background_scheduler(handle: SchedulerHandle) -> None:
    await handle.stop()
