"""``sync_service.test_source``: trying a source reads only its first rows, imports nothing,
and says in words what it found or why it could not read it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from openpromo.db import Database
from openpromo.errors import Unprocessable
from openpromo.sync.schemas import CustomerSyncConfigIn, FileSource, SqlSource
from openpromo.sync.service import sync_service
from tests.conftest import TenantFixture
from tests.customer.helpers import put_customer_schema
from tests.sync.conftest import FileServer, Route


async def _test(
    database: Database, tenant: TenantFixture, source: SqlSource | FileSource
) -> tuple[bool, str, list[dict[str, object]], list[dict[str, object]]]:
    async with database.unit_of_work(write=False) as session:
        result = await sync_service.test_source(session, tenant.principal, source)
    return result.ok, result.message, result.rows, result.errors


async def test_ndjson_file_reads_only_the_first_rows(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture, tmp_path: Path
) -> None:
    await put_customer_schema(client)
    path = tmp_path / "c.ndjson"
    path.write_text("".join(f'{{"customer_id": "c{i}", "deposits": {i}}}\n' for i in range(50)))
    ok, message, rows, errors = await _test(
        database, tenant, FileSource(kind="file", path=str(path), format="ndjson")
    )
    assert ok and message == "Connected: read 5 rows. Nothing was imported."
    assert [r["customer_id"] for r in rows] == ["c0", "c1", "c2", "c3", "c4"]
    assert rows[3]["deposits"] == 3 and errors == []
    assert (await client.get("/v1/customers")).json()["items"] == []


async def test_csv_without_customer_id_and_a_missing_file(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture, tmp_path: Path
) -> None:
    await put_customer_schema(client)
    path = tmp_path / "c.csv"
    path.write_text("id,vip_level\n1,gold\n")
    ok, message, _, _ = await _test(
        database, tenant, FileSource(kind="file", path=str(path), format="csv")
    )
    assert (ok, message) == (False, "the CSV header row has no customer_id column")
    ok, message, _, _ = await _test(
        database, tenant, FileSource(kind="file", path=str(tmp_path / "no.csv"), format="csv")
    )
    assert not ok and message == f"cannot open {tmp_path / 'no.csv'}: No such file or directory"


async def test_http_file_and_its_errors(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture, file_server: FileServer
) -> None:
    await put_customer_schema(client)
    body = b"customer_id,vip_level\n" + b"".join(b"h%d,silver\n" % i for i in range(10_000))
    url = file_server.serve("/c.csv", Route(body=body))
    ok, message, rows, _ = await _test(
        database, tenant, FileSource(kind="file", url=url, format="csv")
    )
    assert (
        ok and "read 5 rows" in message and rows[0] == {"customer_id": "h0", "vip_level": "silver"}
    )
    broken = file_server.serve("/down.csv", Route(status=500))
    ok, message, _, _ = await _test(
        database, tenant, FileSource(kind="file", url=broken, format="csv")
    )
    assert (ok, message) == (False, f"GET {broken} answered HTTP 500")


async def test_sql_source_and_stored_password(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture, tmp_path: Path
) -> None:
    await put_customer_schema(client)
    crm = tmp_path / "crm.db"
    with sqlite3.connect(crm) as connection:
        connection.execute("create table crm (id text, ltv text)")
        connection.executemany(
            "insert into crm values (?, ?)", [(f"s{i}", "1.5") for i in range(9)]
        )
    ok, message, rows, _ = await _test(
        database,
        tenant,
        SqlSource(
            kind="sql", url=f"sqlite:///{crm}", query="SELECT id AS customer_id, ltv FROM crm"
        ),
    )
    assert ok and message == "Connected: read 5 rows. Nothing was imported."
    assert rows[0]["customer_id"] == "s0" and str(rows[0]["ltv"]) == "1.5"
    ok, message, _, _ = await _test(
        database, tenant, SqlSource(kind="sql", url=f"sqlite:///{crm}", query="SELECT ltv FROM crm")
    )
    assert (ok, message) == (False, "the query returns no customer_id column (columns: ltv)")
    # *** stands for the stored password; with none stored it is a field error.
    with pytest.raises(Unprocessable) as refused:
        await _test(
            database,
            tenant,
            SqlSource(kind="sql", url="postgresql://u:***@127.0.0.1:1/x", query="SELECT 1"),
        )
    assert refused.value.errors[0].loc == ("body", "source", "url")
    async with database.unit_of_work() as session:
        await sync_service.put_config(
            session,
            tenant.principal,
            CustomerSyncConfigIn.model_validate(
                {
                    "source": {
                        "kind": "sql",
                        "url": "postgresql://u:pw@127.0.0.1:1/x",
                        "query": "SELECT 1",
                    }
                }
            ),
        )
    ok, message, _, _ = await _test(
        database,
        tenant,
        SqlSource(kind="sql", url="postgresql://u:***@127.0.0.1:1/x", query="SELECT 1"),
    )
    assert not ok and message.startswith("cannot connect"), message
