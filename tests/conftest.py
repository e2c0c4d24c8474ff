"""Test harness: a real database migrated with Alembic, a fresh tenant per test.

SQLite by default; PostgreSQL when ``OPENPROMO_TEST_DATABASE_URL`` points at a server (a fresh
database is created on it for the run and dropped afterwards). Tests are isolated by tenant —
every test gets its own tenant and admin key — which exercises tenant scoping on every test
instead of hiding it behind a rolled-back transaction.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.engine import make_url

from openpromo import migrate
from openpromo.app import create_app
from openpromo.auth.principal import Principal
from openpromo.config import get_settings
from openpromo.db import Database, normalize_url, set_database
from openpromo.models import WebhookEndpoint
from openpromo.tenant.service import tenant_service
from tests.validation.shape import check_validation_response

PG_SERVER_URL = os.environ.get("OPENPROMO_TEST_DATABASE_URL", "")


def is_postgres() -> bool:
    return bool(PG_SERVER_URL)


async def _create_pg_database(server_url: str, name: str) -> None:
    import asyncpg

    url = make_url(server_url)
    conn = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_pg_database(server_url: str, name: str) -> None:
    import asyncpg

    url = make_url(server_url)
    conn = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def new_database_url(tmp_dir: Path, label: str) -> str:
    """A URL for a brand-new, empty database of the backend under test."""
    if is_postgres():
        name = f"openpromo_test_{label}_{os.getpid()}_{secrets.token_hex(3)}"
        asyncio.run(_create_pg_database(PG_SERVER_URL, name))
        return normalize_url(PG_SERVER_URL).set(database=name).render_as_string(hide_password=False)
    return f"sqlite+aiosqlite:///{tmp_dir / f'{label}.db'}"


def drop_database_url(url: str) -> None:
    if is_postgres():
        asyncio.run(_drop_pg_database(PG_SERVER_URL, make_url(url).database or ""))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = new_database_url(tmp_path_factory.mktemp("db"), "main")
    migrate.upgrade(url)
    os.environ["OPENPROMO_DATABASE_URL"] = url
    get_settings.cache_clear()
    yield url
    drop_database_url(url)


@pytest.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    set_database(db)
    yield db
    await db.dispose()
    set_database(None)


@pytest.fixture(scope="session")
def app(database: Database) -> FastAPI:
    return create_app()


@dataclass
class TenantFixture:
    id: str
    admin_key: str

    @property
    def principal(self) -> Principal:
        return Principal.cli(self.id)


async def make_tenant(database: Database, name: str = "Test tenant") -> TenantFixture:
    async with database.unit_of_work() as session:
        created = await tenant_service.create(session, name)
        return TenantFixture(created.tenant.id, created.plain_key)


@pytest.fixture
async def tenant(database: Database) -> TenantFixture:
    return await make_tenant(database)


VALIDATION_PATHS = ("/validate-customers", "/v1/validate")
checked_validation_answers = [0]  # how many answers the hook checked (tests/validation)


async def _check_validation_shape(response: httpx.Response) -> None:
    """Every successful validation answer any test receives has ``ValidationResponse``'s
    shape exactly (tests/validation/shape.py)."""
    if response.status_code == 200 and response.request.url.path.endswith(VALIDATION_PATHS):
        await response.aread()
        check_validation_response(response.json())
        checked_validation_answers[0] += 1


def make_client(app: FastAPI, key: str | None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers=headers,
        event_hooks={"response": [_check_validation_shape]},
    )


@pytest.fixture
async def client(app: FastAPI, tenant: TenantFixture) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client authenticated as the test tenant's admin."""
    async with make_client(app, tenant.admin_key) as http:
        yield http


@pytest.fixture
async def anon_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app, None) as http:
        yield http


async def key_with_role(client: httpx.AsyncClient, role: str) -> str:
    response = await client.post("/v1/api-keys", json={"name": role, "role": role})
    assert response.status_code == 201, response.text
    return str(response.json()["api_key"])


@pytest.fixture
async def no_leftover_endpoints(database: Database) -> None:
    """Disable every endpoint earlier tests of the session left enabled.

    A ``DeliveryWorker`` serves every tenant of the (session-wide) database, so without this
    each of its passes would also try the rest of the suite's endpoints — the fuzzer's, for
    one, point at names that never resolve on a machine without DNS, and each try waited for
    the resolver: the retry-schedule test took 100 s in the full suite and 1 s alone. Every
    webhook test makes its own endpoints after this runs.
    """
    async with database.unit_of_work() as session:
        await session.execute(
            update(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(True)).values(enabled=False)
        )
