"""Executing one synchronisation run, safely across processes and machines.

1. Take the tenant's lease (``customer_sync_leases``: a guarded upsert that succeeds only
   where no live lease exists), then claim the run (``queued`` → ``running``, guarded). A
   second executor — another worker, another machine — gets neither and leaves the run alone.
2. Stream the source; validate each row; stage valid rows in ``customer_sync_staging`` in
   short transactions of one set-based statement per batch. The lease is renewed meanwhile.
3. Apply in ONE transaction: merge the staged rows into ``customers`` (and, in ``replace``
   mode, remove the synchronised properties of customers absent from the source), delete the
   staged rows and record the report. The lease is checked in that same transaction.

Any failure before step 3 commits (the source erroring mid-way, an HTTP 500, a broken
connection, a lost lease, a crash) leaves ``customers`` untouched: the run is marked
``failed`` with the reason, and its staged rows are deleted.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from openpromo.customer.ingest import (
    Batch,
    IngestReport,
    RowProcessor,
    feed,
    source_stamp,
)
from openpromo.customer.service import customer_service
from openpromo.db import Database
from openpromo.kit.clock import utcnow
from openpromo.kit.ids import new_id
from openpromo.sync.repository import (
    SyncConfigRepository,
    SyncLeaseRepository,
    SyncRunRepository,
    SyncStagingRepository,
    find_run,
)
from openpromo.sync.service import describe_source_error, sync_service
from openpromo.sync.sources import SourceError, feed_sql, file_chunks
from openpromo.webhook.service import webhook_service

logger = logging.getLogger("openpromo.sync")

LEASE_TTL = timedelta(seconds=60)
RENEW_EVERY = 15.0
MAX_ERROR_LENGTH = 2_000


class LeaseLost(Exception):
    pass


def new_holder() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{new_id()[-8:]}"


async def _acquire(database: Database, tenant_id: str, holder: str) -> bool:
    now = utcnow()
    async with database.unit_of_work() as session:
        return await SyncLeaseRepository(session, tenant_id).acquire(holder, now, now + LEASE_TTL)


async def _renew(database: Database, tenant_id: str, holder: str) -> bool:
    async with database.unit_of_work() as session:
        return await SyncLeaseRepository(session, tenant_id).renew(holder, utcnow() + LEASE_TTL)


async def _release(database: Database, tenant_id: str, holder: str) -> None:
    async with database.unit_of_work() as session:
        await SyncLeaseRepository(session, tenant_id).release(holder)


async def _keep_renewing(
    database: Database, tenant_id: str, holder: str, lost: asyncio.Event
) -> None:
    while True:
        await asyncio.sleep(RENEW_EVERY)
        try:
            if not await _renew(database, tenant_id, holder):
                lost.set()
                return
        except Exception:  # a transient database error: try again at the next beat
            logger.warning("sync lease renewal failed", exc_info=True)


async def execute_run(
    database: Database,
    run_id: str,
    *,
    wait_visible: float = 0.0,
    on_progress: Callable[[IngestReport], None] | None = None,
) -> bool:
    """Run ``run_id`` if it is queued and nobody else runs this tenant; True if it ran here.

    ``wait_visible`` gives the transaction that queued the run time to commit (the API
    launches the executor as soon as its handler returns).
    """
    deadline = asyncio.get_running_loop().time() + wait_visible
    while True:
        async with database.unit_of_work(write=False) as session:
            run = await find_run(session, run_id)
            status, tenant_id = (run.status, run.tenant_id) if run else (None, "")
        if status is not None or asyncio.get_running_loop().time() >= deadline:
            break
        await asyncio.sleep(0.05)
    if status != "queued":
        return False
    holder = new_holder()
    if not await _acquire(database, tenant_id, holder):
        return False
    try:
        async with database.unit_of_work() as session:
            claimed = await SyncRunRepository(session, tenant_id).claim(run_id, utcnow())
        if not claimed:
            return False
        lost = asyncio.Event()
        renewer = asyncio.create_task(_keep_renewing(database, tenant_id, holder, lost))
        report = IngestReport()
        try:
            await _perform(database, tenant_id, run_id, holder, report, lost, on_progress)
        except asyncio.CancelledError:
            await asyncio.shield(
                _fail(database, tenant_id, run_id, report, "interrupted: the process stopped")
            )
            raise
        except Exception as exc:
            logger.info("sync run %s failed: %s", run_id, exc)
            await _fail(database, tenant_id, run_id, report, _describe(exc))
        finally:
            renewer.cancel()
        return True
    finally:
        await asyncio.shield(_release(database, tenant_id, holder))


def _describe(exc: Exception) -> str:
    if isinstance(exc, LeaseLost):
        return str(exc)[:MAX_ERROR_LENGTH]
    return describe_source_error(exc)[:MAX_ERROR_LENGTH]


async def _fail(
    database: Database, tenant_id: str, run_id: str, report: IngestReport, error: str
) -> None:
    async with database.unit_of_work() as session:
        await SyncStagingRepository(session, run_id).clear()
        await SyncRunRepository(session, tenant_id).finish(
            run_id,
            status="failed",
            now=utcnow(),
            rows_read=report.rows_read,
            rows_upserted=0,
            rows_rejected=report.rows_rejected,
            errors=[e.as_dict() for e in report.errors],
            error=error,
        )
        await webhook_service.emit(
            session,
            tenant_id,
            "customer_sync.failed",
            {"run_id": run_id, "error": error, "rows_read": report.rows_read},
        )


async def _perform(
    database: Database,
    tenant_id: str,
    run_id: str,
    holder: str,
    report: IngestReport,
    lost: asyncio.Event,
    on_progress: Callable[[IngestReport], None] | None,
) -> None:
    async with database.unit_of_work(write=False) as session:
        config = await SyncConfigRepository(session, tenant_id).get()
        if config is None or config.source is None:
            raise SourceError("the synchronisation has no source configured any more")
        source = sync_service.effective_source(config)
        plan = await customer_service.write_plan(
            session, tenant_id, synchronised=list(config.properties or [])
        )
        mode = config.mode

    async def stage(batch: Batch) -> None:
        if lost.is_set():
            raise LeaseLost("the run lost its lease (another process took over)")
        async with database.unit_of_work() as session:
            await SyncStagingRepository(session, run_id).stage(batch)
            await SyncRunRepository(session, tenant_id).progress(
                run_id, report.rows_read, report.rows_upserted, report.rows_rejected
            )
        if on_progress is not None:
            on_progress(report)

    processor = RowProcessor(
        plan.definitions,
        plan.stored_keys,
        sink=stage,
        report=report,
        replace_keys=plan.stored_keys if mode == "replace" else (),
    )
    if source["kind"] == "sql":
        await feed_sql(processor, source["url"], source["query"])
    else:
        await feed(file_chunks(source.get("path"), source.get("url")), source["format"], processor)
    await processor.flush()

    async with database.unit_of_work() as session:
        if not await SyncLeaseRepository(session, tenant_id).renew(holder, utcnow() + LEASE_TTL):
            raise LeaseLost("the run lost its lease (another process took over)")
        applied_at = utcnow()
        await customer_service.apply_staged(
            session,
            tenant_id,
            run_id,
            source_stamp("sync", applied_at),
            applied_at,
            remove_unstaged=plan.stored_keys if mode == "replace" else None,
        )
        await SyncStagingRepository(session, run_id).clear()
        await SyncRunRepository(session, tenant_id).finish(
            run_id,
            status="succeeded",
            now=utcnow(),
            rows_read=report.rows_read,
            rows_upserted=report.rows_upserted,
            rows_rejected=report.rows_rejected,
            errors=[e.as_dict() for e in report.errors],
            error=None,
        )
        await webhook_service.emit(
            session,
            tenant_id,
            "customer_sync.succeeded",
            {
                "run_id": run_id,
                "mode": mode,
                "rows_read": report.rows_read,
                "rows_upserted": report.rows_upserted,
                "rows_rejected": report.rows_rejected,
            },
        )
    if on_progress is not None:
        on_progress(report)


# -- in-process background execution --------------------------------------------------------

_tasks: dict[str, asyncio.Task[Any]] = {}


def launch(database: Database, run_id: str, *, wait_visible: float = 10.0) -> asyncio.Task[bool]:
    """Execute the run in the background of this process (the API's "run now", the ticks)."""
    task = asyncio.create_task(_guarded(database, run_id, wait_visible=wait_visible))
    _tasks[run_id] = task
    task.add_done_callback(lambda done: _forget(run_id, done))
    return task


def _forget(run_id: str, task: asyncio.Task[Any]) -> None:
    if _tasks.get(run_id) is task:
        del _tasks[run_id]


def in_flight() -> set[str]:
    """Runs this process is executing (or about to)."""
    return {run_id for run_id, task in _tasks.items() if not task.done()}


async def _guarded(database: Database, run_id: str, *, wait_visible: float) -> bool:
    try:
        return await execute_run(database, run_id, wait_visible=wait_visible)
    except Exception:
        logger.exception("sync run %s could not be executed", run_id)
        return False


async def wait_for_background_runs(wait_seconds: float = 30.0) -> None:
    """Wait until the runs launched in this process are done (tests, graceful shutdown)."""
    pending = [t for t in _tasks.values() if not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=wait_seconds)


async def cancel_background_runs() -> None:
    tasks = list(_tasks.values())
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=10.0)
