"""PostgreSQL connections cut under load (issue 18): every backend of the test's own database
is terminated again and again (``pg_terminate_backend``) while single validations, 10,000-context
commits, promocode uploads and customer imports run through a real ``openpromo serve``.

Every answer must be 200, a 4xx, or 503 problem+json with ``Retry-After`` (``…not_applied`` or
``…outcome_unknown``); no connection may be dropped; nothing may be half-stored (a request is
stored whole or not at all, and not at all when it was answered "not applied"); the counters
must equal the live grants; and the server must serve again within 5 s of the last cut.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from openpromo.db import Database
from openpromo.models import Customer, Grant, UsageCounter
from openpromo.models.promocode_value import PromocodeValue
from tests.conftest import is_postgres, make_tenant
from tests.faults.server import PORT, serve, terminate_backends
from tests.validation.factory import ctx, setup_world

pytestmark = pytest.mark.skipif(
    not is_postgres(), reason="terminates PostgreSQL backends: runs on PostgreSQL only"
)

URL = f"http://127.0.0.1:{PORT}"
NOT_APPLIED = "https://openpromo.dev/problems/unavailable_not_applied"
UNKNOWN = "https://openpromo.dev/problems/unavailable_outcome_unknown"
BIG = 10_000
ROWS = 3_000


@dataclass
class Answers:
    """What the clients got: (kind, key, status, problem type) and the transport errors."""

    got: list[tuple[str, str, int, str | None]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)

    def record(self, kind: str, key: str, response: httpx.Response) -> None:
        status = response.status_code
        problem = None
        if status >= 400:
            problem = response.json().get("type")
        self.got.append((kind, key, status, problem))
        if status == 503:
            if not response.headers.get("retry-after", "").isdigit():
                self.bad.append(f"{kind} {key}: 503 without Retry-After")
            if problem not in (NOT_APPLIED, UNKNOWN):
                self.bad.append(f"{kind} {key}: 503 of type {problem}")
            if response.headers.get("content-type") != "application/problem+json":
                self.bad.append(f"{kind} {key}: 503 not problem+json")
        elif not (status in (200, 201) or 400 <= status < 500):
            self.bad.append(f"{kind} {key}: {status} {response.text[:300]}")

    def keys(self, kind: str, *, status: int, problem: str | None = None) -> list[str]:
        return [k for (c, k, s, p) in self.got if c == kind and s == status and p == problem]


async def test_backends_terminated_under_load(fault_database: str, tmp_path: Path) -> None:
    db = Database(fault_database)
    tenant = await make_tenant(db)
    world = await setup_world(
        db,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "day", "limit": 1_000_000}],
            "reward_budgets": [{"reward_type": "eur", "window": "month", "limit": "100000000"}],
        },
    )
    bulk = await setup_world(db, tenant.id, promocode={"type": "bulk"})
    await db.dispose()
    answers = Answers()
    stop = asyncio.Event()
    validate = f"/v1/promotions/{world.promotion_id}/validate-customers"

    async def call(kind: str, key: str, request: Any) -> None:
        try:
            answers.record(kind, key, await request)
        except httpx.TransportError as exc:  # no answer: a dropped connection or a hang
            answers.dropped.append(f"{kind} {key}: {exc!r}")

    async def singles(client: httpx.AsyncClient, worker: int) -> None:
        rng = random.Random(worker)
        n = 0
        while not stop.is_set():
            n += 1
            customer = f"s{worker}-{n}"
            commit = rng.random() < 0.75
            body = {"contexts": [ctx(customer, reference=customer)], "commit": commit}
            await call("commit" if commit else "dry", customer, client.post(validate, json=body))

    async def big(client: httpx.AsyncClient) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            contexts = [ctx(f"b{n}-{j}", reference=f"b{n}-{j}") for j in range(BIG)]
            body = {"contexts": contexts, "commit": True}
            await call("big", f"b{n}-", client.post(validate, json=body))

    async def uploads(client: httpx.AsyncClient) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            values = "\n".join(f"U{n}-{j}" for j in range(ROWS)).encode()
            path = f"/v1/promocodes/{bulk.promocode_id}/values"
            request = client.post(path, content=values, headers={"content-type": "text/plain"})
            await call("upload", f"U{n}-", request)

    async def imports(client: httpx.AsyncClient) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            rows = "".join(f'{{"customer_id": "i{n}-{j}", "ltv": "5"}}\n' for j in range(ROWS))
            request = client.post(
                "/v1/customers/import",
                content=rows.encode(),
                headers={"content-type": "application/x-ndjson"},
            )
            await call("import", f"i{n}-", request)

    with serve(fault_database, tmp_path / "serve.log"):
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
        async with httpx.AsyncClient(
            base_url=URL,
            headers={"Authorization": f"Bearer {tenant.admin_key}"},
            timeout=60,
            limits=limits,
        ) as client:
            workers = [asyncio.create_task(singles(client, i)) for i in range(8)]
            workers += [asyncio.create_task(work(client)) for work in (big, uploads, imports)]
            await asyncio.sleep(1.0)
            killed = 0
            rng = random.Random(18)
            for _ in range(12):
                killed += await terminate_backends(fault_database)
                await asyncio.sleep(rng.uniform(0.2, 0.6))
            killed += await terminate_backends(fault_database)
            last_cut = time.monotonic()
            # The database is back at once: the server must serve again within 5 s.
            while True:
                ready = await client.get("/readyz")
                dry = await client.post(
                    validate, json={"contexts": [ctx("probe")], "commit": False}
                )
                if ready.status_code == 200 and dry.status_code == 200:
                    break
                assert time.monotonic() - last_cut < 5, (ready.text, dry.text)
                await asyncio.sleep(0.05)
            recovered_in = time.monotonic() - last_cut
            await asyncio.sleep(0.5)  # a little more load after the faults
            stop.set()
            await asyncio.gather(*workers)

    summary = Counter((kind, status, problem) for (kind, _, status, problem) in answers.got)
    dropped = len(answers.dropped)
    print(f"killed {killed}; recovered in {recovered_in:.2f} s; dropped {dropped}; {summary}")
    assert not answers.dropped, answers.dropped[:5]
    assert not answers.bad, answers.bad[:5]
    assert recovered_in < 5
    statuses = [s for (_, _, s, _) in answers.got]
    assert killed > 0
    assert statuses.count(503) > 0, "no request met a fault: the test tested nothing"
    assert statuses.count(200) > 0
    await check_nothing_half_stored(fault_database, tenant.id, world.promotion_id, answers)


async def check_nothing_half_stored(
    url: str, tenant_id: str, promotion_id: str, answers: Answers
) -> None:
    db = Database(url)
    try:
        async with db.unit_of_work(write=False) as session:
            granted = dict(
                (
                    await session.execute(
                        select(Grant.reference, func.count())
                        .where(Grant.tenant_id == tenant_id, Grant.status == "granted")
                        .group_by(Grant.reference)
                    )
                ).all()
            )
            values = (
                await session.scalars(
                    select(PromocodeValue.value).where(PromocodeValue.tenant_id == tenant_id)
                )
            ).all()
            customers = (
                await session.scalars(
                    select(Customer.customer_id).where(Customer.tenant_id == tenant_id)
                )
            ).all()
            counters = dict(
                (
                    await session.execute(
                        select(UsageCounter.key, func.sum(UsageCounter.used))
                        .where(UsageCounter.tenant_id == tenant_id)
                        .group_by(UsageCounter.key)
                    )
                ).all()
            )
            live_eur = await session.scalar(
                select(func.coalesce(func.sum(Grant.value_minor), 0)).where(
                    Grant.tenant_id == tenant_id,
                    Grant.promotion_id == promotion_id,
                    Grant.status == "granted",
                    Grant.reward_type == "eur",
                )
            )
            live_customers = await session.scalar(
                select(func.count(func.distinct(Grant.customer_id))).where(
                    Grant.tenant_id == tenant_id,
                    Grant.promotion_id == promotion_id,
                    Grant.status == "granted",
                )
            )
    finally:
        await db.dispose()

    # Single commits: 200 stored (two grants: spins and eur), "not applied" stored nothing.
    for reference in answers.keys("commit", status=200):
        assert granted.get(reference) == 2, reference
    for reference in answers.keys("commit", status=503, problem=NOT_APPLIED):
        assert reference not in granted, reference
    for reference in answers.keys("dry", status=200) + answers.keys("dry", status=503):
        assert reference not in granted, reference

    def stored(prefix: str, names: Any) -> int:
        return sum(1 for name in names if name and name.startswith(prefix))

    # Whole requests: all of it or none of it; none when "not applied".
    for kind, names, size in (
        ("big", [r for r in granted for _ in range(granted[r] // 2)], BIG),
        ("upload", values, ROWS),
        ("import", customers, ROWS),
    ):
        for prefix in answers.keys(kind, status=200):
            assert stored(prefix, names) == size, (kind, prefix)
        for prefix in answers.keys(kind, status=503, problem=NOT_APPLIED):
            assert stored(prefix, names) == 0, (kind, prefix)
        for prefix in answers.keys(kind, status=503, problem=UNKNOWN):
            assert stored(prefix, names) in (0, size), (kind, prefix)

    # The counters equal the live grants.
    assert counters[f"{promotion_id}:budget:eur:month"] == live_eur
    assert counters[f"{promotion_id}:cap:day"] == live_customers
