"""Hot promotion benchmark on PostgreSQL (issue 15, docs/hot-promotions.md).

    OPENPROMO_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        uv run python bench/hot_promotion.py

Committed grants per second when the whole load goes to ONE promotion (one audience cap and
one truncating money budget, both promotion-wide counters every commit consumes), with one
API process and with N (N = the machine's cores, ``openpromo serve --workers N``), next to
the bare endpoint (bench/bare_app.py) served by uvicorn with the same N in the same run; and
the same load spread over 10 promotions of the same shape. wrk sends single-customer commits
at 64 connections, a new customer per request; grants are counted in the database (what was
committed), per second of the run. Kinds run in interleaved rounds (best of
OPENPROMO_BENCH_REPEATS, default 3, OPENPROMO_BENCH_SECONDS each, default 5), each run after
VACUUM ANALYZE and CHECKPOINT.

While the hot runs go, ``pg_stat_activity`` of the bench database is sampled every 20 ms:
the wait events of its active backends show where commits wait (``Lock/transactionid`` is a
row lock: a commit queued behind another one's counter row).

Targets: hot(N)/bare(N) >= hot(1)/bare(1) (no cross-process collapse) and
hot(N) >= 0.8 x spread(N). ``OPENPROMO_COUNTER_SLICES`` (the servers inherit it) sets the
slices per counter; ``=1`` measures the unsliced design.
"""

from __future__ import annotations

import asyncio
import collections
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import BIN, admin_connect, bench_database, free_port, openpromo_server
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS = int(os.environ.get("OPENPROMO_BENCH_SECONDS", "5"))
REPEATS = int(os.environ.get("OPENPROMO_BENCH_REPEATS", "3"))
CLIENTS = int(os.environ.get("OPENPROMO_BENCH_CLIENTS", "64"))
PROMOTIONS = 10

TIERS = [
    {
        "id": "all",
        "name": "Everyone",
        "condition": {"property": "session.deposit", "op": "gte", "value": "10"},
        "rewards": [{"reward_type": "eur", "value": {"percent": "10", "of": "session.deposit"}}],
    }
]


async def prepare(url: str) -> tuple[list[str], str]:
    """A tenant, a money reward type and PROMOTIONS active promotions, each with a lifetime
    audience cap and a truncating lifetime budget far from exhausted."""
    from openpromo.db import Database, set_database
    from openpromo.kit.ids import new_id
    from openpromo.models import Promotion, PropertyDefinition, RewardType
    from openpromo.rules import RewardTypeInfo, compile_tiers
    from openpromo.tenant.service import tenant_service

    db = Database(url)
    set_database(db)
    ids: list[str] = []
    async with db.unit_of_work() as session:
        created = await tenant_service.create(session, "hot")
        tid = created.tenant.id
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
                constraints={},
            )
        )
        session.add(
            PropertyDefinition(
                tenant_id=tid, scope="session", key="deposit", type="decimal", position=0
            )
        )
        compiled = compile_tiers(
            TIERS, {"session.deposit": "decimal"}, {"eur": RewardTypeInfo("eur", 2)}
        )
        for i in range(PROMOTIONS):
            promotion = Promotion(
                id=new_id(),
                tenant_id=tid,
                name=f"Hot {i}",
                code=f"HOT{i}",
                status="active",
                version=1,
                properties={},
                tiers=compiled.normalized,
                reward_constraints={},
                budgets={
                    "audience_caps": [{"window": "lifetime", "limit": 100_000_000}],
                    "reward_budgets": [
                        {
                            "reward_type": "eur",
                            "window": "lifetime",
                            "limit": "1000000000",
                            "on_exceed": "truncate",
                        }
                    ],
                    "audience_selection": {"method": "random"},
                },
                referenced_properties=sorted(compiled.referenced_properties),
                referenced_reward_types=sorted(compiled.referenced_reward_types),
            )
            session.add(promotion)
            ids.append(promotion.id)
        key = created.plain_key
    await db.dispose()
    return ids, key


LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(key)s"
local paths = {%(paths)s}
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
local n = 0
function request()
  n = n + 1
  local body = string.format(
    '{"contexts":[{"customer_id":"%(prefix)s%%d_%%d","session":{"deposit":"250"}}],'
    .. '"commit":true}', tid, n)
  return wrk.format(nil, paths[(n %% #paths) + 1], nil, body)
end
"""


def run_wrk(base: str, paths: list[str], key: str, prefix: str) -> tuple[float, int]:
    """One wrk run; (req/s, non-2xx and socket errors)."""
    script = LUA % {
        "key": key,
        "prefix": prefix,
        "paths": ", ".join(f'"{p}"' for p in paths),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        script_path = handle.name
    try:
        out = subprocess.run(
            [
                *("wrk", "-t2", f"-c{CLIENTS}", f"-d{SECONDS}s", "--timeout", "10s"),
                *("-s", script_path, base + paths[0]),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script_path)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(g) for g in sock.groups())
    return rps, errors


async def _db(url: str, statement: str, *args: Any) -> Any:
    u = make_url(url)
    conn = await admin_connect(url, u.database)
    try:
        return await conn.fetchval(statement, *args)
    finally:
        await conn.close()


def settle(url: str) -> None:
    asyncio.run(_db(url, "VACUUM ANALYZE"))
    asyncio.run(_db(url, "CHECKPOINT"))


def grants_with(url: str, prefix: str) -> int:
    return int(
        asyncio.run(_db(url, "SELECT count(*) FROM grants WHERE customer_id LIKE $1", prefix + "%"))
    )


class WaitSampler:
    """Samples the wait events of the bench database's active backends in a thread."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.counts: collections.Counter[str] = collections.Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    async def _loop(self) -> None:
        u = make_url(self.url)
        conn = await admin_connect(self.url, u.database)
        try:
            while not self._stop.is_set():
                rows = await conn.fetch(
                    "SELECT coalesce(wait_event_type || '/' || wait_event, 'CPU') AS w, "
                    "left(query, 40) AS q FROM pg_stat_activity WHERE datname = $1 "
                    "AND state = 'active' AND pid <> pg_backend_pid()",
                    u.database,
                )
                self.samples += 1
                for row in rows:
                    self.counts[row["w"]] += 1
                await asyncio.sleep(0.02)
        finally:
            await conn.close()

    @contextmanager
    def running(self) -> Iterator[None]:
        self._stop.clear()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._loop()), daemon=True)
        self._thread.start()
        try:
            yield
        finally:
            self._stop.set()
            self._thread.join()

    def report(self) -> str:
        if not self.samples:
            return "no samples"
        top = self.counts.most_common(6)
        return ", ".join(f"{w} {n / self.samples:.2f}" for w, n in top) + " (backends per sample)"


@contextmanager
def bare_server(workers: int, env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "uvicorn"),
            "bench.bare_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
            "--timeout-keep-alive",
            "120",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(300):
            try:
                httpx.post(f"{base}/bare", json={})
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    server_url = os.environ.get(
        "OPENPROMO_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    cores = os.cpu_count() or 1
    print(f"uptime: {uptime()}")
    with bench_database(server_url) as (_, env):
        url = make_url(env["OPENPROMO_DATABASE_URL"]).set(drivername="postgresql+asyncpg")
        url_s = url.render_as_string(hide_password=False)
        env = {
            **env,
            "OPENPROMO_DATABASE_URL": url_s,
            "OPENPROMO_DB_POOL_SIZE": "16",
            "OPENPROMO_DB_MAX_OVERFLOW": "8",
        }
        ids, key = asyncio.run(prepare(url_s))
        paths = [f"/v1/promotions/{pid}/validate-customers" for pid in ids]
        slices = env.get("OPENPROMO_COUNTER_SLICES", "default")
        print(
            f"{CLIENTS} connections, wrk {SECONDS} s per run, best of {REPEATS}; "
            f"{cores} cores; counter slices: {slices}"
        )
        results: dict[tuple[str, int], float] = {}
        waits: dict[int, WaitSampler] = {}
        for workers in sorted({1, cores}):
            runs: dict[str, list[float]] = {"bare": [], "hot": [], "spread": []}
            waits[workers] = WaitSampler(url_s)
            with (
                bare_server(workers, env) as bare,
                openpromo_server(env, "--workers", str(workers)) as (_, base),
            ):
                run_wrk(base, paths, key, f"w{workers}_")  # warm up every process
                run_wrk(bare, ["/bare"], key, "wb_")
                for r in range(REPEATS):
                    settle(url_s)
                    rps, errors = run_wrk(bare, ["/bare"], key, "b_")
                    runs["bare"].append(rps)
                    for kind, kind_paths in (("hot", paths[:1]), ("spread", paths)):
                        settle(url_s)
                        prefix = f"{kind}{workers}_{r}_"
                        sampler = waits[workers] if kind == "hot" else WaitSampler(url_s)
                        with sampler.running():
                            rps, errors = run_wrk(base, kind_paths, key, prefix)
                        if errors:
                            raise SystemExit(f"{kind} with {workers} workers: {errors} errors")
                        runs[kind].append(grants_with(url_s, prefix) / SECONDS)
            for kind, values in runs.items():
                results[(kind, workers)] = max(values)
                unit = "req/s" if kind == "bare" else "committed grants/s"
                print(
                    f"{workers} process(es), {kind:6}: {max(values):7.0f} {unit} "
                    f"(runs: {', '.join(f'{v:.0f}' for v in values)})"
                )
            print(f"  waits of the hot runs ({workers} process(es)): {waits[workers].report()}")
        one = results[("hot", 1)] / results[("bare", 1)]
        many = results[("hot", cores)] / results[("bare", cores)]
        hot_vs_spread = results[("hot", cores)] / results[("spread", cores)]
        print()
        print(f"hot/bare with 1 process: {one:.3f}; with {cores}: {many:.3f}")
        print(
            f"{'PASS' if many >= one else 'FAIL'} no cross-process collapse: "
            f"{many:.3f} >= {one:.3f}"
        )
        print(
            f"{'PASS' if hot_vs_spread >= 0.8 else 'FAIL'} hot/spread with {cores} processes: "
            f"{hot_vs_spread:.3f} (target >= 0.8)"
        )
        print(
            f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}"
        )


if __name__ == "__main__":
    main()
