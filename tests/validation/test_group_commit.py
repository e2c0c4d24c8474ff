"""Group commit (openpromo.validation.coalescing): concurrent small commits to one target share
a transaction, and each request still gets exactly its own answer.

The requests go through the ASGI app in one event loop, as they would reach one server
process; on PostgreSQL the transactions are real and concurrent.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.kit.request_context import request_id_var
from openpromo.models import Grant, UsageCounter
from openpromo.validation import coalescing
from openpromo.validation.service import ValidationService
from tests.conftest import TenantFixture, is_postgres, make_client
from tests.validation.factory import ctx, setup_world

N = 32 if is_postgres() else 12


@pytest.fixture
def grouped(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records the number of requests in every shared transaction."""
    sizes: list[int] = []
    together = ValidationService.validate_together

    async def spy(
        self: ValidationService,
        session: Any,
        principal: Any,
        target: Any,
        bodies: Any,
        **kwargs: Any,
    ) -> Any:
        sizes.append(len(bodies))
        return await together(self, session, principal, target, bodies, **kwargs)

    monkeypatch.setattr(ValidationService, "validate_together", spy)
    return sizes


async def _commit_all(
    app: FastAPI, key: str, path: str, bodies: list[dict[str, Any]], *, ids: bool = False
) -> list[httpx.Response]:
    """Posts every body at once; with ``ids``, request i carries X-Request-ID ``req-i``."""
    async with make_client(app, key) as client:
        return list(
            await asyncio.gather(
                *(
                    client.post(
                        path, json=body, headers={"X-Request-ID": f"req-{i}"} if ids else {}
                    )
                    for i, body in enumerate(bodies)
                )
            )
        )


async def test_each_request_gets_its_own_results_and_summary(
    app: FastAPI, database: Database, tenant: TenantFixture, grouped: list[int]
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    bodies = [
        {"contexts": [ctx(f"own{i}", "150" if i % 2 else "20")], "commit": True} for i in range(N)
    ]
    responses = await _commit_all(app, tenant.admin_key, path, bodies)
    assert max(grouped, default=1) > 1  # requests did share transactions
    for i, response in enumerate(responses):
        assert response.status_code == 200, response.text
        out = response.json()
        assert [r["customer_id"] for r in out["results"]] == [f"own{i}"]
        expected = {"eur": "15.00", "spins": "20"} if i % 2 else {"spins": "5"}
        assert out["summary"] == {"eligible": 1, "ineligible": 0, "rewards_total": expected}
        assert out["commit"] is True
    async with database.unit_of_work(write=False) as session:
        grants = await session.scalar(
            select(func.count()).where(Grant.promotion_id == world.promotion_id)
        )
    assert grants == N + N // 2  # two rewards for the high tier, one for the low


async def test_grouped_commits_spend_a_budget_exactly(
    app: FastAPI, database: Database, tenant: TenantFixture, grouped: list[int]
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "day", "limit": 7}],
            "reward_budgets": [
                {"reward_type": "eur", "window": "day", "limit": "50", "on_exceed": "truncate"}
            ],
        },
    )
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    bodies = [{"contexts": [ctx(f"b{i}", "150")], "commit": True} for i in range(N)]
    responses = await _commit_all(app, tenant.admin_key, path, bodies)
    assert all(r.status_code == 200 for r in responses)
    assert sum(r.json()["summary"]["eligible"] for r in responses) == 7
    async with database.unit_of_work(write=False) as session:
        eur = await session.scalar(
            select(func.coalesce(func.sum(Grant.value_minor), 0)).where(
                Grant.promotion_id == world.promotion_id,
                Grant.reward_type == "eur",
                Grant.status == "granted",
            )
        )
        used = await session.scalar(
            select(func.sum(UsageCounter.used)).where(
                UsageCounter.tenant_id == tenant.id,
                UsageCounter.key == f"{world.promotion_id}:budget:eur:day",
            )
        )
    assert eur == used == 5_000  # 15 € asked by each, truncated at the 50 € budget


async def test_the_same_reference_in_concurrent_requests_grants_once(
    app: FastAPI, database: Database, tenant: TenantFixture, grouped: list[int]
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    bodies = [
        {"contexts": [ctx(f"r{i}", "150", reference="same-ref")], "commit": True} for i in range(N)
    ] + [{"contexts": [ctx(f"other{i}", "150")], "commit": True} for i in range(N)]
    responses = await _commit_all(app, tenant.admin_key, path, bodies)
    assert all(r.status_code == 200 for r in responses)
    with_ref = [r.json()["results"][0] for r in responses[:N]]
    assert len({tuple(r["grant_ids"]) for r in with_ref}) == 1
    assert all(r["reasons"] == [] for r in with_ref)
    async with database.unit_of_work(write=False) as session:
        referenced = await session.scalar(
            select(func.count()).where(
                Grant.promotion_id == world.promotion_id, Grant.reference == "same-ref"
            )
        )
    assert referenced == 2  # one grant per reward of the one granted context


@pytest.mark.parametrize("commit", [True, False], ids=["commit", "dry_run"])
async def test_a_failed_shared_transaction_reruns_each_request_alone(
    app: FastAPI,
    database: Database,
    tenant: TenantFixture,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    commit: bool,
) -> None:
    calls: list[int] = []

    async def broken(
        self: ValidationService,
        session: Any,
        principal: Any,
        target: Any,
        bodies: Any,
        **kwargs: Any,
    ) -> Any:
        calls.append(len(bodies))
        raise RuntimeError("the shared transaction failed")

    alone = ValidationService.validate
    ran_as: dict[str, str | None] = {}  # customer -> the request id its rerun logged under

    async def spy_alone(
        self: ValidationService, session: Any, principal: Any, target: Any, body: Any, **kw: Any
    ) -> Any:
        ran_as[body.contexts[0].customer_id] = request_id_var.get()
        return await alone(self, session, principal, target, body, **kw)

    monkeypatch.setattr(ValidationService, "validate_together", broken)
    monkeypatch.setattr(ValidationService, "validate", spy_alone)
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    bodies = [{"contexts": [ctx(f"f{i}", "150")], "commit": commit} for i in range(N)]
    with caplog.at_level(logging.INFO, logger="openpromo.validation.coalescing"):
        responses = await _commit_all(app, tenant.admin_key, path, bodies, ids=True)
    assert calls  # a shared transaction was tried
    # Each rerun runs under its own request's id, and the failure names the grouped ones.
    assert ran_as == {f"f{i}": f"req-{i}" for i in range(N)}
    failures = [r for r in caplog.records if "grouped validation" in r.getMessage()]
    assert len(failures) == len(calls)
    named = [rid for r in failures for rid in r.fields["grouped_request_ids"]]  # type: ignore[attr-defined]
    assert len(named) == sum(calls) and set(named) <= {f"req-{i}" for i in range(N)}
    assert "the shared transaction failed" in failures[0].getMessage()
    assert all(r.status_code == 200 for r in responses), responses[0].text
    assert [r.json()["results"][0]["customer_id"] for r in responses] == [f"f{i}" for i in range(N)]
    assert all(r.json()["results"][0]["eligible"] for r in responses)
    assert all(r.json()["commit"] is commit for r in responses)


async def test_requests_with_an_idempotency_key_or_many_contexts_go_alone(
    app: FastAPI, database: Database, tenant: TenantFixture, grouped: list[int]
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    big = coalescing.MAX_GROUPED_CONTEXTS + 1
    async with make_client(app, tenant.admin_key) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    path,
                    json={"contexts": [ctx(f"k{i}", "150")], "commit": True},
                    headers={"Idempotency-Key": f"key-{i}"},
                )
                for i in range(N)
            ),
            client.post(
                path,
                json={"contexts": [ctx(f"big{i}", "150") for i in range(big)], "commit": True},
            ),
        )
    assert all(r.status_code == 200 for r in responses)
    assert grouped == []


async def test_an_interrupted_group_leaves_no_request_waiting(
    app: FastAPI, database: Database, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def cancelled(*args: Any, **kwargs: Any) -> None:
        raise asyncio.CancelledError

    monkeypatch.setattr(coalescing, "_run", cancelled)
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    bodies = [{"contexts": [ctx(f"x{i}", "150")], "commit": True} for i in range(4)]
    async with make_client(app, tenant.admin_key) as client:
        outcomes = await asyncio.wait_for(
            asyncio.gather(
                *(client.post(path, json=body) for body in bodies), return_exceptions=True
            ),
            timeout=30,
        )
    # Each request ends, none hangs: a 503 with Retry-After — "outcome unknown" for the
    # requests of the interrupted batch (it may have committed), "not applied" for the rest
    # (docs/faults.md).
    assert len(outcomes) == 4
    problems = "https://openpromo.dev/problems/unavailable_"
    for outcome in outcomes:
        assert isinstance(outcome, httpx.Response), outcome
        assert outcome.status_code == 503, outcome.text
        assert outcome.headers["retry-after"] == "1"
        assert outcome.json()["type"] in (problems + "outcome_unknown", problems + "not_applied")


async def test_grouped_dry_runs_answer_as_if_each_were_alone(
    app: FastAPI,
    database: Database,
    tenant: TenantFixture,
    grouped: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Dry runs share their reads but not the cap: each request of a group sees all 3 places
    left, picks its customers with its own seed, and gets exactly the answer it gets when it
    runs alone; repeated references across requests are not repeats; nothing is written."""
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "day", "limit": 3}],
            "audience_selection": {"method": "random"},
        },
    )
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    bodies = [
        {
            "contexts": [
                {**ctx(f"dry{i}_{j}", "150" if j % 2 else "20"), "reference": f"ref-{j}"}
                for j in range(5)
            ]
        }
        for i in range(N)
    ]
    together = await _commit_all(app, tenant.admin_key, path, bodies)
    assert max(grouped, default=1) > 1  # requests did share their reads
    monkeypatch.setattr(get_settings(), "group_dry_runs", False)
    grouped.clear()
    async with make_client(app, tenant.admin_key) as client:
        alone = [await client.post(path, json=body) for body in bodies]
    assert grouped == []
    for grouped_response, alone_response in zip(together, alone, strict=True):
        assert grouped_response.status_code == alone_response.status_code == 200
        assert grouped_response.json() == alone_response.json()
        out = grouped_response.json()
        assert out["summary"]["eligible"] == 3  # the cap's 3 places, seen whole by each
        assert all(
            r["reasons"] == [] or r["reasons"][0]["code"] != "invalid_context"
            for r in out["results"]
        )
    async with database.unit_of_work(write=False) as session:
        grants = await session.scalar(
            select(func.count()).where(Grant.promotion_id == world.promotion_id)
        )
        counters = await session.scalar(
            select(func.count()).where(UsageCounter.tenant_id == tenant.id)
        )
    assert (grants, counters) == (0, 0)
