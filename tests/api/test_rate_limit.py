from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from openpromo.app import create_app
from openpromo.config import get_settings
from tests.conftest import TenantFixture, make_client


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["memory", "redis"])
def limited_app(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, database: object
) -> Iterator[FastAPI]:
    if request.param == "redis":
        if not _redis_available():
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        monkeypatch.setenv("OPENPROMO_REDIS_URL", "redis://127.0.0.1:6379")
    monkeypatch.setenv("OPENPROMO_RATE_LIMIT", "3/minute")
    get_settings.cache_clear()
    try:
        yield create_app()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


async def test_fourth_request_in_the_window_is_429_with_headers(
    limited_app: FastAPI, tenant: TenantFixture
) -> None:
    async with make_client(limited_app, tenant.admin_key) as http:
        statuses = []
        for _ in range(3):
            ok = await http.get("/v1/tenant")
            statuses.append(ok.status_code)
        assert statuses == [200, 200, 200]
        assert ok.headers["ratelimit-limit"] == "3"
        assert ok.headers["ratelimit-remaining"] == "0"
        refused = await http.get("/v1/tenant")
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert 0 <= int(refused.headers["retry-after"]) <= 60
        assert (await http.get("/healthz")).status_code == 200  # operations are exempt


async def test_limits_are_per_key(
    limited_app: FastAPI, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    other_key = (await client.post("/v1/api-keys", json={"role": "read_only"})).json()["api_key"]
    async with (
        make_client(limited_app, tenant.admin_key) as first,
        make_client(limited_app, other_key) as second,
    ):
        for _ in range(3):
            await first.get("/v1/tenant")
        assert (await first.get("/v1/tenant")).status_code == 429
        assert (await second.get("/v1/tenant")).status_code == 200
