"""Issue 18, item 2: ``InternalClientError: cannot switch to state 12; another operation (2)
is in progress``, reproduced deterministically, and what a COMMIT cut in flight answers.

The cause (docs/faults.md): PostgreSQL terminates a backend (pg_terminate_backend, a
restart) while its connection sits idle inside a transaction — between two statements of a
unit of work. Its FATAL message reaches asyncpg while the protocol is idle; asyncpg puts the
protocol in its "consume until ReadyForQuery" state (2), which never ends, and the socket's
close is only noticed later. The unit's next statement (a prepared one: state 12,
BIND_EXECUTE) fails with InternalClientError; SQLAlchemy's asyncpg dialect did not count it as
a disconnect (the connection was not closed *yet*), so it answered 500 and could hand the
connection out again. A proxy that holds the server's close back for a moment makes the
window as wide as a test needs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select, text

from openpromo.app import create_app
from openpromo.db import Database, get_database, normalize_url, set_database
from openpromo.errors import CommitOutcomeUnknown, ServiceUnavailable
from openpromo.kit import rawpg
from openpromo.models import Campaign, Grant, Tenant
from openpromo.tenant.service import tenant_service
from tests.conftest import make_client, make_tenant
from tests.faults.proxy import FaultyProxy
from tests.faults.server import terminate_backends
from tests.validation.factory import ctx, setup_world

PROXY_PORT = 8115
HOLD = 1.5  # seconds the proxy keeps a closed server connection open towards the client


@pytest.fixture
async def proxy(fault_database: str) -> AsyncIterator[FaultyProxy]:
    async with FaultyProxy(normalize_url(fault_database), PROXY_PORT, hold_close=HOLD) as p:
        yield p


@pytest.fixture
async def proxied(proxy: FaultyProxy) -> AsyncIterator[Database]:
    db = Database(proxy.url())
    yield db
    await db.dispose()


async def _fatal_while_idle(fault_database: str, session: object) -> None:
    """Terminate this session's backend while it is idle in its transaction and let the FATAL
    message arrive (the proxy holds the close back)."""
    from sqlalchemy.ext.asyncio import AsyncSession

    assert isinstance(session, AsyncSession)
    pid = await session.scalar(text("SELECT pg_backend_pid()"))
    assert await terminate_backends(fault_database, pid) == 1
    await asyncio.sleep(0.3)


@pytest.mark.parametrize("read", ["sqlalchemy", "rawpg"])
async def test_fatal_message_while_idle_in_transaction(
    fault_database: str, proxied: Database, read: str
) -> None:
    with pytest.raises(ServiceUnavailable) as caught:
        async with proxied.unit_of_work() as session:
            await session.execute(text("SELECT 1"))
            await _fatal_while_idle(fault_database, session)
            if read == "rawpg":  # the hot path's raw reads, which SQLAlchemy does not see
                await rawpg.fetch(session, "SELECT 1")
            else:
                await session.execute(text("SELECT 1"))  # prepared already: BIND_EXECUTE
    assert not isinstance(caught.value, CommitOutcomeUnknown)
    assert caught.value.code == "unavailable_not_applied"
    # 12: BIND_EXECUTE (a statement prepared already), 11: PREPARE (the raw read's first use)
    state = "12" if read == "sqlalchemy" else "11"
    message = f"cannot switch to state {state}; another operation (2) is in progress"
    assert message in repr(caught.value.__cause__)
    # The broken connection is never handed out again: the next unit works at once, while the
    # dead connection's socket is still open.
    started = time.monotonic()
    for _ in range(3):
        async with proxied.unit_of_work() as session:
            assert await session.scalar(text("SELECT 2")) == 2
    assert time.monotonic() - started < HOLD


async def _tenants_named(fault_database: str, name: str) -> int:
    db = Database(fault_database)
    try:
        async with db.unit_of_work(write=False) as session:
            found = await session.scalar(select(func.count()).where(Tenant.name == name))
            return int(found or 0)
    finally:
        await db.dispose()


@pytest.mark.parametrize(("cut", "landed"), [("before", 0), ("after", 1)])
async def test_connection_lost_during_commit_is_outcome_unknown(
    fault_database: str, proxy: FaultyProxy, proxied: Database, cut: str, landed: int
) -> None:
    name = f"commit cut {cut} {time.monotonic_ns()}"
    proxy.cut_commit = "before" if cut == "before" else "after"
    with pytest.raises(CommitOutcomeUnknown) as caught:
        async with proxied.unit_of_work() as session:
            await tenant_service.create(session, name)
    assert proxy.commits_cut == 1
    assert caught.value.status == 503
    assert await _tenants_named(fault_database, name) == landed


async def test_failed_statement_before_commit_is_not_applied(
    fault_database: str, proxied: Database
) -> None:
    name = f"not applied {time.monotonic_ns()}"
    with pytest.raises(ServiceUnavailable) as caught:
        async with proxied.unit_of_work() as session:
            await tenant_service.create(session, name)
            await session.flush()
            pid = await session.scalar(text("SELECT pg_backend_pid()"))
            await terminate_backends(fault_database, pid)
            await asyncio.sleep(0.05)
            await session.execute(text("SELECT 3"))
    assert caught.value.code == "unavailable_not_applied"
    assert await _tenants_named(fault_database, name) == 0


async def test_http_commit_outcome_unknown_then_safe_retry(
    fault_database: str, proxy: FaultyProxy, proxied: Database
) -> None:
    tenant = await make_tenant(proxied)
    previous = get_database()
    set_database(proxied)
    try:
        async with make_client(create_app(), tenant.admin_key) as client:
            body = {"name": "Retried safely"}
            headers = {"Idempotency-Key": "fault-18"}
            proxy.cut_commit = "after"
            first = await client.post("/v1/campaigns", json=body, headers=headers)
            assert first.status_code == 503, first.text
            assert first.headers["content-type"] == "application/problem+json"
            assert int(first.headers["retry-after"]) >= 1
            problem = first.json()
            assert problem["type"] == "https://openpromo.dev/problems/unavailable_outcome_unknown"
            assert problem["idempotency_key"] == "fault-18"
            again = await client.post("/v1/campaigns", json=body, headers=headers)
            assert again.status_code == 201, again.text
            assert again.headers.get("idempotent-replayed") == "true"
    finally:
        set_database(previous)
    async with proxied.unit_of_work(write=False) as session:
        count = await session.scalar(
            select(func.count()).where(
                Campaign.tenant_id == tenant.id, Campaign.name == "Retried safely"
            )
        )
    assert count == 1


async def test_validation_commit_outcome_unknown_then_retry_with_its_reference(
    fault_database: str, proxy: FaultyProxy, proxied: Database
) -> None:
    tenant = await make_tenant(proxied)
    world = await setup_world(proxied, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    body = {"contexts": [ctx("unknown-1", reference="order-18")], "commit": True}
    previous = get_database()
    set_database(proxied)
    try:
        async with make_client(create_app(), tenant.admin_key) as client:
            # A dry run first: the API key is then cached (its lookup's read unit commits too).
            dry = await client.post(path, json={**body, "commit": False})
            assert dry.status_code == 200, dry.text
            proxy.cut_commit = "after"  # PostgreSQL commits, the answer is lost
            first = await client.post(path, json=body)
            assert first.status_code == 503, first.text
            assert first.json()["type"].endswith("/unavailable_outcome_unknown")
            again = await client.post(path, json=body)
            assert again.status_code == 200, again.text
            result = again.json()["results"][0]
            assert result["eligible"] is True
    finally:
        set_database(previous)
    async with proxied.unit_of_work(write=False) as session:
        grants = (
            await session.scalars(
                select(Grant.id).where(Grant.tenant_id == tenant.id, Grant.reference == "order-18")
            )
        ).all()
    assert sorted(grants) == sorted(result["grant_ids"])  # the first commit's, not new ones
    assert len(grants) == 2


async def test_openapi_documents_503_with_retry_after() -> None:
    schema = create_app().openapi()
    operations = [
        (path, method, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if path not in ("/healthz", "/metrics")
    ]
    assert len(operations) > 50
    for path, method, op in operations:
        unavailable = op["responses"].get("503")
        assert unavailable is not None, (method, path)
        assert "Retry-After" in unavailable["headers"], (method, path)
    assert "503" not in schema["paths"]["/healthz"]["get"]["responses"]
    _ = httpx  # the client type is used through make_client


async def test_unreachable_database_is_not_applied(fault_database: str) -> None:
    """Nothing listens on this port (one of this suite's): connection refused -> 503."""
    db = Database(normalize_url(fault_database).set(port=8117))
    try:
        with pytest.raises(ServiceUnavailable) as caught:
            async with db.unit_of_work() as session:
                await session.execute(text("SELECT 1"))
    finally:
        await db.dispose()
    assert caught.value.code == "unavailable_not_applied"
    assert isinstance(caught.value.__cause__, ConnectionRefusedError)
