from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from tests.conftest import TenantFixture, make_client


async def test_replay_returns_the_stored_response_without_a_second_write(
    client: httpx.AsyncClient,
) -> None:
    headers = {"Idempotency-Key": "create-ci-key-1"}
    body = {"name": "ci", "role": "read_only"}
    first = await client.post("/v1/api-keys", json=body, headers=headers)
    second = await client.post("/v1/api-keys", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    names = [k["name"] for k in (await client.get("/v1/api-keys")).json()["items"]]
    assert names.count("ci") == 1


async def test_same_key_with_a_different_body_is_422(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "k-2"}
    assert (
        await client.post("/v1/api-keys", json={"role": "read_only"}, headers=headers)
    ).status_code == 201
    response = await client.post("/v1/api-keys", json={"role": "admin"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


async def test_keys_are_per_tenant(
    app: FastAPI, client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    from openpromo.db import get_database
    from tests.conftest import make_tenant

    other = await make_tenant(get_database())
    headers = {"Idempotency-Key": "shared-key"}
    mine = await client.post("/v1/api-keys", json={"role": "read_only"}, headers=headers)
    async with make_client(app, other.admin_key) as other_client:
        theirs = await other_client.post(
            "/v1/api-keys", json={"role": "read_only"}, headers=headers
        )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


async def test_failed_request_does_not_burn_the_key(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "retry-me"}
    bad = await client.post("/v1/api-keys", json={"role": "nope"}, headers=headers)
    assert bad.status_code == 422
    good = await client.post("/v1/api-keys", json={"role": "nope"}, headers=headers)
    assert good.status_code == 422  # still validated, not replayed: nothing was stored
    ok = await client.post(
        "/v1/api-keys", json={"role": "read_only"}, headers={"Idempotency-Key": "retry-me"}
    )
    assert ok.status_code == 201


async def test_concurrent_requests_with_one_key_create_once(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "race"}
    body = {"name": "raced", "role": "read_only"}
    responses = await asyncio.gather(
        *[client.post("/v1/api-keys", json=body, headers=headers) for _ in range(5)],
        return_exceptions=True,
    )
    assert all(isinstance(r, httpx.Response) for r in responses), responses
    ok = [r for r in responses if isinstance(r, httpx.Response) and r.status_code == 201]
    assert len(ok) == 5, [getattr(r, "text", r) for r in responses]
    assert len({r.json()["id"] for r in ok}) == 1
    names = [k["name"] for k in (await client.get("/v1/api-keys")).json()["items"]]
    assert names.count("raced") == 1
