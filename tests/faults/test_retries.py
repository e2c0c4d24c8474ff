"""The CLI and the worker do again, with backoff, work the database could not do — when
nothing of it was applied; a COMMIT whose outcome is unknown is not retried (issue 18)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import typer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.cli.common import run_in_unit_of_work
from openpromo.db import Database, normalize_url
from openpromo.sync.scheduler import _safe_tick
from openpromo.tenant.service import tenant_service
from tests.faults.proxy import FaultyProxy
from tests.faults.server import terminate_backends
from tests.faults.test_timeouts import settings

PROXY_PORT = 8116


def test_cli_retries_a_unit_whose_connection_was_cut(fault_database: str) -> None:
    attempts: list[int] = []

    async def work(session: AsyncSession) -> Any:
        attempts.append(1)
        if len(attempts) == 1:  # PostgreSQL terminates this very backend mid-statement
            await session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return await session.scalar(text("SELECT 42"))

    with settings(OPENPROMO_DATABASE_URL=fault_database):
        assert run_in_unit_of_work(work, retry_delays=(0.05,)) == 42
    assert len(attempts) == 2


async def test_cli_does_not_retry_an_unknown_commit_outcome(fault_database: str) -> None:
    attempts: list[int] = []

    async def work(session: AsyncSession) -> None:
        attempts.append(1)
        await tenant_service.create(session, "CLI commit cut")

    async with FaultyProxy(normalize_url(fault_database), PROXY_PORT) as proxy:
        proxy.cut_commit = "before"
        url = proxy.url().render_as_string(hide_password=False)
        with settings(OPENPROMO_DATABASE_URL=url), pytest.raises(typer.Exit):
            await asyncio.to_thread(run_in_unit_of_work, work, retry_delays=(0.05, 0.05))
    assert len(attempts) == 1
    assert proxy.commits_cut == 1


async def test_worker_tick_retries_after_connections_were_cut(
    fault_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(fault_database)
    try:
        async with db.unit_of_work(write=False) as session:  # a pooled connection...
            await session.execute(text("SELECT 1"))
        assert await terminate_backends(fault_database) >= 1  # ...that PostgreSQL cuts
        await asyncio.sleep(0.2)
        with caplog.at_level(logging.INFO, logger="openpromo.worker"):
            await _safe_tick(db, retry_delays=(0.05, 0.05))
    finally:
        await db.dispose()
    messages = [r.getMessage() for r in caplog.records if r.name == "openpromo.worker"]
    assert any("trying again" in m for m in messages), messages
    assert not any("tick failed" in m for m in messages), messages
