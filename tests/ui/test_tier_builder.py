"""The tiers step (tier builder) and its draft simulator through the ASGI client: roles, the
save handler's all-or-nothing set_tiers, frozen tiers, and dry runs of unsaved drafts."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI

from openpromo.db import Database
from tests.conftest import TenantFixture, make_client, make_tenant
from tests.ui.conftest import csrf_of, logged_in, make_user

TIERS = [
    {
        "id": "gold",
        "name": "Gold",
        "condition": {"all": [{"property": "session.deposit_amount", "op": "gte", "value": 100}]},
        "rewards": [
            {
                "reward_type": "eur_bonus",
                "value": {"percent": "10", "of": "session.deposit_amount", "max": "50"},
            }
        ],
    }
]


@pytest.fixture
async def shop(database: Database, app: FastAPI) -> AsyncIterator[tuple[TenantFixture, str]]:
    tenant = await make_tenant(database, "Tier builder tenant")
    async with make_client(app, tenant.admin_key) as api:
        for method, path, body in [
            (
                "POST",
                "/v1/reward-types",
                {
                    "key": "eur_bonus",
                    "name": "EUR",
                    "category": "amount",
                    "currency": "EUR",
                    "decimals": 2,
                },
            ),
            ("PUT", "/v1/schemas/session/properties/deposit_amount", {"type": "decimal"}),
        ]:
            assert (await api.request(method, path, json=body)).status_code in (200, 201)
        pid = (await api.post("/v1/promotions", json={"name": "Boost"})).json()["id"]
    yield tenant, str(pid)


async def _stored(app: FastAPI, tenant: TenantFixture, pid: str) -> dict[str, Any]:
    async with make_client(app, tenant.admin_key) as api:
        return dict((await api.get(f"/v1/promotions/{pid}")).json())


def _config(page: str) -> dict[str, Any]:
    match = re.search(
        r'<script type="application/json" id="builder-config">(.*?)</script>', page, re.S
    )
    assert match is not None
    return dict(json.loads(match.group(1).replace("<\\/", "</")))


async def test_the_page_hands_the_stored_tiers_and_catalog_to_the_builder(
    database: Database, ui_app: FastAPI, app: FastAPI, shop: tuple[TenantFixture, str]
) -> None:
    tenant, pid = shop
    viewer = await make_user(database, tenant.id, "viewer")
    async with make_client(app, tenant.admin_key) as api:
        stored = (await api.put(f"/v1/promotions/{pid}/tiers", json={"tiers": TIERS})).json()[
            "tiers"
        ]
    async with logged_in(ui_app, viewer) as http:
        page = await http.get(f"/ui/promotions/{pid}/edit/tiers")
        assert page.status_code == 200
        config = _config(page.text)
        assert config["tiers"] == stored
        assert config["readonly"] is True  # a viewer sees the builder read-only
        assert config["timezone"] == "UTC"
        refs = {p["ref"]: p["type"] for p in config["properties"]}
        assert refs["session.deposit_amount"] == "decimal"
        assert refs["context.weekday"] == "integer"
        assert [r["key"] for r in config["rewardTypes"]] == ["eur_bonus"]
        # A viewer may not save.
        refused = await http.post(
            f"/ui/promotions/{pid}/edit/tiers",
            data={"tiers": "[]", "csrf_token": csrf_of(http)},
        )
        assert refused.status_code == 403
    assert (await _stored(app, tenant, pid))["tiers"] == stored


async def test_save_stores_what_the_api_stores_or_nothing(
    database: Database, ui_app: FastAPI, app: FastAPI, shop: tuple[TenantFixture, str]
) -> None:
    tenant, pid = shop
    editor = await make_user(database, tenant.id, "editor")
    url = f"/ui/promotions/{pid}/edit/tiers"
    async with logged_in(ui_app, editor) as http:
        bad = json.loads(json.dumps(TIERS))
        bad[0]["condition"]["all"][0]["value"] = "lots"
        bad[0]["rewards"][0]["reward_type"] = "nope"
        refused = await http.post(url, data={"tiers": json.dumps(bad), "csrf_token": csrf_of(http)})
        assert refused.status_code == 422
        config = _config(refused.text)
        assert config["errors"] == {
            "tiers.0.condition.all.0.value": (
                "expected a decimal number such as \"12.50\", got 'lots'"
            ),
            "tiers.0.rewards.0.reward_type": "unknown reward type 'nope'",
        }
        assert json.loads(config["draft"]) == bad  # the unsaved draft comes back
        assert "Nothing was saved: 2 problems in the tiers" in html.unescape(refused.text)
        assert (await _stored(app, tenant, pid))["version"] == 1

        saved = await http.post(
            url, data={"tiers": json.dumps(TIERS), "then": "next", "csrf_token": csrf_of(http)}
        )
        assert saved.status_code == 303
        assert saved.headers["location"].startswith(f"/ui/promotions/{pid}/edit/limits?flash=")
    promotion = await _stored(app, tenant, pid)
    async with make_client(app, tenant.admin_key) as api:
        again = await api.put(f"/v1/promotions/{pid}/tiers", json={"tiers": TIERS})
    # Exactly what PUT …/tiers stores for the same body (numbers as decimal strings).
    assert promotion["tiers"] == again.json()["tiers"]
    assert promotion["tiers"][0]["condition"]["all"][0]["value"] == "100"


async def test_frozen_tiers_are_refused_and_unchanged(
    database: Database, ui_app: FastAPI, app: FastAPI, shop: tuple[TenantFixture, str]
) -> None:
    tenant, pid = shop
    admin = await make_user(database, tenant.id, "admin")
    async with make_client(app, tenant.admin_key) as api:
        await api.put(f"/v1/promotions/{pid}/tiers", json={"tiers": TIERS})
        assert (await api.post(f"/v1/promotions/{pid}/activate")).status_code == 200
        assert (await api.post(f"/v1/promotions/{pid}/deactivate")).status_code == 200
    before = await _stored(app, tenant, pid)
    async with logged_in(ui_app, admin) as http:
        page = await http.get(f"/ui/promotions/{pid}/edit/tiers")
        assert 'id="tiers-locked"' in page.text
        assert _config(page.text)["locked"] is True
        refused = await http.post(
            f"/ui/promotions/{pid}/edit/tiers", data={"tiers": "[]", "csrf_token": csrf_of(http)}
        )
        assert refused.status_code == 409
        assert "tiers are frozen" in refused.text
    assert await _stored(app, tenant, pid) == before


async def test_simulate_runs_the_draft_without_storing_it(
    database: Database, ui_app: FastAPI, app: FastAPI, shop: tuple[TenantFixture, str]
) -> None:
    tenant, pid = shop
    viewer = await make_user(database, tenant.id, "viewer")
    async with make_client(app, tenant.admin_key) as api:
        await api.put(f"/v1/promotions/{pid}/tiers", json={"tiers": TIERS})
    before = await _stored(app, tenant, pid)
    draft = json.loads(json.dumps(TIERS))
    draft[0]["condition"]["all"][0]["value"] = "50"
    url = f"/ui/promotions/{pid}/edit/tiers/simulate"
    async with logged_in(ui_app, viewer) as http:

        async def run(tiers: Any, deposit: str) -> str:
            response = await http.post(
                url,
                data={
                    "tiers": json.dumps(tiers),
                    "customer_id": "c-1",
                    "session.deposit_amount": deposit,
                },
                headers={"X-CSRF-Token": csrf_of(http), "HX-Request": "true"},
            )
            assert response.status_code == 200
            return html.unescape(response.text)

        stored_answer = await run(before["tiers"], "80")
        assert '<strong id="sim-tier">none</strong>' in stored_answer
        assert "Deposit amount is 80, the rule is “at least 100”" in stored_answer
        draft_answer = await run(draft, "80")
        assert '<strong id="sim-tier">Gold</strong>' in draft_answer
        assert "8.00 EUR" in draft_answer
        bad = await run([{"id": "x", "rewards": []}], "80")
        assert "Can't simulate" in bad
        assert "a tier needs at least one reward" in bad
        invalid = await run(draft, "eighty")
        assert "invalid_context" in invalid
        # "Simulate at" is a wall time in the tenant's timezone, seen by context.* rules.
        weekend = [
            {
                "id": "weekend",
                "condition": {"property": "context.weekday", "op": "in", "value": ["6", "7"]},
                "rewards": [{"reward_type": "eur_bonus", "value": {"fixed": "1"}}],
            }
        ]
        for at, tier in [("2026-12-05T10:00", "weekend"), ("2026-12-07T10:00:30", "none")]:
            response = await http.post(
                url,
                data={"tiers": json.dumps(weekend), "customer_id": "c-1", "at": at},
                headers={"X-CSRF-Token": csrf_of(http), "HX-Request": "true"},
            )
            assert f'<strong id="sim-tier">{tier}</strong>' in response.text
        nonsense = await http.post(
            url,
            data={"tiers": json.dumps(weekend), "customer_id": "c-1", "at": "soon"},
            headers={"X-CSRF-Token": csrf_of(http), "HX-Request": "true"},
        )
        assert "&#39;soon&#39; is not a date and time" in nonsense.text
    after = await _stored(app, tenant, pid)
    assert (after["tiers"], after["version"]) == (before["tiers"], before["version"])
    async with make_client(app, tenant.admin_key) as api:
        assert (await api.get("/v1/grants")).json()["items"] == []


async def test_pages_of_another_tenant_are_not_found(
    database: Database, ui_app: FastAPI, shop: tuple[TenantFixture, str]
) -> None:
    _, pid = shop
    other = await make_tenant(database, "Other tenant")
    stranger = await make_user(database, other.id, "admin")
    async with logged_in(ui_app, stranger) as http:
        assert (await http.get(f"/ui/promotions/{pid}/edit/tiers")).status_code == 404
        response = await http.post(
            f"/ui/promotions/{pid}/edit/tiers",
            data={"tiers": "[]", "csrf_token": csrf_of(http)},
        )
        assert response.status_code == 404
        sim = await http.post(
            f"/ui/promotions/{pid}/edit/tiers/simulate",
            data={"tiers": "[]", "customer_id": "c"},
            headers={"X-CSRF-Token": csrf_of(http)},
        )
        assert sim.status_code == 404
