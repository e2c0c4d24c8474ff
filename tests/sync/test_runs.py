from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from openpromo.db import Database
from openpromo.models import CustomerSyncStagingRow
from openpromo.sync import runner
from tests.conftest import (
    TenantFixture,
    drop_database_url,
    is_postgres,
    make_client,
    make_tenant,
    new_database_url,
)
from tests.customer.helpers import put_customer_schema
from tests.sync.conftest import FileServer, Route

SYNCED = ["vip_level", "deposits", "ltv", "newsletter", "birth_date"]


@pytest.fixture
async def schema(client: httpx.AsyncClient) -> None:
    await put_customer_schema(client)


async def configure(client: httpx.AsyncClient, source: dict[str, Any], **extra: Any) -> None:
    body = {"enabled": True, "properties": SYNCED, "source": source, **extra}
    response = await client.put("/v1/customer-sync", json=body)
    assert response.status_code == 200, response.text


async def run_now(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post("/v1/customer-sync/runs")
    assert response.status_code == 202, response.text
    queued: dict[str, Any] = response.json()
    assert queued["status"] == "queued"
    assert queued["trigger"] == "manual"
    await runner.wait_for_background_runs()
    finished = await client.get(f"/v1/customer-sync/runs/{queued['id']}")
    assert finished.status_code == 200
    result: dict[str, Any] = finished.json()
    return result


async def properties(client: httpx.AsyncClient, customer_id: str) -> dict[str, Any] | None:
    response = await client.get(f"/v1/customers/{customer_id}")
    if response.status_code == 404:
        return None
    result: dict[str, Any] = response.json()["properties"]
    return result


async def staged_rows(database: Database) -> int:
    async with database.unit_of_work(write=False) as session:
        return int(
            await session.scalar(select(func.count()).select_from(CustomerSyncStagingRow)) or 0
        )


def sqlite_source(path: Path, rows: list[tuple[Any, ...]]) -> str:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE players (id TEXT, vip TEXT, deposits INTEGER, ltv NUMERIC, "
            "newsletter INTEGER, born TEXT)"
        )
        connection.executemany("INSERT INTO players VALUES (?, ?, ?, ?, ?, ?)", rows)
    return f"sqlite:///{path}"


PLAYERS_QUERY = (
    "SELECT id AS customer_id, vip AS vip_level, deposits, ltv, newsletter, "
    "born AS birth_date FROM players ORDER BY id"
)


# -- SQL sources ------------------------------------------------------------------------------


async def test_sql_source_second_sqlite_database(
    client: httpx.AsyncClient, schema: None, tmp_path: Path, database: Database
) -> None:
    url = sqlite_source(
        tmp_path / "crm.db",
        [
            ("p1", "gold", 10, 12.5, 1, "1990-01-02"),
            ("p2", "silver", None, None, 0, None),
            ("p3", "platinum", 1, 1, 1, None),
            ("p4", "bronze", -5, 0, 0, "1999-12-31"),
        ],
    )
    await configure(client, {"kind": "sql", "url": url, "query": PLAYERS_QUERY})
    run = await run_now(client)
    assert run["status"] == "succeeded", run
    assert run["error"] is None
    assert (run["rows_read"], run["rows_upserted"], run["rows_rejected"]) == (4, 2, 2)
    assert [(e["line"], e["customer_id"], e["loc"]) for e in run["errors"]] == [
        (3, "p3", ["vip_level"]),
        (4, "p4", ["deposits"]),
    ]
    assert run["started_at"] is not None and run["finished_at"] >= run["started_at"]
    assert await properties(client, "p1") == {
        "vip_level": "gold",
        "deposits": 10,
        "ltv": "12.5",
        "newsletter": True,
        "birth_date": "1990-01-02",
    }
    assert await properties(client, "p2") == {"vip_level": "silver", "newsletter": False}
    sources = (await client.get("/v1/customers/p1")).json()["sources"]
    assert {s["source"] for s in sources.values()} == {"sync"}
    assert await properties(client, "p3") is None
    assert await staged_rows(database) == 0


async def test_sql_source_with_a_synchronous_driver_runs_in_a_thread(
    client: httpx.AsyncClient, schema: None, tmp_path: Path
) -> None:
    sqlite_source(tmp_path / "crm.db", [("t1", "gold", 1, 2, 1, None)])
    url = f"sqlite+pysqlite:///{tmp_path / 'crm.db'}"
    await configure(client, {"kind": "sql", "url": url, "query": PLAYERS_QUERY})
    run = await run_now(client)
    assert run["status"] == "succeeded", run
    assert await properties(client, "t1") == {
        "vip_level": "gold",
        "deposits": 1,
        "ltv": "2",
        "newsletter": True,
    }


@pytest.fixture
async def postgres_source(tmp_path: Path) -> AsyncIterator[str]:
    if not is_postgres():
        pytest.skip("a second PostgreSQL database needs OPENPROMO_TEST_DATABASE_URL")
    import asyncpg

    url = await asyncio.to_thread(new_database_url, tmp_path, "syncsrc")
    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, database=parsed.database
    )
    try:
        await connection.execute(
            "CREATE TABLE players (id text, vip text, deposits bigint, ltv numeric(12,2), "
            "newsletter boolean, born date)"
        )
        await connection.execute(
            "INSERT INTO players SELECT 'pg' || n, CASE WHEN n % 2 = 0 THEN 'gold' ELSE 'silver' "
            "END, n, n * 1.5, n % 3 = 0, DATE '2000-01-01' + n FROM generate_series(1, 4500) n"
        )
        await connection.execute("INSERT INTO players VALUES ('pg-bad', 'gold', -1, 0, true, NULL)")
    finally:
        await connection.close()
    yield url
    await asyncio.to_thread(drop_database_url, url)


async def test_sql_source_second_postgresql_database(
    client: httpx.AsyncClient, schema: None, postgres_source: str
) -> None:
    await configure(
        client,
        {
            "kind": "sql",
            "url": postgres_source,
            # Casts use colons: they must reach PostgreSQL untouched.
            "query": "SELECT id AS customer_id, vip AS vip_level, deposits::int AS deposits, "
            "ltv, newsletter, born AS birth_date FROM players",
        },
    )
    run = await run_now(client)
    assert run["status"] == "succeeded", run
    assert (run["rows_read"], run["rows_upserted"], run["rows_rejected"]) == (4501, 4500, 1)
    assert run["errors"][0]["customer_id"] == "pg-bad"
    assert await properties(client, "pg4") == {
        "vip_level": "gold",
        "deposits": 4,
        "ltv": "6.00",
        "newsletter": False,
        "birth_date": "2000-01-05",
    }
    page = (await client.get("/v1/customers", params={"q": "pg", "limit": 200})).json()
    assert len(page["items"]) == 200


async def test_failing_postgresql_query_mid_way_changes_nothing(
    client: httpx.AsyncClient, schema: None, postgres_source: str, database: Database
) -> None:
    await client.put("/v1/customers/pg10", json={"properties": {"deposits": 999}})
    await configure(
        client,
        {
            "kind": "sql",
            "url": postgres_source,
            # Division by zero on the 4,000th row: several batches were staged already.
            "query": "SELECT id AS customer_id, 10 / (4000 - row_number() OVER ()) AS deposits "
            "FROM players",
        },
    )
    run = await run_now(client)
    assert run["status"] == "failed"
    assert "division by zero" in run["error"]
    assert run["rows_upserted"] == 0
    assert await properties(client, "pg10") == {"deposits": 999}
    assert await properties(client, "pg20") is None
    assert await staged_rows(database) == 0


# -- file sources -----------------------------------------------------------------------------


async def test_csv_file_by_path_with_bad_rows(
    client: httpx.AsyncClient, schema: None, tmp_path: Path
) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(
        "customer_id,vip_level,deposits\n"
        "f1,gold,3\n"
        "f2,gold,three\n"
        "f3,silver\n"
        ",gold,1\n"
        "f4,bronze,0\n"
    )
    await configure(client, {"kind": "file", "path": str(path), "format": "csv"})
    run = await run_now(client)
    assert run["status"] == "succeeded"
    assert (run["rows_read"], run["rows_upserted"], run["rows_rejected"]) == (5, 2, 3)
    assert [(e["line"], e["customer_id"], e["loc"]) for e in run["errors"]] == [
        (3, "f2", ["deposits"]),
        (4, "f3", []),
        (5, "", ["customer_id"]),
    ]
    assert await properties(client, "f1") == {"vip_level": "gold", "deposits": 3}
    assert await properties(client, "f4") == {"vip_level": "bronze", "deposits": 0}


async def test_ndjson_over_http(
    client: httpx.AsyncClient, schema: None, file_server: FileServer
) -> None:
    lines = [
        f'{{"customer_id": "h{i}", "deposits": {i}, "newsletter": true}}' for i in range(4_321)
    ]
    lines.insert(7, '{"customer_id": "h-bad", "deposits": "x"}')
    url = file_server.serve("/export.ndjson", Route(body=("\n".join(lines) + "\n").encode()))
    await configure(client, {"kind": "file", "url": url, "format": "ndjson"})
    run = await run_now(client)
    assert run["status"] == "succeeded", run
    assert (run["rows_read"], run["rows_upserted"], run["rows_rejected"]) == (4_322, 4_321, 1)
    assert run["errors"] == [
        {
            "line": 8,
            "customer_id": "h-bad",
            "loc": ["deposits"],
            "msg": "deposits: expected integer, got 'x'",
        }
    ]
    assert await properties(client, "h4320") == {"deposits": 4_320, "newsletter": True}
    assert file_server.hits == ["/export.ndjson"]


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(status=500, body=b"oops"), "answered HTTP 500"),
        (Route(status=404), "answered HTTP 404"),
        (
            Route(body=b'{"customer_id": "z1", "deposits": 5}\n' * 3000, truncate=True),
            "RemoteProtocolError",
        ),
    ],
    ids=["http-500", "http-404", "broken-transfer"],
)
async def test_failing_http_source_changes_nothing(
    client: httpx.AsyncClient,
    schema: None,
    file_server: FileServer,
    database: Database,
    route: Route,
    message: str,
) -> None:
    await client.put("/v1/customers/z1", json={"properties": {"deposits": 1}})
    url = file_server.serve("/broken.ndjson", route)
    await configure(client, {"kind": "file", "url": url, "format": "ndjson"})
    run = await run_now(client)
    assert run["status"] == "failed"
    assert message in run["error"]
    assert await properties(client, "z1") == {"deposits": 1}
    assert await staged_rows(database) == 0


async def test_failing_sqlite_query_mid_way_changes_nothing(
    client: httpx.AsyncClient, schema: None, tmp_path: Path, database: Database
) -> None:
    path = tmp_path / "many.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (n INTEGER)")
        connection.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(1, 5_001)])
    await client.put("/v1/customers/s10", json={"properties": {"deposits": 42}})
    query = (
        "SELECT 's' || n AS customer_id, CASE WHEN n < 4500 THEN n "
        "ELSE abs(-9223372036854775808 * (n / 4500)) END AS deposits FROM t"
    )
    await configure(client, {"kind": "sql", "url": f"sqlite:///{path}", "query": query})
    run = await run_now(client)
    assert run["status"] == "failed"
    assert "integer overflow" in run["error"]
    assert run["rows_read"] >= 4_000
    assert await properties(client, "s10") == {"deposits": 42}
    assert await properties(client, "s11") is None
    assert await staged_rows(database) == 0


async def test_missing_file_and_missing_customer_id_column_fail(
    client: httpx.AsyncClient, schema: None, tmp_path: Path
) -> None:
    await configure(client, {"kind": "file", "path": str(tmp_path / "nope.csv"), "format": "csv"})
    run = await run_now(client)
    assert run["status"] == "failed"
    assert run["error"].startswith("cannot open")
    path = tmp_path / "noid.csv"
    path.write_text("id,deposits\n1,2\n")
    await configure(client, {"kind": "file", "path": str(path), "format": "csv"})
    run = await run_now(client)
    assert run["status"] == "failed"
    assert run["error"] == "the CSV header row has no customer_id column"
    db = tmp_path / "q.db"
    sqlite3.connect(db).close()
    await configure(client, {"kind": "sql", "url": f"sqlite:///{db}", "query": "SELECT 1 AS id"})
    run = await run_now(client)
    assert run["status"] == "failed"
    assert run["error"] == "the query returns no customer_id column (columns: id)"


# -- modes ------------------------------------------------------------------------------------


async def test_replace_mode(client: httpx.AsyncClient, schema: None, tmp_path: Path) -> None:
    # Before any sync configuration every schema property is stored, country included.
    await client.put(
        "/v1/customers/r1",
        json={"properties": {"vip_level": "gold", "deposits": 5, "country": "FR"}},
    )
    await client.put("/v1/customers/r2", json={"properties": {"vip_level": "gold", "deposits": 6}})
    path = tmp_path / "replace.csv"
    path.write_text("customer_id,vip_level\nr2,silver\nr3,bronze\n")
    await configure(
        client,
        {"kind": "file", "path": str(path), "format": "csv"},
        mode="replace",
    )
    run = await run_now(client)
    assert run["status"] == "succeeded", run
    assert run["mode"] == "replace"
    # Absent from the source: r1 loses its synchronised values, keeps the others.
    assert await properties(client, "r1") == {"country": "FR"}
    # Present: the source row is the whole truth for synchronised properties.
    assert await properties(client, "r2") == {"vip_level": "silver"}
    assert await properties(client, "r3") == {"vip_level": "bronze"}


async def test_upsert_mode_keeps_absent_customers_and_other_columns(
    client: httpx.AsyncClient, schema: None, tmp_path: Path
) -> None:
    await client.put("/v1/customers/u1", json={"properties": {"vip_level": "gold", "deposits": 5}})
    await client.put("/v1/customers/u2", json={"properties": {"vip_level": "gold", "deposits": 6}})
    path = tmp_path / "upsert.csv"
    path.write_text("customer_id,vip_level\nu2,silver\n")
    await configure(client, {"kind": "file", "path": str(path), "format": "csv"})
    run = await run_now(client)
    assert run["status"] == "succeeded"
    assert await properties(client, "u1") == {"vip_level": "gold", "deposits": 5}
    assert await properties(client, "u2") == {"vip_level": "silver", "deposits": 6}


# -- one run at a time ------------------------------------------------------------------------


async def test_a_second_run_is_refused_while_one_runs(
    client: httpx.AsyncClient, schema: None, file_server: FileServer
) -> None:
    gate = threading.Event()
    url = file_server.serve(
        "/slow.ndjson", Route(body=b'{"customer_id": "c1", "deposits": 1}\n', gate=gate)
    )
    await configure(client, {"kind": "file", "url": url, "format": "ndjson"})
    first = await client.post("/v1/customer-sync/runs")
    assert first.status_code == 202
    for _ in range(200):
        state = (await client.get(f"/v1/customer-sync/runs/{first.json()['id']}")).json()
        if state["status"] == "running":
            break
        await asyncio.sleep(0.02)
    assert state["status"] == "running"
    second = await client.post("/v1/customer-sync/runs")
    assert second.status_code == 409
    assert second.json()["code"] == "sync_run_in_progress"
    assert second.json()["run_id"] == first.json()["id"]
    assert [(c["kind"], c["id"]) for c in second.json()["conflicts"]] == [
        ("customer_sync_run", first.json()["id"])
    ]
    gate.set()
    await runner.wait_for_background_runs()
    done = (await client.get(f"/v1/customer-sync/runs/{first.json()['id']}")).json()
    assert done["status"] == "succeeded"
    third = await run_now(client)
    assert third["status"] == "succeeded"


async def test_concurrent_triggers_queue_exactly_one_run(
    client: httpx.AsyncClient, schema: None, file_server: FileServer
) -> None:
    gate = threading.Event()
    url = file_server.serve(
        "/gated.ndjson", Route(body=b'{"customer_id": "c1", "deposits": 1}\n', gate=gate)
    )
    await configure(client, {"kind": "file", "url": url, "format": "ndjson"})
    responses = await asyncio.gather(*[client.post("/v1/customer-sync/runs") for _ in range(5)])
    gate.set()
    assert sorted(r.status_code for r in responses) == [202, 409, 409, 409, 409]
    await runner.wait_for_background_runs()
    assert len((await client.get("/v1/customer-sync/runs")).json()["items"]) == 1


async def test_the_lease_keeps_other_processes_out(
    client: httpx.AsyncClient,
    schema: None,
    tenant: TenantFixture,
    database: Database,
    tmp_path: Path,
) -> None:
    from datetime import timedelta

    from openpromo.kit.clock import utcnow
    from openpromo.sync.repository import SyncLeaseRepository
    from openpromo.sync.service import sync_service

    path = tmp_path / "l.csv"
    path.write_text("customer_id,deposits\nl1,1\n")
    await configure(client, {"kind": "file", "path": str(path), "format": "csv"})
    now = utcnow()
    async with database.unit_of_work() as session:
        assert await SyncLeaseRepository(session, tenant.id).acquire(
            "other-machine:1", now, now + timedelta(minutes=1)
        )
        assert not await SyncLeaseRepository(session, tenant.id).acquire(
            "third:1", now, now + timedelta(minutes=1)
        )
    async with database.unit_of_work() as session:
        run = await sync_service.trigger_run(session, tenant.principal, "manual")
    # Another process holds the tenant's lease: this one does not run it.
    assert await runner.execute_run(database, run.id) is False
    assert (await client.get(f"/v1/customer-sync/runs/{run.id}")).json()["status"] == "queued"
    # The lease expires (its holder died): two executors race, exactly one runs it.
    async with database.unit_of_work() as session:
        await SyncLeaseRepository(session, tenant.id).renew(
            "other-machine:1", now - timedelta(seconds=1)
        )
    outcomes = await asyncio.gather(
        runner.execute_run(database, run.id), runner.execute_run(database, run.id)
    )
    assert sorted(outcomes) == [False, True]
    assert (await client.get(f"/v1/customer-sync/runs/{run.id}")).json()["status"] == "succeeded"
    assert await properties(client, "l1") == {"deposits": 1}


# -- history ----------------------------------------------------------------------------------


async def test_run_history_cursor_and_tenants(
    app: FastAPI, client: httpx.AsyncClient, schema: None, tmp_path: Path, database: Database
) -> None:
    path = tmp_path / "h.csv"
    path.write_text("customer_id,deposits\nh1,1\nh2,x\n")
    await configure(client, {"kind": "file", "path": str(path), "format": "csv"})
    ids = [(await run_now(client))["id"] for _ in range(3)]
    page = (await client.get("/v1/customer-sync/runs", params={"limit": 2})).json()
    assert [r["id"] for r in page["items"]] == [ids[2], ids[1]]
    assert "errors" not in page["items"][0]
    assert page["items"][0]["rows_rejected"] == 1
    rest = (
        await client.get(
            "/v1/customer-sync/runs", params={"limit": 2, "cursor": page["next_cursor"]}
        )
    ).json()
    assert [r["id"] for r in rest["items"]] == [ids[0]]
    assert rest["next_cursor"] is None
    audit = (await client.get("/v1/audit-log", params={"action": "customer_sync.run"})).json()
    assert {e["object_id"] for e in audit["items"]} == set(ids)
    other = await make_tenant(database)
    async with make_client(app, other.admin_key) as http:
        assert (await http.get(f"/v1/customer-sync/runs/{ids[0]}")).status_code == 404
        assert (await http.get("/v1/customer-sync/runs")).json()["items"] == []
        refused = await http.post("/v1/customer-sync/runs")
        assert refused.status_code == 409
        assert refused.json()["code"] == "sync_not_configured"


async def test_unknown_run_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/customer-sync/runs/01900000-0000-7000-8000-000000000000")
    assert response.status_code == 404
