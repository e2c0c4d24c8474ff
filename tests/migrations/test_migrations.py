"""Every migration upgrades from empty to head and downgrades back to base, on the backend
under test (SQLite by default, PostgreSQL when OPENPROMO_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from openpromo import migrate
from openpromo.models import Base
from tests.conftest import drop_database_url, new_database_url


async def _table_names(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


def test_upgrade_head_then_downgrade_base(tmp_path: Path) -> None:
    url = new_database_url(tmp_path, "migrations")
    try:
        migrate.upgrade(url)
        tables = asyncio.run(_table_names(url))
        assert set(Base.metadata.tables) <= tables
        assert migrate.current(url)
        migrate.downgrade(url, "base")
        assert asyncio.run(_table_names(url)) <= {"alembic_version"}
        assert migrate.current(url) == []
        migrate.upgrade(url)  # and back up again: downgrades leave nothing behind
        assert set(Base.metadata.tables) <= asyncio.run(_table_names(url))
    finally:
        drop_database_url(url)
