"""A real ``openpromo serve`` process for the fault tests, and PostgreSQL fault injection that
touches only the test's own database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from tests.conftest import PG_SERVER_URL

# This helper's ports (the machine is shared: see the brief of issue 18).
PORT = 8104
WORKERS_PORT = 8114


@contextmanager
def serve(
    database_url: str,
    log: Path,
    *,
    port: int = PORT,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    ready_within: float = 60.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """``openpromo serve`` on ``port`` until the block ends; waits for /readyz."""
    environment = {
        **os.environ,
        "OPENPROMO_DATABASE_URL": database_url,
        "OPENPROMO_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    openpromo = Path(sys.executable).with_name("openpromo")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(openpromo), "serve", "--port", str(port), "--no-migrate", *args],
            env=environment,
            stdout=out,
            stderr=out,
        )
    try:
        wait_ready(f"http://127.0.0.1:{port}", process, log, ready_within)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, within: float) -> float:
    """Seconds until /readyz answered 200."""
    started = time.monotonic()
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() - started > within:
            raise RuntimeError(f"the server did not become ready:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)


async def terminate_backends(database_url: str, pid: int | None = None) -> int:
    """pg_terminate_backend on every backend of ``database_url``'s database (or only ``pid``,
    if it is one of them) — and of no other database: the PostgreSQL server is shared."""
    name = make_url(database_url).database
    assert name and name.startswith("openpromo_test_"), name
    server = make_url(PG_SERVER_URL)
    conn = await asyncpg.connect(
        host=server.host,
        port=server.port or 5432,
        user=server.username,
        password=server.password,
        database=server.database or "postgres",
    )
    try:
        killed = await conn.fetchval(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid() AND ($2::int IS NULL OR pid = $2)",
            name,
            pid,
        )
        return int(killed or 0)
    finally:
        await conn.close()
