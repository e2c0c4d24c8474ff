"""Benchmark: validating a promocode value in a huge pool against a small one (issue 15).

    uv run python bench/codes_lookup.py \
        --database-url postgresql://postgres@127.0.0.1:5432/postgres \
        [--pool 10000000] [--requests 1000] [--rounds 6]

Two fresh databases, each with the promotion of bench/validation.py and one bulk promocode
assigned to it: the small one's pool holds 1,000 values, the large one's ``--pool`` values (by
default 10 M, loaded with one sorted ``INSERT … SELECT`` — the storage the upload produces,
without timing an upload). One ``openpromo serve`` per database; then, in rounds that
alternate between the two so that a shared machine's slow moments hit both alike, ``--requests``
sequential dry-run ``POST /v1/validate`` calls per round (which of the two goes first
alternates), each presenting a random value of the
pool (a value lookup through the unique ``(tenant_no, lower(value))`` index, then the value row
itself). Prints the median and p90 latency of each and the ratio large/small of the best
round's medians: target under 1.3. Also prints the bytes on disk per stored value of the large
pool (table + indexes).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from contextlib import ExitStack

import httpx
from _common import admin_connect, bench_database, openpromo_server

from validation import prepare  # bench/validation.py: the same promotion

TARGET_RATIO = 1.3
SMALL_POOL = 1_000
MULTIPLIER = 0x5DEECE66D | 1  # odd: i -> value is a bijection modulo 2**48


def value_of(i: int) -> str:
    """The i-th value of a pool: distinct, scattered (not in key order), 12 characters."""
    return f"{(i * MULTIPLIER) & 0xFFFFFFFFFFFF:012X}"


async def load_pool(server_url: str, database: str, promocode_id: str, size: int) -> None:
    """``size`` values into the promocode, as one sorted INSERT (what an upload's merge
    does), then VACUUM ANALYZE."""
    conn = await admin_connect(server_url, database)
    try:
        tenant_no, promocode_no = await conn.fetchrow(
            "SELECT t.number, p.number FROM promocodes p JOIN tenants t ON t.id = p.tenant_id "
            "WHERE p.id = $1",
            promocode_id,
        )
        await conn.execute("SET maintenance_work_mem = '256MB'")
        await conn.execute("SET work_mem = '256MB'")
        await conn.execute(
            "INSERT INTO promocode_values (tenant_no, promocode_no, value) "
            "SELECT $1, $2, v FROM (SELECT upper(lpad(to_hex((i * $4::bigint) "
            "& 281474976710655), 12, '0')) AS v FROM generate_series(0, $3 - 1) AS i) s "
            "ORDER BY lower(v)",
            tenant_no,
            promocode_no,
            size,
            MULTIPLIER,
        )
        await conn.execute("VACUUM ANALYZE promocode_values")
        # Write the load's dirty pages out now, not during the timed rounds.
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


async def bytes_per_value(server_url: str, database: str) -> tuple[int, float]:
    conn = await admin_connect(server_url, database)
    try:
        count, total = await conn.fetchrow(
            "SELECT count(*), pg_total_relation_size('promocode_values') FROM promocode_values"
        )
        return int(count), float(total) / max(int(count), 1)
    finally:
        await conn.close()


def setup(server_url: str, env: dict[str, str], database: str, size: int) -> str:
    """Promotion + bulk promocode + pool; returns the API key."""
    promotion_id, key = asyncio.run(prepare(env["OPENPROMO_DATABASE_URL"]))
    with ExitStack() as stack:
        _, base = stack.enter_context(openpromo_server(env))
        http = stack.enter_context(
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"})
        )
        response = http.post("/v1/promocodes", json={"name": "bench pool", "type": "bulk"})
        response.raise_for_status()
        promocode_id = str(response.json()["id"])
        http.put(
            f"/v1/promocodes/{promocode_id}/promotion", json={"promotion_id": promotion_id}
        ).raise_for_status()
    asyncio.run(load_pool(server_url, database, promocode_id, size))
    return key


def measure(base: str, key: str, size: int, requests: int, seed: int) -> list[float]:
    """Latencies (s) of ``requests`` sequential dry runs presenting random pool values."""
    rng = random.Random(seed)
    latencies: list[float] = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as http:
        for n in range(requests):
            code = value_of(rng.randrange(size))
            body = {
                "code": code,
                "contexts": [
                    {"customer_id": f"c{n % 10_000}", "session": {"deposit": "150"}, "code": code}
                ],
            }
            started = time.perf_counter()
            response = http.post("/v1/validate", json=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"validation failed: {response.status_code} {response.text}")
            if n == 0:
                result = response.json()["results"][0]
                if not result.get("eligible"):
                    raise SystemExit(f"the presented value was not accepted: {result}")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL server URL")
    parser.add_argument("--pool", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()

    with ExitStack() as stack:
        small_db, small_env = stack.enter_context(bench_database(args.database_url))
        large_db, large_env = stack.enter_context(bench_database(args.database_url))
        small_key = setup(args.database_url, small_env, small_db, SMALL_POOL)
        started = time.perf_counter()
        large_key = setup(args.database_url, large_env, large_db, args.pool)
        count, per_value = asyncio.run(bytes_per_value(args.database_url, large_db))
        print(
            f"large pool: {count:,} values loaded in {time.perf_counter() - started:.0f} s, "
            f"{per_value:.1f} bytes on disk per value (table + indexes)"
        )
        _, small_base = stack.enter_context(openpromo_server(small_env))
        _, large_base = stack.enter_context(openpromo_server(large_env))
        # Warm both (connections, caches of the promotion) before timing.
        measure(small_base, small_key, SMALL_POOL, 200, seed=-1)
        measure(large_base, large_key, args.pool, 200, seed=-2)
        medians: dict[str, list[float]] = {"small": [], "large": []}
        for round_ in range(args.rounds):
            pair = [
                ("small", small_base, small_key, SMALL_POOL),
                ("large", large_base, large_key, args.pool),
            ]
            # Alternate which goes first, so that neither always meets the same moment.
            for label, base, key, size in pair if round_ % 2 == 0 else pair[::-1]:
                latencies = measure(base, key, size, args.requests, seed=round_)
                median = statistics.median(latencies)
                p90 = statistics.quantiles(latencies, n=10)[-1]
                medians[label].append(median)
                print(
                    f"round {round_ + 1} {label:5} pool ({size:>11,} values): "
                    f"median {median * 1000:.2f} ms, p90 {p90 * 1000:.2f} ms"
                )
        paired = sorted(lg / sm for lg, sm in zip(medians["large"], medians["small"], strict=True))
        print(
            "per-round ratios large/small: "
            + ", ".join(f"{r:.2f}" for r in paired)
            + f" (median {statistics.median(paired):.2f})"
        )
        ratio = min(medians["large"]) / min(medians["small"])
        verdict = "PASS" if ratio < TARGET_RATIO else "FAIL"
        print(
            f"{verdict}: validation of a value in a {args.pool:,}-value pool / in a "
            f"{SMALL_POOL:,}-value pool = {ratio:.2f} (best medians; target < {TARGET_RATIO})"
        )


if __name__ == "__main__":
    main()
