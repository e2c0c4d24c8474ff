"""The promotion page with grants made through the API: the chart JSON's numbers, the
threshold colours, the burn-rate sentence, the empty state, and assigning a promocode."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI

from openpromo.db import Database
from openpromo.ui.promotion_charts import show_date
from tests.conftest import TenantFixture
from tests.ui.conftest import csrf_of, field_error, logged_in, make_user

EUR_TIERS = [
    {
        "id": "high",
        "name": "High depositors",
        "condition": {"property": "session.deposit_amount", "op": "gte", "value": "100"},
        "rewards": [
            {
                "reward_type": "eur_bonus",
                "value": {"percent": "10", "of": "session.deposit_amount"},
            },
            {"reward_type": "spins", "value": {"fixed": "20"}},
        ],
    }
]


def chart_json(page_html: str) -> dict[str, Any]:
    match = re.search(
        r'<script type="application/json" id="promotion-charts">(.*?)</script>', page_html, re.S
    )
    assert match, "the page has no chart data"
    return dict(json.loads(html.unescape(match.group(1))))


async def _promotion(client: httpx.AsyncClient, budgets: dict[str, Any]) -> str:
    for method, path, body in [
        (
            "POST",
            "/v1/reward-types",
            {
                "key": "eur_bonus",
                "name": "EUR bonus",
                "display_name": "Bonus money",
                "category": "amount",
                "currency": "EUR",
                "decimals": 2,
            },
        ),
        ("POST", "/v1/reward-types", {"key": "spins", "name": "Spins", "category": "unit"}),
        ("PUT", "/v1/schemas/session/properties/deposit_amount", {"type": "decimal"}),
    ]:
        response = await client.request(method, path, json=body)
        assert response.status_code in (200, 201), response.text
    pid = str((await client.post("/v1/promotions", json={"name": "Charted"})).json()["id"])
    assert (
        await client.put(f"/v1/promotions/{pid}/tiers", json={"tiers": EUR_TIERS})
    ).status_code == 200
    assert (await client.put(f"/v1/promotions/{pid}/budgets", json=budgets)).status_code == 200
    return pid


async def test_promotion_page_charts_from_grants_made_through_the_api(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    pid = await _promotion(
        client,
        {
            "audience_caps": [{"window": "lifetime", "limit": 4}],
            "reward_budgets": [
                {
                    "reward_type": "eur_bonus",
                    "window": "lifetime",
                    "limit": "100",
                    "on_exceed": "truncate",
                },
                {"reward_type": "spins", "window": "day", "limit": "1000"},
            ],
            "alert_thresholds": [0.5, 1.0],
        },
    )
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http:
        empty = await http.get(f"/ui/promotions/{pid}")
        assert empty.status_code == 200
        assert "No grants yet." in empty.text
        assert chart_json(empty.text)["empty"] is True

    assert (await client.post(f"/v1/promotions/{pid}/activate")).status_code == 200
    granted = await client.post(
        f"/v1/promotions/{pid}/validate-customers",
        json={
            "contexts": [
                {"customer_id": "a", "session": {"deposit_amount": "250"}},
                {"customer_id": "b", "session": {"deposit_amount": "300.50"}},
                {"customer_id": "c", "session": {"deposit_amount": "50"}},  # no tier
            ],
            "commit": True,
        },
    )
    assert granted.status_code == 200, granted.text
    assert granted.json()["summary"]["eligible"] == 2

    async with logged_in(ui_app, viewer) as http:
        page = await http.get(f"/ui/promotions/{pid}")
    assert page.status_code == 200
    data = chart_json(page.text)
    tenant_tz = (await client.get("/v1/tenant")).json()["timezone"]
    today = datetime.now(UTC).astimezone(ZoneInfo(tenant_tz)).date()
    assert data["empty"] is False
    assert data["days"][-1] == today.isoformat() and len(data["days"]) == 14
    assert data["grants"][-1] == 4 and sum(data["grants"]) == 4  # 2 customers x 2 rewards
    assert data["customers"][-1] == 2
    rewards = {r["key"]: r for r in data["rewards"]}
    assert rewards["eur_bonus"]["label"] == "Bonus money"
    assert rewards["eur_bonus"]["unit"] == "EUR"
    assert rewards["eur_bonus"]["values"][-1] == "55.05"  # 25.00 + 30.05
    assert rewards["spins"]["values"][-1] == "40"
    eur, spins, cap = data["limits"]
    assert (eur["title"], eur["used"], eur["limit"]) == (
        "Bonus money budget · lifetime",
        "55.05",
        "100.00",
    )
    assert eur["use"][-1] == "55.05" and eur["use"][0] == "0.00"
    assert (eur["percent"], eur["level"]) == ("55.1", "warn")  # past the 50 % threshold
    # 55.05 in 7 days is 7.86 a day; 44.95 left lasts 5 more days.
    until = show_date(today + timedelta(days=5))
    assert eur["burn"] == (
        "At the last 7 days' rate (7.86 EUR per day) the lifetime budget of 100.00 EUR lasts "
        f"until {until}."
    )
    assert (spins["window"], spins["used"], spins["level"]) == ("day", "40", "ok")
    assert (cap["kind"], cap["used"], cap["use"][-1], cap["level"]) == ("cap", "2", "2", "warn")
    # The bars and the text of the page say the same.
    assert "Bonus money · lifetime — 55.05 / 100.00 EUR" in page.text
    assert 'class="budget level-warn"' in page.text
    assert eur["burn"] in html.unescape(page.text)

    # Spent to the limit (the budget truncates the last reward): red, and says so.
    more = await client.post(
        f"/v1/promotions/{pid}/validate-customers",
        json={
            "contexts": [{"customer_id": "d", "session": {"deposit_amount": "1000"}}],
            "commit": True,
        },
    )
    assert {"reward_type": "eur_bonus", "value": "44.95"} in more.json()["results"][0]["rewards"]
    async with logged_in(ui_app, viewer) as http:
        after = chart_json((await http.get(f"/ui/promotions/{pid}")).text)
    eur_after = after["limits"][0]
    assert (eur_after["used"], eur_after["percent"], eur_after["level"]) == (
        "100.00",
        "100.0",
        "bad",
    )
    assert eur_after["burn"] == "The lifetime budget of 100.00 EUR is exhausted."
    assert after["grants"][-1] == 6


async def test_assign_and_unassign_a_promocode_from_the_promotion_page(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    pid = await _promotion(client, {})
    other = str((await client.post("/v1/promotions", json={"name": "Other"})).json()["id"])
    free = (
        await client.post(
            "/v1/promocodes", json={"name": "Free one", "type": "shared", "value": "FREE1"}
        )
    ).json()
    taken = (
        await client.post(
            "/v1/promocodes",
            json={"name": "Taken", "type": "shared", "value": "TAKEN1", "promotion_id": other},
        )
    ).json()
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, editor) as http:
        page = await http.get(f"/ui/promotions/{pid}")
        assert "Free one (shared: FREE1)" in page.text
        assert "Taken (" not in page.text  # assigned elsewhere: not offered
        missing = await http.post(
            f"/ui/promotions/{pid}/promocodes",
            data={"promocode_id": "", "csrf_token": csrf_of(http)},
        )
        assert missing.status_code == 422
        assert field_error(missing.text, "promocode_id") == "choose a promocode to assign"
        done = await http.post(
            f"/ui/promotions/{pid}/promocodes",
            data={"promocode_id": free["id"], "csrf_token": csrf_of(http)},
        )
        assert done.status_code == 303
        assert done.headers["location"].endswith("#promocodes")
        assert (await client.get(f"/v1/promocodes/{free['id']}")).json()["promotion_id"] == pid
        page = await http.get(f"/ui/promotions/{pid}")
        assigned = page.text.split('id="assigned-promocodes"')[1].split("</table>")[0]
        assert "Free one" in assigned
        # Unassigning a code of another promotion from this page is refused.
        wrong = await http.post(
            f"/ui/promotions/{pid}/promocodes/{taken['id']}/unassign",
            data={"csrf_token": csrf_of(http)},
        )
        assert wrong.status_code == 422
        assert (await client.get(f"/v1/promocodes/{taken['id']}")).json()["promotion_id"] == other
        undone = await http.post(
            f"/ui/promotions/{pid}/promocodes/{free['id']}/unassign",
            data={"csrf_token": csrf_of(http)},
        )
        assert undone.status_code == 303
    assert (await client.get(f"/v1/promocodes/{free['id']}")).json()["promotion_id"] is None
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http:
        refused = await http.post(
            f"/ui/promotions/{pid}/promocodes",
            data={"promocode_id": free["id"], "csrf_token": csrf_of(http)},
        )
        assert refused.status_code == 403
        assert 'id="assign-promocode"' not in (await http.get(f"/ui/promotions/{pid}")).text
