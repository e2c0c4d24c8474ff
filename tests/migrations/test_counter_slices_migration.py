"""Migration 0018 (counter slices) keeps existing counters: each becomes its slice 0 with
its limit and used; the downgrade folds slices back into one row (their sums)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from openpromo import migrate
from tests.conftest import drop_database_url, new_database_url


async def _run(url: str, statement: str, params: dict[str, Any] | None = None) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement), params or {})
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


def test_existing_counters_become_slice_0_and_fold_back(tmp_path: Path) -> None:
    url = new_database_url(tmp_path, "slices")
    try:
        migrate.upgrade(url, "0016")
        asyncio.run(
            _run(
                url,
                "INSERT INTO usage_counters (tenant_id, key, window_start, limit_value, used) "
                "VALUES ('t1', 'p:cap:lifetime', '1970-01-01 00:00:00+00', 100, 42)",
            )
        )
        migrate.upgrade(url, "0018")
        rows = asyncio.run(_run(url, "SELECT key, slice, limit_value, used FROM usage_counters"))
        assert [tuple(r) for r in rows] == [("p:cap:lifetime", 0, 100, 42)]
        asyncio.run(
            _run(
                url,
                "UPDATE usage_counters SET limit_value = 60, used = 30 WHERE slice = 0",
            )
        )
        asyncio.run(
            _run(
                url,
                "INSERT INTO usage_counters (tenant_id, key, window_start, slice, limit_value, "
                "used) VALUES ('t1', 'p:cap:lifetime', '1970-01-01 00:00:00+00', 1, 40, 12)",
            )
        )
        migrate.downgrade(url, "0016")
        rows = asyncio.run(_run(url, "SELECT key, limit_value, used FROM usage_counters"))
        assert [tuple(r) for r in rows] == [("p:cap:lifetime", 100, 42)]
    finally:
        drop_database_url(url)
