"""Benchmark: promocode value uploads on PostgreSQL, against a raw COPY of the same file.

    uv run python bench/codes_upload.py \
        --database-url postgresql://postgres@127.0.0.1:5432/postgres \
        [--count 1000000] [--lines 10000000]

Creates its own database, migrates it, creates tenants and bulk promocodes, writes a file of
``--count`` unique values and measures:

(a) the upload through the HTTP API, served by a real ``openpromo serve`` process, the file
    streamed by httpx;
(b) the upload through the CLI (``openpromo codes upload``);
(c) a raw asyncpg ``COPY`` of the same file into a bare one-column table (the baseline);
(d) generating ``--count`` values through the API;
(e) for reference, a raw ``COPY`` of the same values as complete rows into an empty table
    with promocode_values' columns and indexes: the floor for storing them at all;
(f) for reference, the raw ``COPY`` into a one-column table whose column is a primary key:
    the floor of any design that keeps each value unique through an index maintained row by
    row;
(g) for reference, the raw ``COPY`` into a fresh one-column table followed by a one-pass
    ``CREATE UNIQUE INDEX`` on ``lower(value)`` (one transaction, commit included): the floor of
    any design that keeps values unique and findable through an index at all, even one built
    in bulk after each upload. Nothing of an upload's other work (reading the request,
    checking lines, counting duplicates and existing values) is in it.

Targets (issue 15): (a) under 15 s per million values and at most 3x (g), the floor of any
design with a unique lookup index; flat server memory at ``--lines``. With ``--lines`` it
also prints the bytes on disk per stored value (table + indexes) of the pool that upload
leaves, and with ``--old-layout`` the same pool stored in the layout before migration 0017
(36-character tenant and promocode ids, text status, a ``value_key`` copy, ``created_at``),
built from it with one sorted INSERT like an upload's merge: the before/after comparison.

Each measurement starts from an empty ``promocode_values`` table (TRUNCATE, VACUUM, CHECKPOINT
before it). It prints values/s, the ratios API/COPY and CLI/COPY, the server's peak RSS (VmHWM)
and, with ``--lines``, the server's memory growth while it takes a file of that many lines. The
database is dropped at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
from _common import (
    CHUNK,
    admin_connect,
    bench_database,
    cli,
    file_chunks,
    memory_kb,
    openpromo_server,
)

TARGET_SECONDS_PER_MILLION = 15.0
TARGET_RATIO = 3.0
TARGET_FLOOR_RATIO = 3.0  # API upload / (g)
TARGET_BYTES_SHARE = 0.5  # bytes per value after 0017 / before

# The layout of promocode_values before migration 0017 (revision 0016), for --old-layout.
OLD_LAYOUT = """
CREATE TABLE bench_old_layout (
    id bigserial PRIMARY KEY,
    tenant_id varchar(36) NOT NULL,
    promocode_id varchar(36) NOT NULL,
    value varchar(64) NOT NULL,
    value_key varchar(64) COLLATE "C" NOT NULL,
    status varchar(16) NOT NULL
        CHECK (status IN ('available', 'allocated', 'redeemed')),
    customer_id varchar(255),
    allocated_at timestamptz,
    redeemed_at timestamptz,
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ON bench_old_layout (tenant_id, value_key);
CREATE INDEX ON bench_old_layout (promocode_id, status, id);
CREATE INDEX ON bench_old_layout (promocode_id, customer_id) WHERE customer_id IS NOT NULL;
"""
TARGET_MEMORY_MB = 100.0


def write_values(path: Path, count: int, salt: int) -> None:
    """``count`` distinct values in a scattered order (a bijection of the line number), like
    real random codes, so that index inserts are not artificially sequential."""
    multiplier = 0x5DEECE66D | 1  # odd: a bijection modulo 2**48
    with path.open("wb") as handle:
        batch: list[str] = []
        for i in range(count):
            batch.append(f"{((i + salt) * multiplier) & 0xFFFFFFFFFFFF:012X}")
            if len(batch) == 100_000:
                handle.write(("\n".join(batch) + "\n").encode())
                batch = []
        if batch:
            handle.write(("\n".join(batch) + "\n").encode())


async def raw_copy(server_url: str, database: str, path: Path, *, index: str = "none") -> float:
    """The baseline COPY into a bare one-column table. ``index="row"`` makes the column a
    primary key (the index is maintained row by row, as any live table's is);
    ``index="bulk"`` builds a unique index on ``lower(value)`` in one pass after the COPY, in
    the same transaction, the cheapest way to have one."""
    conn = await admin_connect(server_url, database)
    try:
        await conn.execute("DROP TABLE IF EXISTS bench_raw_copy")
        key = ' COLLATE "C" PRIMARY KEY' if index == "row" else ""
        await conn.execute(f"CREATE TABLE bench_raw_copy (value text{key})")
        await conn.execute("CHECKPOINT")
        started = time.perf_counter()
        async with conn.transaction():
            await conn.copy_to_table("bench_raw_copy", source=str(path), format="text")
            if index == "bulk":
                await conn.execute(
                    'CREATE UNIQUE INDEX ON bench_raw_copy (lower(value) COLLATE "C")'
                )
        elapsed = time.perf_counter() - started
        await conn.execute("DROP TABLE bench_raw_copy")
        return elapsed
    finally:
        await conn.close()


async def full_row_copy(server_url: str, database: str, path: Path) -> float:
    conn = await admin_connect(server_url, database)
    try:
        await conn.execute("DROP TABLE IF EXISTS bench_full_copy")
        await conn.execute("CREATE TABLE bench_full_copy (LIKE promocode_values INCLUDING ALL)")
        prefix = b"1\t1\t"  # tenant_no, promocode_no

        async def rows() -> Any:
            with path.open("rb") as handle:
                while lines := handle.readlines(CHUNK):
                    yield b"".join(prefix + line for line in lines)

        started = time.perf_counter()
        await conn.copy_to_table(
            "bench_full_copy",
            source=rows(),
            columns=["tenant_no", "promocode_no", "value"],
        )
        elapsed = time.perf_counter() - started
        await conn.execute("DROP TABLE bench_full_copy")
        return elapsed
    finally:
        await conn.close()


async def bytes_per_value(server_url: str, database: str, relation: str) -> tuple[int, float]:
    """(rows, bytes on disk per row: heap + indexes + TOAST) of ``relation``, vacuumed."""
    conn = await admin_connect(server_url, database)
    try:
        await conn.execute(f"VACUUM ANALYZE {relation}")
        count, total = await conn.fetchrow(
            f"SELECT count(*), pg_total_relation_size('{relation}') FROM {relation}"
        )
        return int(count), float(total) / max(int(count), 1)
    finally:
        await conn.close()


async def old_layout_bytes(server_url: str, database: str) -> tuple[int, float]:
    """The current pool copied into the layout of revision 0016, as its upload merge wrote it
    (one INSERT sorted by key into the indexed table); its bytes per value."""
    conn = await admin_connect(server_url, database)
    try:
        await conn.execute("DROP TABLE IF EXISTS bench_old_layout")
        await conn.execute(OLD_LAYOUT)
        await conn.execute("SET work_mem = '256MB'")
        await conn.execute(
            "INSERT INTO bench_old_layout (tenant_id, promocode_id, value, value_key, status, "
            "customer_id, allocated_at, redeemed_at, created_at) "
            "SELECT t.id, p.id, v.value, lower(v.value), CASE v.status WHEN 0 THEN 'allocated' "
            "WHEN 1 THEN 'available' ELSE 'redeemed' END, v.customer_id, v.allocated_at, "
            "v.redeemed_at, now() FROM promocode_values v "
            "JOIN tenants t ON t.number = v.tenant_no "
            "JOIN promocodes p ON p.number = v.promocode_no ORDER BY lower(v.value), v.id"
        )
    finally:
        await conn.close()
    try:
        return await bytes_per_value(server_url, database, "bench_old_layout")
    finally:
        conn = await admin_connect(server_url, database)
        await conn.execute("DROP TABLE bench_old_layout")
        await conn.close()


async def empty_value_table(server_url: str, database: str) -> None:
    """Each measurement starts from an empty value table, so they compare like with like."""
    conn = await admin_connect(server_url, database)
    try:
        await conn.execute("TRUNCATE promocode_values")
        await conn.execute("VACUUM ANALYZE promocode_values")
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL server URL")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=0, help="Also check memory with this file")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database")
    parser.add_argument(
        "--old-layout",
        action="store_true",
        help="With --lines: also store that pool in the layout before migration 0017",
    )
    args = parser.parse_args()

    server_url = args.database_url
    with ExitStack() as stack:
        name, env = stack.enter_context(bench_database(server_url, keep=args.keep))
        workdir = Path(stack.enter_context(TemporaryDirectory(prefix="openpromo-bench-")))
        api_tenant = cli(env, "tenant", "create", "bench-api", "--json")
        cli_tenant = cli(env, "tenant", "create", "bench-cli", "--json")
        server_pid, base = stack.enter_context(openpromo_server(env))
        http = stack.enter_context(
            httpx.Client(
                base_url=base,
                headers={"Authorization": f"Bearer {api_tenant['api_key']}"},
                timeout=None,
            )
        )

        def bulk(client: httpx.Client, label: str) -> str:
            response = client.post("/v1/promocodes", json={"name": label, "type": "bulk"})
            response.raise_for_status()
            return str(response.json()["id"])

        values_file = workdir / "values.txt"
        write_values(values_file, args.count, salt=0)
        size_mb = values_file.stat().st_size / 1e6
        print(f"file: {args.count:,} values, {size_mb:.1f} MB")

        # (a) API upload
        api_code = bulk(http, "bench api upload")
        asyncio.run(empty_value_table(server_url, name))
        memory_before = memory_kb(server_pid)
        started = time.perf_counter()
        response = http.post(
            f"/v1/promocodes/{api_code}/values",
            content=file_chunks(values_file),
            headers={"Content-Type": "text/plain"},
        )
        api_seconds = time.perf_counter() - started
        response.raise_for_status()
        api_report = response.json()
        memory_after = memory_kb(server_pid)
        assert api_report["inserted"] == args.count, api_report

        # (b) CLI upload (another tenant: the values would already exist in the first)
        with httpx.Client(
            base_url=base,
            headers={"Authorization": f"Bearer {cli_tenant['api_key']}"},
            timeout=None,
        ) as http_cli:
            cli_code = bulk(http_cli, "bench cli upload")
        asyncio.run(empty_value_table(server_url, name))
        started = time.perf_counter()
        cli_report = cli(
            env,
            "codes",
            "upload",
            cli_code,
            str(values_file),
            "--tenant",
            str(cli_tenant["tenant_id"]),
            "--json",
        )
        cli_seconds = time.perf_counter() - started
        assert cli_report["inserted"] == args.count, cli_report

        # (c) raw COPY baseline
        copy_seconds = asyncio.run(raw_copy(server_url, name, values_file))
        unique_seconds = asyncio.run(raw_copy(server_url, name, values_file, index="row"))
        bulk_index_seconds = asyncio.run(raw_copy(server_url, name, values_file, index="bulk"))
        floor_seconds = asyncio.run(full_row_copy(server_url, name, values_file))

        # (d) generation through the API
        gen_code = bulk(http, "bench generate")
        asyncio.run(empty_value_table(server_url, name))
        started = time.perf_counter()
        response = http.post(
            f"/v1/promocodes/{gen_code}/values/generate", json={"count": args.count, "length": 10}
        )
        gen_seconds = time.perf_counter() - started
        response.raise_for_status()
        gen_report = response.json()
        memory_end = memory_kb(server_pid)

        def rate(seconds: float) -> str:
            return f"{seconds:7.2f} s  {args.count / seconds:12,.0f} values/s"

        per_million = api_seconds * 1_000_000 / args.count
        print(f"(a) API upload      {rate(api_seconds)}")
        print(f"(b) CLI upload      {rate(cli_seconds)}   (process start included)")
        print(f"(c) raw COPY        {rate(copy_seconds)}")
        print(f"(d) API generate    {rate(gen_seconds)}   {gen_report}")
        print(f"(e) full-row COPY   {rate(floor_seconds)}   (same columns and indexes)")
        print(
            f"(f) unique COPY     {rate(unique_seconds)}   (one column, a primary key: "
            f"{unique_seconds / copy_seconds:.1f}x the raw COPY)"
        )
        print(
            f"(g) COPY + index    {rate(bulk_index_seconds)}   (one column, then a unique index "
            f"built in one pass: {bulk_index_seconds / copy_seconds:.1f}x the raw COPY)"
        )
        print(
            f"ratio API/(g) {api_seconds / bulk_index_seconds:.2f}   "
            f"API/COPY {api_seconds / copy_seconds:.2f}   "
            f"CLI/COPY {cli_seconds / copy_seconds:.2f}   "
            f"API/full-row COPY {api_seconds / floor_seconds:.2f}"
        )
        print(
            f"server memory: VmHWM {memory_before['VmHWM'] / 1024:.0f} MB before upload, "
            f"{memory_after['VmHWM'] / 1024:.0f} MB after upload, "
            f"{memory_end['VmHWM'] / 1024:.0f} MB after generation "
            "(growth during upload "
            f"{(memory_after['VmHWM'] - memory_before['VmHWM']) / 1024:.0f} MB)"
        )
        print(
            f"{verdict(per_million < TARGET_SECONDS_PER_MILLION)}: API upload "
            f"{per_million:.2f} s per 1,000,000 values "
            f"(target < {TARGET_SECONDS_PER_MILLION:.0f} s)"
        )
        print(
            f"{verdict(api_seconds / bulk_index_seconds <= TARGET_FLOOR_RATIO)}: API upload / "
            f"(g) COPY + unique index build {api_seconds / bulk_index_seconds:.2f} "
            f"(target <= {TARGET_FLOOR_RATIO:.0f})"
        )
        print(
            f"{verdict(api_seconds / copy_seconds <= TARGET_RATIO)}: API/COPY ratio "
            f"{api_seconds / copy_seconds:.2f} (target <= {TARGET_RATIO:.0f})"
        )
        print(
            f"{verdict(cli_seconds / copy_seconds <= TARGET_RATIO)}: CLI/COPY ratio "
            f"{cli_seconds / copy_seconds:.2f} (target <= {TARGET_RATIO:.0f})"
        )
        gen_per_million = gen_seconds * 1_000_000 / args.count
        print(
            f"{verdict(gen_per_million < TARGET_SECONDS_PER_MILLION)}: API generation "
            f"{gen_per_million:.2f} s per 1,000,000 values "
            f"(target < {TARGET_SECONDS_PER_MILLION:.0f} s)"
        )

        if args.lines:
            big_file = workdir / "big.txt"
            write_values(big_file, args.lines, salt=1 << 40)
            print(f"memory check: {args.lines:,} lines, {big_file.stat().st_size / 1e6:.0f} MB")
            big_code = bulk(http, "bench memory")
            asyncio.run(empty_value_table(server_url, name))
            before = memory_kb(server_pid)
            started = time.perf_counter()
            response = http.post(
                f"/v1/promocodes/{big_code}/values",
                content=file_chunks(big_file),
                headers={"Content-Type": "text/plain"},
            )
            seconds = time.perf_counter() - started
            response.raise_for_status()
            after = memory_kb(server_pid)
            growth_mb = (after["VmHWM"] - before["VmHWM"]) / 1024
            print(
                f"    upload {seconds:.1f} s ({args.lines / seconds:,.0f} values/s), inserted "
                f"{response.json()['inserted']:,}; server VmHWM {before['VmHWM'] / 1024:.0f} MB -> "
                f"{after['VmHWM'] / 1024:.0f} MB"
            )
            print(
                f"{verdict(growth_mb < TARGET_MEMORY_MB)}: server memory growth {growth_mb:.0f} MB "
                f"for {args.lines:,} lines (target < {TARGET_MEMORY_MB:.0f} MB)"
            )
            rows, after_bytes = asyncio.run(bytes_per_value(server_url, name, "promocode_values"))
            print(f"storage: {rows:,} values, {after_bytes:.1f} bytes on disk per value")
            if args.old_layout:
                old_rows, before_bytes = asyncio.run(old_layout_bytes(server_url, name))
                share = after_bytes / before_bytes
                print(
                    f"    layout before 0017: {old_rows:,} values, {before_bytes:.1f} bytes per "
                    f"value"
                )
                print(
                    f"{verdict(share <= TARGET_BYTES_SHARE)}: bytes per value {after_bytes:.1f} "
                    f"= {share:.2f} of the old layout's {before_bytes:.1f} "
                    f"(target <= {TARGET_BYTES_SHARE})"
                )


if __name__ == "__main__":
    main()
