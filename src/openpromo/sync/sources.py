"""Reading a sync source as a stream: SQL query results or a CSV/NDJSON file (path or URL).

Nothing here holds a whole source in memory: SQL results are fetched with a server-side
cursor in partitions (``yield_per``), files are read and downloaded in chunks.

* SQL: any SQLAlchemy URL. Plain ``sqlite://`` and ``postgresql://`` URLs use the async
  drivers this product ships with (aiosqlite, asyncpg); a URL naming a synchronous driver
  (``mysql+pymysql://``, ``sqlite+pysqlite://``…) runs in a dedicated thread.
* Files: ``path`` on the server's file system, or an ``http(s)`` URL streamed with httpx;
  any status other than 200, or a connection broken mid-way, fails the run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from openpromo.customer.ingest import RowProcessor, coerce_db
from openpromo.db import normalize_url

PARTITION = 1_000
FILE_CHUNK = 256 * 1024
HTTP_TIMEOUT = httpx.Timeout(30.0, read=300.0)


class SourceError(Exception):
    """The source could not be read (the run fails and changes nothing)."""


def parse_source_url(url: str) -> URL:
    try:
        return normalize_url(url)
    except (ArgumentError, ValueError) as exc:
        raise SourceError(f"not a database URL: {exc}") from exc


def driver_is_async(url: URL) -> bool:
    try:
        return bool(url.get_dialect().is_async)
    except NoSuchModuleError as exc:
        raise SourceError(f"no driver installed for '{url.drivername}'") from exc


def _statement(query: str) -> Any:
    # Colons are the query's own (casts, literals), never SQLAlchemy bind parameters.
    return text(query.replace(":", "\\:"))


async def sql_rows(url: str, query: str) -> AsyncGenerator[dict[str, Any]]:
    """Rows of ``query`` as dicts, streamed."""
    parsed = parse_source_url(url)
    if driver_is_async(parsed):
        engine = create_async_engine(parsed, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                result = await connection.stream(
                    _statement(query).execution_options(yield_per=PARTITION)
                )
                async for partition in result.mappings().partitions(PARTITION):
                    for mapping in partition:
                        yield dict(mapping)
        finally:
            await engine.dispose()
        return
    async for plain in _sync_sql_rows(parsed, query):
        yield plain


async def _sync_sql_rows(url: URL, query: str) -> AsyncIterator[dict[str, Any]]:
    # One thread for the whole read: DBAPI connections are not shared across threads.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-source")
    loop = asyncio.get_running_loop()
    engine = create_engine(url, poolclass=NullPool)

    def open_partitions() -> tuple[Any, Iterator[Any]]:
        connection = engine.connect()
        result = connection.execution_options(yield_per=PARTITION).execute(_statement(query))
        return connection, result.mappings().partitions(PARTITION)

    connection, partitions = await loop.run_in_executor(executor, open_partitions)
    try:
        while True:
            partition = await loop.run_in_executor(executor, next, partitions, None)
            if partition is None:
                break
            for row in partition:
                yield dict(row)
    finally:
        await loop.run_in_executor(executor, connection.close)
        await loop.run_in_executor(executor, engine.dispose)
        executor.shutdown(wait=False)


async def file_chunks(path: str | None, url: str | None) -> AsyncGenerator[bytes]:
    if path:
        async for chunk in _path_chunks(Path(path)):
            yield chunk
        return
    if not url:
        raise SourceError("the file source has neither a path nor a url")
    async with (
        httpx.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=True) as client,
        client.stream("GET", url) as response,
    ):
        if response.status_code != 200:
            raise SourceError(f"GET {url} answered HTTP {response.status_code}")
        async for chunk in response.aiter_bytes(FILE_CHUNK):
            yield chunk


async def _path_chunks(path: Path) -> AsyncIterator[bytes]:
    try:
        handle = await asyncio.to_thread(path.open, "rb")
    except OSError as exc:
        raise SourceError(f"cannot open {path}: {exc.strerror or exc}") from exc
    try:
        while chunk := await asyncio.to_thread(handle.read, FILE_CHUNK):
            yield chunk
    finally:
        handle.close()


async def feed_sql(
    processor: RowProcessor, url: str, query: str, *, limit: int | None = None
) -> None:
    """The query's rows into ``processor`` (values typed by the customer schema); with
    ``limit``, only the first rows (a connection test)."""
    types = processor.types
    number = 0
    checked = False
    rows = sql_rows(url, query)
    try:
        async for row in rows:
            number += 1
            if not checked:
                if "customer_id" not in row:
                    raise SourceError(
                        "the query returns no customer_id column (columns: " + ", ".join(row) + ")"
                    )
                checked = True
            values: dict[str, Any] = {}
            for column, value in row.items():
                if column == "customer_id":
                    values[column] = value
                    continue
                type_ = types.get(column)
                values[column] = value if type_ is None else coerce_db(type_, value)
            await processor.add_row(number, values)
            if limit is not None and number >= limit:
                break
    finally:
        await rows.aclose()


async def first_lines(chunks: AsyncGenerator[bytes], lines: int) -> AsyncIterator[bytes]:
    """The chunks up to the end of line ``lines`` (a connection test reads no further)."""
    seen = 0
    try:
        async for chunk in chunks:
            count = chunk.count(b"\n")
            if seen + count < lines:
                seen += count
                yield chunk
                continue
            end = -1
            for _ in range(lines - seen):
                end = chunk.index(b"\n", end + 1)
            yield chunk[: end + 1]
            return
    finally:
        await chunks.aclose()
