"""Webhook endpoints: admin only, URL safety, the secret shown once, rotation with overlap."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.kit.clock import utcnow
from openpromo.webhook.safety import UnsafeUrl, check_destination
from openpromo.webhook.service import webhook_service
from tests.conftest import TenantFixture, make_client

BODY = {"url": "http://127.0.0.1:9/hook", "event_types": ["promotion.activated"]}


async def test_create_shows_the_secret_once_and_audits(
    app: FastAPI, tenant: TenantFixture, allow_loopback: None
) -> None:
    async with make_client(app, tenant.admin_key) as client:
        created = await client.post("/v1/webhook-endpoints", json={**BODY, "description": "ops"})
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["secret"].startswith("whsec_")
        assert body["event_types"] == ["promotion.activated"] and body["enabled"] is True
        got = await client.get(f"/v1/webhook-endpoints/{body['id']}")
        assert got.status_code == 200 and "secret" not in got.json()
        listed = await client.get("/v1/webhook-endpoints")
        assert [e["id"] for e in listed.json()] == [body["id"]]
        audit = await client.get(
            "/v1/audit-log", params={"object_type": "webhook_endpoint", "object_id": body["id"]}
        )
        assert [e["action"] for e in audit.json()["items"]] == ["webhook_endpoint.create"]
        assert "secret" not in str(audit.json()["items"][0]["after"])
        patched = await client.patch(
            f"/v1/webhook-endpoints/{body['id']}", json={"enabled": False, "description": "x"}
        )
        assert patched.json()["enabled"] is False and patched.json()["description"] == "x"
        deleted = await client.delete(f"/v1/webhook-endpoints/{body['id']}")
        assert deleted.status_code == 204
        assert (await client.get(f"/v1/webhook-endpoints/{body['id']}")).status_code == 404


async def test_only_admins_manage_endpoints(
    app: FastAPI, tenant: TenantFixture, allow_loopback: None
) -> None:
    async with make_client(app, tenant.admin_key) as admin:
        key = await admin.post("/v1/api-keys", json={"name": "int", "role": "integration"})
        assert key.status_code == 201, key.text
    async with make_client(app, key.json()["api_key"]) as integration:
        refused = await integration.post("/v1/webhook-endpoints", json=BODY)
        assert refused.status_code == 403
        assert refused.json()["code"] == "insufficient_role"
        assert (await integration.get("/v1/webhook-endpoints")).status_code == 403


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("http://hooks.example/x", "https://"),
        ("https://127.0.0.1/x", "private, loopback"),
        ("https://[::1]/x", "private, loopback"),
        ("https://169.254.169.254/latest", "private, loopback"),
        ("https://10.1.2.3/x", "private, loopback"),
        ("https://localhost/x", "private, loopback"),
        ("https://user:pw@example.com/x", "user name"),
        ("ftp://example.com/x", "https://"),
    ],
)
async def test_unsafe_urls_are_refused_by_default(
    app: FastAPI, tenant: TenantFixture, url: str, needle: str
) -> None:
    settings = get_settings()
    assert not settings.webhook_allow_http and not settings.webhook_allow_private_destinations
    async with make_client(app, tenant.admin_key) as client:
        refused = await client.post(
            "/v1/webhook-endpoints", json={"url": url, "event_types": ["*"]}
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["loc"] == ["body", "url"]
        assert needle in refused.json()["errors"][0]["msg"]
        assert (await client.get("/v1/webhook-endpoints")).json() == []


async def test_unknown_event_types_name_their_index(
    app: FastAPI, tenant: TenantFixture, allow_loopback: None
) -> None:
    async with make_client(app, tenant.admin_key) as client:
        refused = await client.post(
            "/v1/webhook-endpoints",
            json={"url": BODY["url"], "event_types": ["promotion.activated", "nope"]},
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["loc"] == ["body", "event_types", 1]
        types = await client.get("/v1/webhook-event-types")
        by_type = {t["type"]: t for t in types.json()}
        assert by_type["grants.created"]["opt_in"] is True
        assert "limit.threshold_reached" in by_type


async def test_a_public_name_that_resolves_to_loopback_is_refused() -> None:
    # "localhost" is a name, checked after resolution (no literal address in the URL).
    with pytest.raises(UnsafeUrl, match="resolves to a private"):
        await check_destination("https://localhost:8443/hook")


async def test_rotation_keeps_the_previous_secret_signing_for_the_overlap(
    app: FastAPI, database: Database, tenant: TenantFixture, allow_loopback: None
) -> None:
    async with make_client(app, tenant.admin_key) as client:
        created = (await client.post("/v1/webhook-endpoints", json=BODY)).json()
        rotated = await client.post(
            f"/v1/webhook-endpoints/{created['id']}/rotate-secret", json={"overlap_hours": 2}
        )
        assert rotated.status_code == 200, rotated.text
        new = rotated.json()["secret"]
        assert new != created["secret"]
    async with database.unit_of_work(write=False) as session:
        endpoint = await webhook_service.get(session, tenant.principal, created["id"])
        now = utcnow()
        assert webhook_service.secrets_of(endpoint, now) == [new, created["secret"]]
        assert webhook_service.secrets_of(endpoint, now + timedelta(hours=2, seconds=1)) == [new]


async def test_webhooks_are_in_the_openapi_document(app: FastAPI) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        schema = (await client.get("/openapi.json")).json()
    assert "limit.threshold_reached" in schema["webhooks"]
    assert "grants.created" in schema["webhooks"]
