"""Validation benchmark on PostgreSQL (issue 6).

    OPENPROMO_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        uv run python bench/validation.py

Creates a fresh database, a tenant, a 5-tier promotion with an audience cap, reward budgets
and per-customer limits, 10,000 stored customers; serves the app with a real uvicorn
subprocess, and a bare FastAPI endpoint the same way; then measures:

* a 10,000-context dry run and a 10,000-context commit through the API (customers/s);
* single-customer validation over HTTP, dry run and commit, at 8 concurrent clients (p50,
  p99) and at 64 (req/s), next to the bare endpoint at 64 clients (throughput ratio).

Prints PASS/FAIL per target.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {
    "dry_10k_s": 0.5,
    "commit_10k_s": 2.0,
    "p99_8_ms": 15.0,
    "ratio_64": 0.35,
}

TIERS = [
    {
        "id": f"t{i}",
        "name": f"Tier {i}",
        "condition": {
            "all": [
                {"property": "session.deposit", "op": "gte", "value": str(500 - i * 100)},
                {"not": {"property": "customer.country", "op": "in", "value": ["US", "XX"]}},
            ]
        },
        "rewards": [
            {"reward_type": "spins", "value": {"fixed": str(50 - i * 10)}},
            {
                "reward_type": "eur",
                "value": {"percent": "10", "of": "session.deposit", "min": "1", "max": "50"},
            },
        ],
    }
    for i in range(5)
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def prepare(url: str) -> tuple[str, str]:
    from openpromo import migrate
    from openpromo.db import Database, set_database
    from openpromo.kit.ids import new_id
    from openpromo.models import Customer, Promotion, PropertyDefinition, RewardType
    from openpromo.rules import RewardTypeInfo, compile_tiers
    from openpromo.tenant.service import tenant_service

    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    set_database(db)
    async with db.unit_of_work() as session:
        created = await tenant_service.create(session, "bench")
        tid = created.tenant.id
        session.add(
            RewardType(
                tenant_id=tid,
                key="spins",
                name="Spins",
                display_name="Spins",
                category="unit",
                currency=None,
                decimals=0,
                rounding="down",
                constraints={"per_customer": [{"window": "day", "max_grants": 10}]},
            )
        )
        session.add(
            RewardType(
                tenant_id=tid,
                key="eur",
                name="EUR",
                display_name="EUR",
                category="amount",
                currency="EUR",
                decimals=2,
                rounding="down",
                constraints={"max_value": "40"},
            )
        )
        for pos, (scope, key, type_) in enumerate(
            [
                ("session", "deposit", "decimal"),
                ("customer", "country", "string"),
                ("customer", "ltv", "decimal"),
            ]
        ):
            session.add(
                PropertyDefinition(tenant_id=tid, scope=scope, key=key, type=type_, position=pos)
            )
        types: dict[str, Any] = {
            "session.deposit": "decimal",
            "customer.country": "string",
            "customer.ltv": "decimal",
        }
        compiled = compile_tiers(
            TIERS, types, {"spins": RewardTypeInfo("spins", 0), "eur": RewardTypeInfo("eur", 2)}
        )
        promotion = Promotion(
            id=new_id(),
            tenant_id=tid,
            name="Bench",
            code="BENCH",
            status="active",
            version=1,
            properties={},
            tiers=compiled.normalized,
            reward_constraints={},
            budgets={
                "audience_caps": [{"window": "day", "limit": 1_000_000}],
                "reward_budgets": [
                    {
                        "reward_type": "eur",
                        "window": "lifetime",
                        "limit": "100000000",
                        "on_exceed": "truncate",
                    },
                    {"reward_type": "spins", "window": "day", "limit": "100000000"},
                ],
                "audience_selection": {"method": "random"},
            },
            referenced_properties=sorted(compiled.referenced_properties),
            referenced_reward_types=sorted(compiled.referenced_reward_types),
        )
        session.add(promotion)
        session.add_all(
            Customer(
                tenant_id=tid,
                customer_id=f"c{i}",
                properties={"country": "FR" if i % 3 else "DE", "ltv": str(i)},
                sources={},
            )
            for i in range(10_000)
        )
        pid = promotion.id
        key = created.plain_key
    await db.dispose()
    return pid, key


def serve(app: str, port: int, env: dict[str, str], factory: bool) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--timeout-keep-alive",
        "120",
    ]
    if factory:
        cmd.append("--factory")
    return subprocess.Popen(cmd, env=env, cwd=ROOT)


async def wait_ready(url: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                await client.get(url)
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def contexts(n: int, prefix: str) -> list[dict[str, Any]]:
    return [
        {"customer_id": f"{prefix}{i}", "session": {"deposit": str(50 + (i % 500))}}
        for i in range(n)
    ]


async def timed_post(client: httpx.AsyncClient, path: str, body: Any) -> tuple[float, Any]:
    raw = json.dumps(body)
    start = time.perf_counter()
    response = await client.post(path, content=raw, headers={"content-type": "application/json"})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.text[:500]
    return elapsed, response.json()


async def load(
    base: str, key: str, path: str, make_body: Any, clients: int, total: int
) -> list[float]:
    latencies: list[float] = []
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {key}"}, limits=limits, timeout=60
    ) as client:

        async def worker() -> None:
            for i in counter:
                elapsed, _ = await timed_post(client, path, make_body(i))
                latencies.append(elapsed)

        await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


async def main() -> None:
    server = os.environ.get(
        "OPENPROMO_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    from sqlalchemy.engine import make_url
    from tests.conftest import _create_pg_database, _drop_pg_database

    name = f"openpromo_bench_{os.getpid()}"
    await _create_pg_database(server, name)
    url = (
        make_url(server)
        .set(drivername="postgresql+asyncpg", database=name)
        .render_as_string(hide_password=False)
    )
    procs: list[subprocess.Popen[bytes]] = []
    try:
        pid, key = await prepare(url)
        env = {
            **os.environ,
            "OPENPROMO_DATABASE_URL": url,
            "OPENPROMO_LOG_LEVEL": "WARNING",
            "OPENPROMO_DB_POOL_SIZE": "16",
            "OPENPROMO_DB_MAX_OVERFLOW": "8",
        }
        port, bare_port = free_port(), free_port()
        procs.append(serve("openpromo.app:create_app", port, env, True))
        procs.append(serve("bench.bare_app:app", bare_port, env, False))
        base, bare = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
        await wait_ready(base + "/healthz")
        await wait_ready(bare + "/docs")
        path = f"/v1/promotions/{pid}/validate-customers"
        results: dict[str, float] = {}
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120
        ) as client:
            for _ in range(2):  # warm up: compiled rules, connections
                await timed_post(client, path, {"contexts": contexts(100, "c")})
            dry = []
            for _ in range(3):
                elapsed, out = await timed_post(client, path, {"contexts": contexts(10_000, "c")})
                dry.append(elapsed)
            results["dry_10k_s"] = min(dry)
            eligible = out["summary"]["eligible"]
            elapsed, out = await timed_post(
                client, path, {"contexts": contexts(10_000, "c"), "commit": True}
            )
            results["commit_10k_s"] = elapsed
            granted = sum(len(r["grant_ids"]) for r in out["results"])
        print(
            f"10k dry run: {results['dry_10k_s']:.3f} s "
            f"({10_000 / results['dry_10k_s']:.0f} customers/s; {eligible} eligible)"
        )
        print(
            f"10k commit:  {results['commit_10k_s']:.3f} s "
            f"({10_000 / results['commit_10k_s']:.0f} customers/s; {granted} grants)"
        )

        def single(prefix: str, commit: bool) -> Any:
            return lambda i: {
                "contexts": [{"customer_id": f"{prefix}{i}", "session": {"deposit": "250"}}],
                "commit": commit,
            }

        await load(base, key, path, single("w", False), 8, 400)
        dry8 = await load(base, key, path, single("s", False), 8, 2000)
        com8 = await load(base, key, path, single("k", True), 8, 2000)
        print(
            f"single dry run, 8 clients: p50 {pct(dry8, 0.5):.2f} ms, p99 {pct(dry8, 0.99):.2f} ms"
        )
        print(
            f"single commit,  8 clients: p50 {pct(com8, 0.5):.2f} ms, p99 {pct(com8, 0.99):.2f} ms"
        )
        results["p99_8_ms"] = pct(dry8, 0.99)
        results["p99_8_commit_ms"] = pct(com8, 0.99)

        async def throughput(url_base: str, p: str, make: Any, n: int) -> float:
            start = time.perf_counter()
            await load(url_base, key, p, make, 64, n)
            return n / (time.perf_counter() - start)

        await throughput(bare, "/bare", lambda i: {"x": i}, 500)
        bare_rps = await throughput(bare, "/bare", single("b", False), 5000)
        dry_rps = await throughput(base, path, single("d", False), 5000)
        com_rps = await throughput(base, path, single("m", True), 3000)
        print(
            f"64 clients: bare {bare_rps:.0f} req/s, dry run {dry_rps:.0f} req/s "
            f"(ratio {dry_rps / bare_rps:.2f}), commit {com_rps:.0f} req/s "
            f"(ratio {com_rps / bare_rps:.2f})"
        )
        results["ratio_64"] = dry_rps / bare_rps
        results["ratio_64_commit"] = com_rps / bare_rps
        print()
        for name_, limit in TARGETS.items():
            value = results[name_]
            ok = value >= limit if name_.startswith("ratio") else value < limit
            print(
                f"{'PASS' if ok else 'FAIL'} {name_}: {value:.3f} (target "
                f"{'>=' if name_.startswith('ratio') else '<'} {limit})"
            )
        p99c = results["p99_8_commit_ms"]
        print(f"{'PASS' if p99c < 15 else 'FAIL'} p99_8_commit_ms: {p99c:.3f} (target < 15.0)")
        rc = results["ratio_64_commit"]
        print(f"{'PASS' if rc >= 0.35 else 'FAIL'} ratio_64_commit: {rc:.3f} (target >= 0.35)")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        await _drop_pg_database(server, name)


if __name__ == "__main__":
    asyncio.run(main())
