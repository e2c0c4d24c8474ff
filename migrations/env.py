"""Alembic environment: async engines for both backends; URL from the caller or the settings."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from openpromo.config import get_settings
from openpromo.db import migration_connect_args, normalize_url
from openpromo.models import Base

config = context.config
target_metadata = Base.metadata


_MIGRATION_LOCK = 0x6F70656E70726F6D  # "openprom": the advisory lock of migrations


def _url() -> str:
    url = config.attributes.get("database_url") or get_settings().database_url
    return normalize_url(url).render_as_string(hide_password=False)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several servers started at once each migrate: the first takes this lock, the
            # others wait for its COMMIT and then find nothing left to do (Alembic reads the
            # current revision after it). Transaction-scoped: fine behind PgBouncer.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        context.run_migrations()


async def _run_online() -> None:
    url = _url()
    engine = create_async_engine(
        url, poolclass=pool.NullPool, connect_args=migration_connect_args(normalize_url(url))
    )
    async with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.run_sync(_configure)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
