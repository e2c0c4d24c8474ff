"""Running Alembic from code (the CLI, ``serve`` and the tests), for any database URL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from openpromo.db import migration_connect_args, normalize_url

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Blocking (Alembic runs its own event loop): call from a thread inside async code."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> list[str]:
    """The revisions the database is at (blocking, like ``upgrade``)."""

    async def _read() -> list[str]:
        url = normalize_url(database_url)
        engine = create_async_engine(url, connect_args=migration_connect_args(url))
        async with engine.connect() as connection:
            heads = await connection.run_sync(
                lambda sync_conn: MigrationContext.configure(sync_conn).get_current_heads()
            )
        await engine.dispose()
        return list(heads)

    return asyncio.run(_read())
