"""The engine behind PgBouncer in transaction mode (issue 15): a private PgBouncer
(``pool_mode = transaction``, 3 server connections for the server's 8 pooled ones and the
tests'), a real ``openpromo serve`` with ``OPENPROMO_DB_POOLER=transaction`` and its embedded
worker, statement and lock timeouts set; commits racing for a cap and a truncating budget,
reservations confirmed and released, a reversal, concurrent overlapping uploads (COPY into a
temporary table, an advisory transaction lock) and bulk allocations — all through it.

Afterwards no session state is left on PgBouncer's server connections: no prepared
statement, no timeout, no advisory lock, no temporary table. And the engine *without* the
setting fails through the same PgBouncer (the fixture really pools per transaction).
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from openpromo import migrate
from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.models import Grant
from tests.conftest import PG_SERVER_URL, drop_database_url, is_postgres, make_tenant
from tests.scale.conftest import SKIP_SQLITE
from tests.scale.harness import Server, hammer, server
from tests.scale.pgbouncer import PGBOUNCER, pgbouncer, through
from tests.validation.factory import ctx, setup_world

ENV = {
    "OPENPROMO_DB_POOLER": "transaction",
    "OPENPROMO_DB_POOL_SIZE": "8",
    "OPENPROMO_DB_STATEMENT_TIMEOUT_MS": "60000",
    "OPENPROMO_DB_LOCK_TIMEOUT_MS": "30000",
}


@pytest.fixture(scope="module")
def bouncer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A fresh database, migrated through PgBouncer; yields (its URL through PgBouncer, port)."""
    if not is_postgres():
        pytest.skip(SKIP_SQLITE)
    if PGBOUNCER is None:
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer): not tested")
    from tests.conftest import new_database_url

    direct = new_database_url(tmp_path_factory.mktemp("bouncer"), "bouncer")
    try:
        with pgbouncer(PG_SERVER_URL, pool_size=3) as port:
            url = through(direct, port)
            saved = os.environ.get("OPENPROMO_DB_POOLER")
            os.environ["OPENPROMO_DB_POOLER"] = "transaction"
            get_settings.cache_clear()
            try:
                migrate.upgrade(url)
            finally:
                if saved is None:
                    os.environ.pop("OPENPROMO_DB_POOLER", None)
                else:
                    os.environ["OPENPROMO_DB_POOLER"] = saved
                get_settings.cache_clear()
            yield url, port
    finally:
        drop_database_url(direct)


@pytest.fixture(scope="module")
def pooled_server(
    bouncer: tuple[str, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("bouncer-serve") / "serve.log"
    with server(bouncer[0], log, env=ENV, args=("--worker",)) as running:
        yield running
    text_ = log.read_text()
    assert "Traceback" not in text_, text_[-3000:]


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 200, response.text
    out: dict[str, Any] = response.json()
    return out


async def test_commits_reservations_and_uploads_through_pgbouncer(
    bouncer: tuple[str, int], pooled_server: Server
) -> None:
    db = Database(bouncer[0], pooler="transaction")
    tenant = await make_tenant(db)
    capped = await setup_world(
        db,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "lifetime", "limit": 40}],
            "reward_budgets": [
                {
                    "reward_type": "eur",
                    "window": "lifetime",
                    "limit": "500",
                    "on_exceed": "truncate",
                }
            ],
        },
    )
    free = await setup_world(db, tenant.id, promocode={"type": "bulk"})
    key = tenant.admin_key

    # Commits (and dry runs in between) racing for 40 places and 500 EUR.
    path = f"/v1/promotions/{capped.promotion_id}/validate-customers"

    async def validate(client: httpx.AsyncClient, n: int) -> dict[str, Any] | None:
        commit = n % 4 != 3
        out = await _post(client, path, {"contexts": [ctx(f"c{n}")], "commit": commit})
        return out["results"][0] if commit else None

    results = [
        r for r in await hammer(pooled_server.url, key, list(range(400)), validate, clients=16) if r
    ]
    granted = [r for r in results if r["eligible"]]
    assert len(granted) == 40
    eur = Counter(x["value"] for r in granted for x in r["rewards"] if x["reward_type"] == "eur")
    assert sorted(eur.items()) == [("15.00", 33), ("5.00", 1)]

    async with httpx.AsyncClient(
        base_url=pooled_server.url, headers={"Authorization": f"Bearer {key}"}, timeout=60
    ) as client:
        # Reservations: 12 held, 6 confirmed, 6 released; one grant reversed.
        held = await _post(
            client,
            f"/v1/promotions/{free.promotion_id}/validate-customers",
            {"contexts": [ctx(f"r{i}") for i in range(12)], "commit": "reserve"},
        )
        ids = [r["reservation_id"] for r in held["results"]]
        assert len(set(ids)) == 12 and None not in ids
        for n, reservation in enumerate(ids):
            verb = "confirm" if n % 2 else "release"
            done = await client.post(f"/v1/reservations/{reservation}/{verb}")
            assert done.status_code == 200, done.text
        whole = next(r for r in granted if {"reward_type": "eur", "value": "15.00"} in r["rewards"])
        eur_grant = whole["grant_ids"][[x["reward_type"] for x in whole["rewards"]].index("eur")]
        reversed_ = await client.post(f"/v1/grants/{eur_grant}/reverse")
        assert reversed_.status_code == 200, reversed_.text

        # Two overlapping uploads at once (COPY, a temporary table, the tenant's advisory lock).
        async def upload(values: list[str]) -> dict[str, Any]:
            response = await client.post(
                f"/v1/promocodes/{free.promocode_id}/values",
                content="\n".join(values).encode(),
                headers={"content-type": "text/plain"},
            )
            assert response.status_code == 200, response.text
            report: dict[str, Any] = response.json()
            return report

        first, second = await asyncio.gather(
            upload([f"V{i:05d}" for i in range(6000)]),
            upload([f"V{i:05d}" for i in range(3000, 9000)]),
        )
        assert first["inserted"] + second["inserted"] == 9000

    # Bulk allocations from 16 clients: 100 customers, 100 different values.
    async def allocate(client: httpx.AsyncClient, n: int) -> str:
        out = await _post(
            client,
            f"/v1/promocodes/{free.promocode_id}/validate-customers",
            {"contexts": [ctx(f"a{n}")], "commit": True},
        )
        code: str = out["results"][0]["code"]
        return code

    codes = await hammer(pooled_server.url, key, list(range(100)), allocate, clients=16)
    assert len(set(codes)) == 100

    async with db.unit_of_work(write=False) as session:
        statuses = dict(
            (
                await session.execute(
                    select(Grant.status, func.count())
                    .where(Grant.tenant_id == tenant.id)
                    .group_by(Grant.status)
                )
            ).all()
        )
        live_eur = await session.scalar(
            select(func.sum(Grant.value_minor)).where(
                Grant.promotion_id == capped.promotion_id,
                Grant.status == "granted",
                Grant.reward_type == "eur",
            )
        )
        # The timeouts are the server's own settings again once a transaction is over.
        assert (await session.execute(text("SHOW statement_timeout"))).scalar() == "0"
    await db.dispose()
    # Rows (spins and eur each): 40 + 34 capped, one eur reversed; 6 + 6 reservations; 100
    # allocations.
    assert statuses == {"granted": 40 + 33 + 12 + 200, "reversed": 1, "released": 12}
    assert live_eur == 50_000 - 1_500  # the reversed grant gave its 15.00 back


async def test_no_session_state_left_on_server_connections(
    bouncer: tuple[str, int], pooled_server: Server
) -> None:
    """Probed through PgBouncer, transaction by transaction: each probe lands on one of its 3
    server connections, which the server above used for everything."""
    connection = await asyncpg.connect(
        host="127.0.0.1",
        port=bouncer[1],
        user="postgres",
        database=bouncer[0].rsplit("/", 1)[1],
        statement_cache_size=0,
    )
    try:
        for _ in range(30):
            async with connection.transaction():
                row = await connection.fetchrow(
                    "SELECT current_setting('statement_timeout') AS statement_timeout, "
                    "current_setting('lock_timeout') AS lock_timeout, "
                    "(SELECT count(*) FROM pg_prepared_statements) AS prepared, "
                    "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    " AND pid = pg_backend_pid()) AS advisory, "
                    "(SELECT count(*) FROM pg_class WHERE relpersistence = 't') AS temporary"
                )
            assert dict(row) == {
                "statement_timeout": "0",
                "lock_timeout": "0",
                "prepared": 0,
                "advisory": 0,
                "temporary": 0,
            }
    finally:
        await connection.close()


async def test_the_engine_without_the_setting_fails_through_pgbouncer(
    bouncer: tuple[str, int],
) -> None:
    """asyncpg's and SQLAlchemy's prepared statement caches on (the default): named statements
    meet other clients' on shared server connections ("does not exist", "already exists")."""
    db = Database(bouncer[0], pooler="")

    async def units(n: int) -> None:
        for j in range(30):
            async with db.unit_of_work() as session:
                await session.execute(text("SELECT CAST(:n AS int) + 1"), {"n": n})
                await session.execute(
                    text("SELECT count(*) FROM pg_class WHERE relpages > :j"), {"j": j}
                )

    try:
        with pytest.raises(DBAPIError, match="prepared statement"):
            await asyncio.gather(*(units(n) for n in range(8)))
    finally:
        await db.dispose()


async def test_timeouts_hold_in_each_transaction_and_end_with_it(
    bouncer: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENPROMO_DB_STATEMENT_TIMEOUT_MS", "4321")
    monkeypatch.setenv("OPENPROMO_DB_LOCK_TIMEOUT_MS", "1234")
    get_settings.cache_clear()
    timed = Database(bouncer[0], pooler="transaction")
    monkeypatch.delenv("OPENPROMO_DB_STATEMENT_TIMEOUT_MS")
    monkeypatch.delenv("OPENPROMO_DB_LOCK_TIMEOUT_MS")
    get_settings.cache_clear()
    plain = Database(bouncer[0], pooler="transaction")
    show = text("SELECT current_setting('statement_timeout'), current_setting('lock_timeout')")
    try:
        for _ in range(5):
            for write in (True, False):
                async with timed.unit_of_work(write=write, autocommit=not write) as session:
                    assert tuple((await session.execute(show)).one()) == ("4321ms", "1234ms")
                async with plain.unit_of_work(write=write, autocommit=not write) as session:
                    assert tuple((await session.execute(show)).one()) == ("0", "0")
    finally:
        await timed.dispose()
        await plain.dispose()
