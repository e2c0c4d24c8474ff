"""PostgreSQL: run a constant statement on the session's own connection (inside its
transaction, if any) straight through asyncpg.

For the few reads of validation's hot path only: SQLAlchemy's execution machinery costs more
CPU per statement than asyncpg's (prepared, cached) fetch. Results come back as asyncpg
records; JSON columns already decoded (the SQLAlchemy dialect installs the codecs),
timestamps timezone-aware.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.kit.db_errors import is_disconnect


async def fetch(session: AsyncSession, sql: str, *args: Any) -> list[Any]:
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    try:
        return list(await driver.fetch(sql, *args))
    except Exception as exc:
        # SQLAlchemy does not see this statement's errors: a lost connection is thrown away
        # here, or it would go back to the pool (docs/faults.md).
        if is_disconnect(exc):
            await conn.invalidate(exc)
        raise


async def execute(session: AsyncSession, sql: str) -> None:
    """A constant statement without parameters and results (a savepoint), as ``fetch``."""
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    try:
        await driver.execute(sql)
    except Exception as exc:
        if is_disconnect(exc):
            await conn.invalidate(exc)
        raise
