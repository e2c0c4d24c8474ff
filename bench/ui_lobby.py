"""Benchmark: the promotions lobby (GET /ui/promotions) with 10,000 promotions (issue 12).

    uv run python bench/ui_lobby.py                       # SQLite (a temporary file)
    uv run python bench/ui_lobby.py \
        --database-url postgresql://postgres@127.0.0.1:5432/postgres   # a fresh database

Creates a database, migrates it and makes two tenants (``openpromo tenant create --json``)
with the same catalog (a unit and an amount reward type, a session property):

* "big": 10,000 active promotions, each with an audience cap per day and a rolling 7-day
  one, a lifetime and a rolling 30-day reward budget and alert thresholds (every row of the
  lobby has four bars), and grants in 300 of them over the last days;
* "small": 10 promotions like them, with grants in 3.

Then serves the app with a real ``openpromo serve`` process and measures, for each tenant, the
response time of ``GET /ui/promotions`` as its logged-in admin sees it (client-side on the
loopback, so at least the server's time): the median of ``--repeats`` requests after two
warm-up requests. Prints both medians, the ratio big/small and PASS/FAIL against the targets
(big under 300 ms, ratio under 3); also, for information, a filtered (status) and a
searched page of the big tenant.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
from _common import OPENPROMO, bench_database, cli, openpromo_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGET_MS = 300.0
TARGET_RATIO = 3.0
BIG = 10_000
SMALL = 10

TIERS = [
    {
        "id": "high",
        "name": "High depositors",
        "condition": {"property": "session.deposit", "op": "gte", "value": "100"},
        "rewards": [
            {"reward_type": "spins", "value": {"fixed": "20"}},
            {"reward_type": "eur", "value": {"percent": "10", "of": "session.deposit"}},
        ],
    },
    {
        "id": "low",
        "name": "Everyone else",
        "condition": {"property": "session.deposit", "op": "gte", "value": "10"},
        "rewards": [{"reward_type": "spins", "value": {"fixed": "5"}}],
    },
]
BUDGETS: dict[str, Any] = {
    "audience_caps": [{"window": "day", "limit": 1000}, {"window": "rolling_7d", "limit": 5000}],
    "reward_budgets": [
        {"reward_type": "eur", "window": "lifetime", "limit": "5000"},
        {"reward_type": "spins", "window": "rolling_30d", "limit": "20000"},
    ],
    "alert_thresholds": [0.8, 1.0],
}


async def seed(url: str, env: dict[str, str], count: int, with_grants: int) -> dict[str, Any]:
    """A tenant with ``count`` active budgeted promotions, grants in ``with_grants`` of them."""
    from openpromo.auth.principal import Principal
    from openpromo.db import Database
    from openpromo.kit.ids import new_id
    from openpromo.models import Promotion
    from openpromo.validation.schemas import ValidateRequest
    from openpromo.validation.service import Target, validation_service

    created = cli(env, "tenant", "create", f"Lobby {count}", "--json")
    tenant_id = str(created["tenant_id"])
    database = Database(url)
    try:
        async with database.unit_of_work() as session:
            from openpromo.models import PropertyDefinition, RewardType

            for key, name, category, currency, decimals in (
                ("spins", "Free spins", "unit", None, 0),
                ("eur", "EUR bonus", "amount", "EUR", 2),
            ):
                session.add(
                    RewardType(
                        tenant_id=tenant_id,
                        key=key,
                        name=name,
                        display_name=name,
                        category=category,
                        currency=currency,
                        unit_name="spin" if category == "unit" else None,
                        decimals=decimals,
                        rounding="down",
                        constraints={},
                    )
                )
            session.add(
                PropertyDefinition(
                    tenant_id=tenant_id, scope="session", key="deposit", type="decimal", position=0
                )
            )
        ids: list[str] = []
        now = datetime.now(UTC)
        async with database.unit_of_work() as session:
            for i in range(count):
                promotion = Promotion(
                    id=new_id(),
                    tenant_id=tenant_id,
                    name=f"Promotion {i:05d} {'reload' if i % 7 == 0 else 'welcome'}",
                    code=f"promo-{i:05d}",
                    description="",
                    status="active",
                    version=2,
                    properties={},
                    tiers=TIERS,
                    reward_constraints={},
                    budgets=BUDGETS,
                    referenced_properties=["session.deposit"],
                    referenced_reward_types=["eur", "spins"],
                    first_activated_at=now,
                )
                session.add(promotion)
                ids.append(promotion.id)
        # Grants through the validation service, on a few days (the clock is passed in).
        principal = Principal.cli(tenant_id)
        step = max(1, count // with_grants)
        for n, pid in enumerate(ids[::step][:with_grants]):
            body = ValidateRequest.model_validate(
                {
                    "contexts": [
                        {"customer_id": f"c-{n}-{k}", "session": {"deposit": str(50 + 40 * k)}}
                        for k in range(4)
                    ],
                    "commit": True,
                }
            )
            async with database.unit_of_work() as session:
                await validation_service.validate(
                    session,
                    principal,
                    Target(promotion_id=pid),
                    body,
                    seed=b"bench",
                    now=now - timedelta(days=n % 5),
                )
    finally:
        await database.dispose()
    return created


def login(base: str, email: str, password: str) -> httpx.Client:
    http = httpx.Client(base_url=base, timeout=60)
    form = http.get("/ui/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    done = http.post(
        "/ui/login", data={"email": email, "password": password, "csrf_token": token.group(1)}
    )
    assert done.status_code == 303, done.text
    return http


def median_ms(http: httpx.Client, path: str, repeats: int, expect: int) -> float:
    for _ in range(2):
        http.get(path)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = http.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    rows = response.text.split('<table id="promotions">')[1].count('<a href="/ui/promotions/')
    assert rows == expect, f"{path}: {rows} rows, expected {expect}"
    return statistics.median(times)


def measure(url: str, env: dict[str, str], repeats: int) -> bool:
    env = {**env, "OPENPROMO_DATABASE_URL": url, "OPENPROMO_LOG_LEVEL": "WARNING"}
    os.environ.update(env)
    t0 = time.perf_counter()
    big = asyncio.run(seed(url, env, BIG, 300))
    small = asyncio.run(seed(url, env, SMALL, 3))
    print(f"seeded {BIG} + {SMALL} promotions in {time.perf_counter() - t0:.1f} s")
    if url.startswith("postgresql"):
        subprocess.run(
            [sys.executable, "-c", _ANALYZE, url], env=env, check=True, capture_output=True
        )
    with openpromo_server(env) as (_, base):
        big_http = login(base, str(big["admin_email"]), str(big["admin_password"]))
        small_http = login(base, str(small["admin_email"]), str(small["admin_password"]))
        big_ms = median_ms(big_http, "/ui/promotions", repeats, 50)
        small_ms = median_ms(small_http, "/ui/promotions", repeats, SMALL)
        active_ms = median_ms(big_http, "/ui/promotions?status=active", repeats, 50)
        search_ms = median_ms(big_http, "/ui/promotions?q=reload", repeats, 50)
        deep = big_http.get("/ui/promotions?q=09999")
        assert "Promotion 09999" in deep.text
        search_one_ms = median_ms(big_http, "/ui/promotions?q=09999", repeats, 1)
    ratio = big_ms / small_ms
    print(f"GET /ui/promotions, {BIG} promotions: {big_ms:.1f} ms (median of {repeats})")
    print(f"GET /ui/promotions, {SMALL} promotions: {small_ms:.1f} ms")
    print(f"  status=active: {active_ms:.1f} ms; q=reload: {search_ms:.1f} ms; ", end="")
    print(f"q=09999 (one match): {search_one_ms:.1f} ms")
    ok_time = big_ms < TARGET_MS
    ok_ratio = ratio < TARGET_RATIO
    print(f"{'PASS' if ok_time else 'FAIL'}: {big_ms:.1f} ms < {TARGET_MS:.0f} ms")
    print(f"{'PASS' if ok_ratio else 'FAIL'}: ratio {ratio:.2f} < {TARGET_RATIO:.0f}")
    return ok_time and ok_ratio


_ANALYZE = """
import asyncio, sys
import asyncpg
from sqlalchemy.engine import make_url
async def main():
    u = make_url(sys.argv[1])
    c = await asyncpg.connect(host=u.host, port=u.port or 5432, user=u.username,
                              password=u.password, database=u.database)
    await c.execute("ANALYZE")
    await c.close()
asyncio.run(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    with ExitStack() as stack:
        if args.database_url:
            _, env = stack.enter_context(bench_database(args.database_url))
            url = env["OPENPROMO_DATABASE_URL"]
            print("database: PostgreSQL")
        else:
            folder = stack.enter_context(TemporaryDirectory())
            url = f"sqlite+aiosqlite:///{folder}/lobby.db"
            env = {**os.environ, "OPENPROMO_DATABASE_URL": url}
            subprocess.run([OPENPROMO, "db", "upgrade"], env=env, check=True, capture_output=True)
            print("database: SQLite")
        passed = measure(url, env, args.repeats)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
