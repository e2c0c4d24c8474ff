"""Another tenant's id answers 404 on every route — generated from the route table.

Every ``/v1`` route with an id in its path is called with tenant B's admin key on resources
that exist in tenant A: the answer must be 404 (never 403, 200 or 500), and the same request
with A's key must find the resource (not 404, no 5xx) — so B's 404 comes from the tenant
scoping, not from a malformed request. Path parameters are filled by a factory per kind (the
collection segment before the parameter); a new route whose parameter kind has no factory
fails ``test_every_route_with_an_id_has_a_factory``, so it cannot be forgotten.

Upserts by a natural key (``PUT /v1/customers/{id}``, ``PUT …/properties/{key}``) cannot
answer 404: for them B's call must leave A's resource as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from openpromo.app import create_app
from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.kit.ids import new_id
from openpromo.models import CustomerSyncRun, WebhookEndpoint
from openpromo.webhook.crypto import new_secret, seal
from openpromo.webhook.service import webhook_service
from tests.conftest import make_client, make_tenant
from tests.validation.factory import ctx, setup_world

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
# Path parameters that are not ids: every tenant has the same scopes.
NOT_IDS = {"scope"}


def v1_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path) of every /v1 route, included routers unfolded."""

    def walk(routes: Any, prefix: str) -> Iterator[tuple[str, str]]:
        for route in routes:
            if hasattr(route, "original_router"):  # an included router (FastAPI ≥ 0.16x)
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif hasattr(route, "routes") and not hasattr(route, "methods"):
                yield from walk(route.routes, prefix + getattr(route, "path", ""))
            elif getattr(route, "methods", None):
                for method in sorted(route.methods):
                    yield method, prefix + route.path

    for method, path in walk(app.routes, ""):
        if path.startswith("/v1/") and method != "HEAD":
            yield method, path


def params_of(path: str) -> list[tuple[str, str]]:
    """(collection segment, parameter name) of each path parameter."""
    out = []
    segments = path.split("/")
    for i, segment in enumerate(segments):
        match = re.fullmatch(r"\{(\w+)(?::\w+)?\}", segment)
        if match:
            out.append((segments[i - 1], match.group(1)))
    return out


def id_routes() -> list[tuple[str, str]]:
    return sorted(
        (method, path)
        for method, path in set(v1_routes(create_app()))
        if any(name not in NOT_IDS for _, name in params_of(path))
    )


@dataclass
class WorldA:
    promotion_id: str
    promocode_id: str
    campaign_id: str
    grant_id: str
    key_id: str
    run_id: str
    user_id: str
    webhook_endpoint_id: str = ""
    webhook_delivery_id: str = ""
    reservation_id: str = ""


# One factory per path parameter kind: which of tenant A's resources fills it.
FACTORIES: dict[str, Callable[[WorldA], str]] = {
    "promotions": lambda w: w.promotion_id,
    "promocodes": lambda w: w.promocode_id,
    "campaigns": lambda w: w.campaign_id,
    "grants": lambda w: w.grant_id,
    "api-keys": lambda w: w.key_id,
    "runs": lambda w: w.run_id,
    "users": lambda w: w.user_id,
    "reward-types": lambda w: "eur",
    "schemas": lambda w: "customer",
    "properties": lambda w: "ltv",
    "customers": lambda w: "cust-a",
    "webhook-endpoints": lambda w: w.webhook_endpoint_id,
    "webhook-deliveries": lambda w: w.webhook_delivery_id,
    "reservations": lambda w: w.reservation_id,
}

VALIDATE = {"json": {"contexts": [ctx("someone")]}}
# What each request carries, so that it passes validation and reaches the lookup.
REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/promocodes/{promocode_id}/validate-customers"): VALIDATE,
    ("POST", "/v1/promotions/{promotion_id}/validate-customers"): VALIDATE,
    ("PATCH", "/v1/reward-types/{key}"): {"json": {"name": "Renamed"}},
    ("PUT", "/v1/reward-types/{key}/image"): {
        "content": PNG,
        "headers": {"content-type": "image/png"},
    },
    ("PATCH", "/v1/promotions/{promotion_id}"): {"json": {"name": "Renamed"}},
    ("PUT", "/v1/promotions/{promotion_id}/properties"): {"json": {}},
    ("PUT", "/v1/promotions/{promotion_id}/tiers"): {"json": {"tiers": []}},
    ("PUT", "/v1/promotions/{promotion_id}/reward-constraints"): {"json": {}},
    ("PUT", "/v1/promotions/{promotion_id}/budgets"): {"json": {}},
    ("POST", "/v1/promotions/{promotion_id}/transaction"): {
        "json": {"commands": [{"command": "set_metadata", "name": "Renamed"}]}
    },
    ("PATCH", "/v1/promocodes/{promocode_id}"): {"json": {"name": "Renamed"}},
    ("PUT", "/v1/promocodes/{promocode_id}/type"): {"json": {"type": "bulk"}},
    ("PUT", "/v1/promocodes/{promocode_id}/promotion"): {"json": {"promotion_id": "<promotion>"}},
    ("POST", "/v1/promocodes/{promocode_id}/values"): {
        "content": b"NEWVALUE1\n",
        "headers": {"content-type": "text/plain"},
    },
    ("POST", "/v1/promocodes/{promocode_id}/values/generate"): {"json": {"count": 1}},
    ("PATCH", "/v1/campaigns/{campaign_id}"): {"json": {"name": "Renamed"}},
    ("PATCH", "/v1/users/{user_id}"): {"json": {"role": "editor"}},
    ("POST", "/v1/users/{user_id}/password"): {"json": {}},
    ("PUT", "/v1/customers/{customer_id:path}"): {"json": {"properties": {}}},
    ("PUT", "/v1/schemas/{scope}/properties/{key}"): {"json": {"type": "string"}},
    ("PATCH", "/v1/webhook-endpoints/{endpoint_id}"): {"json": {"description": "Renamed"}},
    ("POST", "/v1/webhook-endpoints/{endpoint_id}/redeliver"): {
        "json": {"since": "2026-01-01T00:00:00Z"}
    },
}
# Upserts by natural key: B's call creates B's own; A's must be unchanged (read with GET).
UPSERTS: dict[tuple[str, str], str] = {
    ("PUT", "/v1/customers/{customer_id:path}"): "/v1/customers/cust-a",
    ("PUT", "/v1/schemas/{scope}/properties/{key}"): "/v1/schemas/customer",
}

ROUTES = id_routes()


def test_every_route_with_an_id_has_a_factory() -> None:
    assert len(ROUTES) >= 40  # the route table was read (a broken walk would find none)
    missing = sorted(
        {
            f"{segment}/{{{name}}} ({method} {path})"
            for method, path in ROUTES
            for segment, name in params_of(path)
            if segment not in FACTORIES
        }
    )
    assert missing == [], f"add a factory for these path parameters: {missing}"


async def _world_a(database: Database, client_a: httpx.AsyncClient, tenant_id: str) -> WorldA:
    campaign_id = new_id()
    world = await setup_world(
        database,
        tenant_id,
        promocode={"type": "shared"},
        values=[f"A{new_id()[-10:]}"],
        campaigns=[campaign_id],
        customers={"cust-a": {"ltv": "10"}},
    )
    assert world.promocode_id is not None
    granted = await client_a.post(
        f"/v1/promotions/{world.promotion_id}/validate-customers",
        json={"contexts": [ctx("cust-a")], "commit": True},
    )
    assert granted.status_code == 200, granted.text
    grant_id = granted.json()["results"][0]["grant_ids"][0]
    reserved = await client_a.post(
        f"/v1/promotions/{world.promotion_id}/validate-customers",
        json={"contexts": [ctx("cust-r")], "commit": "reserve"},
    )
    assert reserved.status_code == 200, reserved.text
    reservation_id = reserved.json()["results"][0]["reservation_id"]
    assert reservation_id
    image = await client_a.put(
        "/v1/reward-types/eur/image", content=PNG, headers={"content-type": "image/png"}
    )
    assert image.status_code < 300, image.text
    key = await client_a.post("/v1/api-keys", json={"name": "other", "role": "read_only"})
    assert key.status_code == 201, key.text
    user = await client_a.post(
        "/v1/users", json={"email": f"a-{new_id().lower()}@example.com", "role": "viewer"}
    )
    assert user.status_code == 201, user.text
    run_id = new_id()
    async with database.unit_of_work() as session:
        session.add(
            CustomerSyncRun(
                id=run_id,
                tenant_id=tenant_id,
                status="succeeded",
                trigger="manual",
                created_at=datetime.now(UTC),
            )
        )
    endpoint_id = new_id()
    async with database.unit_of_work() as session:
        # Stored directly: the URL checks (DNS) are webhook tests' business.
        session.add(
            WebhookEndpoint(
                id=endpoint_id,
                tenant_id=tenant_id,
                url="https://hooks.example/a",
                description="",
                event_types=["*"],
                enabled=True,
                secret_enc=seal(new_secret()),
                failed_deliveries_in_a_row=0,
            )
        )
    async with database.unit_of_work() as session:
        _, delivery_id = await webhook_service.send_test(
            session, Principal.cli(tenant_id), endpoint_id
        )
    return WorldA(
        world.promotion_id,
        world.promocode_id,
        campaign_id,
        grant_id,
        key.json()["id"],
        run_id,
        user.json()["id"],
        endpoint_id,
        delivery_id,
        reservation_id,
    )


def _request(path: str, world: WorldA, method: str) -> tuple[str, dict[str, Any]]:
    url = path
    for segment, name in params_of(path):
        pattern = re.compile(r"\{" + name + r"(?::\w+)?\}")
        url = pattern.sub(FACTORIES[segment](world), url, count=1)
    kwargs = dict(REQUESTS.get((method, path), {}))
    if "json" in kwargs and kwargs["json"] == {"promotion_id": "<promotion>"}:
        kwargs["json"] = {"promotion_id": world.promotion_id}
    return url, kwargs


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_another_tenants_id_is_not_found(
    app: FastAPI, database: Database, method: str, path: str
) -> None:
    a = await make_tenant(database, "Tenant A")
    b = await make_tenant(database, "Tenant B")
    async with make_client(app, a.admin_key) as client_a, make_client(app, b.admin_key) as client_b:
        world = await _world_a(database, client_a, a.id)
        url, kwargs = _request(path, world, method)
        upsert_read = UPSERTS.get((method, path))
        before = (await client_a.get(upsert_read)).json() if upsert_read else None
        as_b = await client_b.request(method, url, **kwargs)
        if upsert_read is not None:
            assert as_b.status_code < 300, as_b.text
            assert (await client_a.get(upsert_read)).json() == before
        else:
            assert as_b.status_code == 404, f"{method} {url} as B: {as_b.status_code} {as_b.text}"
        as_a = await client_a.request(method, url, **kwargs)
        assert as_a.status_code != 404 and as_a.status_code < 500, (
            f"{method} {url} as A: {as_a.status_code} {as_a.text}"
        )
