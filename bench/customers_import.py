"""Benchmark: customer import through the HTTP API on PostgreSQL, against a raw COPY.

    uv run python bench/customers_import.py \
        --database-url postgresql://postgres@127.0.0.1:5432/postgres [--rows 1000000]

Creates its own database, migrates it, creates a tenant (``openpromo tenant create --json``)
with a customer schema of 5 properties (string, integer, decimal, boolean, date), all
synchronised, writes an NDJSON file of ``--rows`` customers and measures:

(a) ``POST /v1/customers/import`` served by a real ``openpromo serve`` process (uvicorn), the
    file streamed by httpx: parse, validate every value, upsert in set-based batches;
(b) the baseline: a raw asyncpg ``COPY`` of the same rows (customer_id text, properties
    jsonb) into a bare table.

Prints rows/s for both, the ratio API/COPY (target at most 4: PASS/FAIL) and the server's
peak RSS. The database is dropped at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
from _common import (
    admin_connect,
    bench_database,
    cli,
    cpu_seconds,
    file_chunks,
    memory_kb,
    openpromo_server,
)

TARGET_RATIO = 4.0

SCHEMA: list[dict[str, Any]] = [
    {"key": "vip_level", "type": "string", "allowed_values": ["bronze", "silver", "gold"]},
    {"key": "deposits", "type": "integer", "min": 0},
    {"key": "ltv", "type": "decimal"},
    {"key": "newsletter", "type": "boolean"},
    {"key": "birth_date", "type": "date"},
]


def write_rows(path: Path, rows: int) -> None:
    rng = random.Random(42)
    levels = ("bronze", "silver", "gold")
    epoch = date(1950, 1, 1)
    with path.open("w") as handle:
        for i in range(rows):
            handle.write(
                json.dumps(
                    {
                        "customer_id": f"cust-{i:08d}",
                        "vip_level": levels[rng.randrange(3)],
                        "deposits": rng.randrange(10_000),
                        "ltv": f"{rng.randrange(1_000_000) / 100:.2f}",
                        "newsletter": rng.random() < 0.5,
                        "birth_date": (epoch + timedelta(days=rng.randrange(20_000))).isoformat(),
                    },
                    separators=(",", ":"),
                )
                + "\n"
            )


async def checkpoint(server_url: str, database: str) -> None:
    """Flush dirty pages before a timed phase, so that no phase pays for the previous one's
    writes (a checkpoint triggered by the 1M-row import otherwise slows the COPY after it)."""
    conn = await admin_connect(server_url, database)
    try:
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


async def raw_copy(server_url: str, database: str, path: Path) -> float:
    """COPY the same rows (customer_id, properties) into a bare table; seconds for COPY."""
    records: list[tuple[str, str]] = []
    with path.open() as handle:
        for line in handle:
            row = json.loads(line)
            customer_id = row.pop("customer_id")
            records.append((customer_id, json.dumps(row, separators=(",", ":"))))
    conn = await admin_connect(server_url, database)
    try:
        await conn.execute("CREATE TABLE bare_customers (customer_id text, properties jsonb)")
        await conn.execute("CHECKPOINT")
        started = time.perf_counter()
        await conn.copy_records_to_table(
            "bare_customers", records=records, columns=["customer_id", "properties"]
        )
        elapsed = time.perf_counter() - started
        count = await conn.fetchval("SELECT count(*) FROM bare_customers")
        assert count == len(records), count
        return elapsed
    finally:
        await conn.close()


async def full_row_copy(server_url: str, database: str, path: Path) -> float:
    """For reference: COPY complete rows into an empty table shaped like ``customers`` (same
    columns and primary key) — the floor for storing the rows at all."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    stamp = "i" + str(int(now.timestamp()) * 1_000_000)
    records: list[tuple[Any, ...]] = []
    with path.open() as handle:
        for line in handle:
            row = json.loads(line)
            customer_id = row.pop("customer_id")
            records.append(
                (
                    "bench-tenant",
                    customer_id,
                    json.dumps(row, separators=(",", ":")),
                    stamp,
                    now,
                    now,
                )
            )
    conn = await admin_connect(server_url, database)
    try:
        await conn.execute("CREATE TABLE floor_customers (LIKE customers INCLUDING ALL)")
        await conn.execute("CHECKPOINT")
        started = time.perf_counter()
        await conn.copy_records_to_table(
            "floor_customers",
            records=records,
            columns=["tenant_id", "customer_id", "properties", "stamp", "created_at", "updated_at"],
        )
        return time.perf_counter() - started
    finally:
        await conn.close()


async def count_customers(server_url: str, database: str, tenant_id: str) -> int:
    conn = await admin_connect(server_url, database)
    try:
        return int(
            await conn.fetchval("SELECT count(*) FROM customers WHERE tenant_id = $1", tenant_id)
        )
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL server URL")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    server_url = args.database_url
    with ExitStack() as stack:
        name, env = stack.enter_context(bench_database(server_url, keep=args.keep))
        workdir = Path(stack.enter_context(TemporaryDirectory(prefix="openpromo-bench-")))
        created = cli(env, "tenant", "create", "Bench", "--json")
        admin_key = str(created["api_key"])
        # No background worker: nothing but the import runs in the server process.
        server_pid, base = stack.enter_context(openpromo_server(env, "--no-worker"))
        headers = {"Authorization": f"Bearer {admin_key}"}
        with httpx.Client(base_url=base, headers=headers, timeout=None) as http:
            response = http.put("/v1/schemas/customer", json={"properties": SCHEMA})
            assert response.status_code == 200, response.text
            response = http.put(
                "/v1/customer-sync", json={"properties": [p["key"] for p in SCHEMA]}
            )
            assert response.status_code == 200, response.text

            data = workdir / "customers.ndjson"
            print(f"writing {args.rows:,} rows to {data} …", file=sys.stderr)
            write_rows(data, args.rows)
            size_mb = data.stat().st_size / 1e6
            memory_before = memory_kb(server_pid)
            cpu_before = cpu_seconds(server_pid)
            asyncio.run(checkpoint(server_url, name))
            print("importing through the API …", file=sys.stderr)
            started = time.perf_counter()
            response = http.post(
                "/v1/customers/import",
                content=file_chunks(data),
                headers={"Content-Type": "application/x-ndjson"},
            )
            api_seconds = time.perf_counter() - started
            server_cpu = cpu_seconds(server_pid) - cpu_before
            memory_after = memory_kb(server_pid)
            assert response.status_code == 200, response.text
            report = response.json()
            assert report["rows_upserted"] == args.rows, report
            assert report["rows_rejected"] == 0, report

        stored = asyncio.run(count_customers(server_url, name, str(created["tenant_id"])))
        assert stored == args.rows, stored
        print("raw COPY baseline …", file=sys.stderr)
        copy_seconds = asyncio.run(raw_copy(server_url, name, data))
        floor_seconds = asyncio.run(full_row_copy(server_url, name, data))

        ratio = api_seconds / copy_seconds
        print(f"rows: {args.rows:,} ({size_mb:.0f} MB of NDJSON, 5 properties each)")
        print(
            f"API import : {api_seconds:8.2f} s  {args.rows / api_seconds:>12,.0f} rows/s  "
            f"(validated, upserted into customers)"
        )
        print(
            f"raw COPY   : {copy_seconds:8.2f} s  {args.rows / copy_seconds:>12,.0f} rows/s  "
            f"(asyncpg COPY into a bare (customer_id text, properties jsonb) table)"
        )
        print(
            f"for reference, COPY of complete rows into a table shaped like customers (with "
            f"its primary key): {floor_seconds:.2f} s, {args.rows / floor_seconds:,.0f} rows/s "
            f"(API/that = {api_seconds / floor_seconds:.2f})"
        )
        print(
            f"server process CPU during the import: {server_cpu:.2f} s "
            f"({server_cpu / args.rows * 1e6:.1f} µs/row; the rest of the wall time is the "
            "database and the transfer)"
        )
        print(
            f"server memory: VmHWM {memory_before['VmHWM'] / 1024:.0f} MB before, "
            f"{memory_after['VmHWM'] / 1024:.0f} MB after the import"
        )
        verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        print(f"ratio API/COPY: {ratio:.2f} (target <= {TARGET_RATIO:g}): {verdict}")


if __name__ == "__main__":
    main()
