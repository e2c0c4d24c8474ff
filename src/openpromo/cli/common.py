"""What every CLI command shares: running a service in a unit of work, output, errors."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.errors import CommitOutcomeUnknown, OpenPromoError, ServiceUnavailable

T = TypeVar("T")

# Seconds between attempts when the database answers "not applied" (docs/faults.md).
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)


async def with_retries(
    attempt: Callable[[], Awaitable[T]], delays: tuple[float, ...] = RETRY_DELAYS
) -> T:
    """Run ``attempt`` (one whole unit of work) again, with backoff, while it fails with a
    fault that applied nothing — a lost connection, a timeout, an exhausted pool. Nothing of a
    failed attempt was stored, so a new attempt is safe; a COMMIT whose outcome is unknown is
    not retried (the command says so and exits 1)."""
    for delay in delays:
        try:
            return await attempt()
        except CommitOutcomeUnknown:
            raise
        except ServiceUnavailable as exc:
            info(f"database unavailable ({exc.detail}); trying again in {delay:g} s")
            await asyncio.sleep(delay)
    return await attempt()


def run_in_unit_of_work(
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    write: bool = True,
    retry_delays: tuple[float, ...] = RETRY_DELAYS,
) -> T:
    """Run ``work`` in one transaction (again, with backoff, after a fault that applied
    nothing); a domain error prints its detail and exits 1."""

    async def _run() -> T:
        # A database of its own (not the process-wide one): the command runs in its own loop.
        database = Database(get_settings().database_url)

        async def attempt() -> T:
            async with database.unit_of_work(write=write) as session:
                return await work(session)

        try:
            return await with_retries(attempt, retry_delays)
        finally:
            await database.dispose()

    try:
        return asyncio.run(_run())
    except OpenPromoError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        for field_error in exc.errors:
            loc = ".".join(str(p) for p in field_error.loc)
            typer.echo(f"  {loc}: {field_error.msg}", err=True)
        raise typer.Exit(1) from exc


def emit_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, default=str) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    typer.echo(message, err=True)


def warn_unshared_secret_key() -> None:
    """On PostgreSQL — a database many processes and machines share — without
    ``OPENPROMO_SECRET_KEY`` each working directory generates its own key: a UI session signed
    by one process is refused by another, and a webhook or sync secret stored by one cannot be
    read by another (docs/deployment.md)."""
    settings = get_settings()
    if settings.database_url.startswith("sqlite") or settings.secret_key:
        return
    info(
        "warning: OPENPROMO_SECRET_KEY is not set: a key generated in ./openpromo.secret is "
        "used; every process on every machine sharing this database must use the same key "
        "(set OPENPROMO_SECRET_KEY)"
    )
