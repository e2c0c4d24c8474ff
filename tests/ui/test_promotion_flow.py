"""The guided promotion flow (ui/promotion_flow.py) through the ASGI client: every step's
POST, roles, errors next to their fields, and what the API stores afterwards."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import httpx
from fastapi import FastAPI

from openpromo.db import Database
from tests.conftest import TenantFixture
from tests.ui.conftest import csrf_of, field_error, logged_in, make_user

TIERS = [
    {
        "id": "vip",
        "name": "VIP depositors",
        "condition": {
            "all": [
                {"property": "session.deposit_amount", "op": "gte", "value": "100"},
                {"property": "customer.vip_level", "op": "eq", "value": "gold"},
            ]
        },
        "rewards": [
            {
                "reward_type": "eur_bonus",
                "value": {"percent": "10", "of": "session.deposit_amount", "max": "50"},
            },
            {"reward_type": "free_spins", "value": {"fixed": "20"}},
        ],
    }
]


async def catalog(client: httpx.AsyncClient, *, required_region: bool = False) -> None:
    """Reward types and the three schemas, through the API."""
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("PATCH", "/v1/tenant", {"timezone": "Europe/Berlin"}),
        (
            "POST",
            "/v1/reward-types",
            {
                "key": "eur_bonus",
                "name": "EUR bonus",
                "category": "amount",
                "currency": "EUR",
                "constraints": {"max_value": "100", "grant_expires_after": "P14D"},
            },
        ),
        (
            "POST",
            "/v1/reward-types",
            {"key": "free_spins", "name": "Free spins", "category": "unit"},
        ),
        ("PUT", "/v1/schemas/session/properties/deposit_amount", {"type": "decimal"}),
        (
            "PUT",
            "/v1/schemas/customer/properties/vip_level",
            {"type": "string", "allowed_values": ["bronze", "silver", "gold"]},
        ),
        ("PUT", "/v1/schemas/customer/properties/ltv", {"type": "decimal"}),
        (
            "PUT",
            "/v1/schemas/promotion/properties/region",
            {"type": "string", "allowed_values": ["EU", "US"], "required": required_region},
        ),
        ("PUT", "/v1/schemas/promotion/properties/priority", {"type": "integer"}),
        ("PUT", "/v1/schemas/promotion/properties/launch_date", {"type": "date"}),
        ("PUT", "/v1/schemas/promotion/properties/starts_at", {"type": "datetime"}),
        ("PUT", "/v1/schemas/promotion/properties/featured", {"type": "boolean"}),
        ("PUT", "/v1/schemas/promotion/properties/games", {"type": "string_list"}),
    ]
    for method, path, body in calls:
        response = await client.request(method, path, json=body)
        assert response.status_code in (200, 201), (path, response.text)


async def new_promotion(client: httpx.AsyncClient, *, tiers: bool = True) -> str:
    created = await client.post("/v1/promotions", json={"name": "Winter welcome", "code": "WINTER"})
    assert created.status_code == 201, created.text
    pid = str(created.json()["id"])
    if tiers:
        response = await client.put(f"/v1/promotions/{pid}/tiers", json={"tiers": TIERS})
        assert response.status_code == 200, response.text
    return pid


async def stored(client: httpx.AsyncClient, pid: str) -> dict[str, Any]:
    response = await client.get(f"/v1/promotions/{pid}")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def shown_json(page: str, element_id: str) -> Any:
    """The JSON of the Advanced view's ``<pre id=…>``."""
    match = re.search(rf'<pre class="json" id="{element_id}">(.*?)</pre>', page, re.S)
    assert match is not None, element_id
    return json.loads(html.unescape(match.group(1)))


def step(pid: str, name: str) -> str:
    return f"/ui/promotions/{pid}/edit/{name}"


# --- details ----------------------------------------------------------------------------


async def test_details_saves_and_continues_and_a_viewer_cannot_save(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    pid = await new_promotion(client, tiers=False)
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http:
        page = await http.get(step(pid, "details"))
        assert page.status_code == 200
        assert 'value="Winter welcome"' in page.text
        assert "saving needs the editor role" in page.text
        refused = await http.post(
            step(pid, "details"), data={"name": "Hacked", "csrf_token": csrf_of(http)}
        )
        assert refused.status_code == 403
    assert (await stored(client, pid))["name"] == "Winter welcome"

    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, editor) as http:
        bad = await http.post(
            step(pid, "details"),
            data={"name": "", "code": "no spaces", "description": "", "csrf_token": csrf_of(http)},
        )
        assert bad.status_code == 422
        assert field_error(bad.text, "name") == "required: fill this in"
        assert field_error(bad.text, "code") == (
            "use only letters, digits, “_”, “-” and “.”, starting with a letter or digit"
        )
        assert 'value="no spaces"' in bad.text  # the input is kept
        saved = await http.post(
            step(pid, "details"),
            data={
                "name": "Winter 2026",
                "code": "WINTER-26",
                "description": "For the cold months",
                "then": "next",
                "csrf_token": csrf_of(http),
            },
        )
        assert saved.status_code == 303
        assert saved.headers["location"].startswith(step(pid, "properties"))
        stay = await http.post(
            step(pid, "details"),
            data={"name": "Winter 2026", "code": "WINTER-26", "csrf_token": csrf_of(http)},
        )
        assert stay.headers["location"].startswith(step(pid, "details"))
    data = await stored(client, pid)
    assert (data["name"], data["code"], data["description"]) == ("Winter 2026", "WINTER-26", "")


async def test_the_flow_starts_at_details_and_links_back(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    pid = await new_promotion(client, tiers=False)
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http:
        start = await http.get(f"/ui/promotions/{pid}/edit")
        assert start.status_code == 303
        assert start.headers["location"] == step(pid, "details")
        for name in ("details", "properties", "limits", "promocodes", "summary"):
            page = await http.get(step(pid, name))
            assert page.status_code == 200, name
            assert f'href="/ui/promotions/{pid}" id="back-to-promotion"' in page.text
            assert 'aria-current="step"' in page.text
        missing = await http.get(step("00000000-0000-0000-0000-000000000000", "details"))
        assert missing.status_code == 404


# --- properties -------------------------------------------------------------------------


async def test_properties_typed_form_saves_values_of_every_type(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    await catalog(client)
    pid = await new_promotion(client)
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, editor) as http:
        page = await http.get(step(pid, "properties"))
        assert '<option value="EU"' in page.text  # allowed values as a select
        assert 'type="date" name="properties.launch_date"' in page.text
        assert 'type="datetime-local" name="properties.starts_at"' in page.text
        bad = await http.post(
            step(pid, "properties"),
            data={
                "properties.region": "EU",
                "properties.priority": "high",
                "properties.launch_date": "soon",
                "csrf_token": csrf_of(http),
            },
        )
        assert bad.status_code == 422
        assert "integer" in (field_error(bad.text, "properties.priority") or "")
        assert "date" in (field_error(bad.text, "properties.launch_date") or "")
        assert 'value="high"' in bad.text
        assert (await stored(client, pid))["properties"] == {}
        saved = await http.post(
            step(pid, "properties"),
            data={
                "properties.region": "EU",
                "properties.priority": "3",
                "properties.launch_date": "2026-12-01",
                "properties.starts_at": "2026-12-01T09:00",
                "properties.featured": "true",
                "properties.games": "book-of-ra\n\n starburst \n",
                "then": "next",
                "csrf_token": csrf_of(http),
            },
        )
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"].startswith(step(pid, "tiers"))
        again = await http.get(step(pid, "properties"))
        assert 'value="2026-12-01T09:00"' in again.text  # shown back in Berlin time
    assert (await stored(client, pid))["properties"] == {
        "region": "EU",
        "priority": 3,
        "launch_date": "2026-12-01",
        "starts_at": "2026-12-01T08:00:00Z",
        "featured": True,
        "games": ["book-of-ra", "starburst"],
    }


async def test_properties_are_locked_while_active_and_the_empty_schema_links_to_settings(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    admin = await make_user(database, tenant.id, "admin")
    pid = await new_promotion(client, tiers=False)
    async with logged_in(ui_app, admin) as http:
        empty = await http.get(step(pid, "properties"))
        assert "has no properties yet" in empty.text
        assert 'href="/ui/settings/schemas/promotion"' in empty.text
    await catalog(client)
    active = await new_promotion_with_code(client, "ACTIVE-1")
    assert (await client.post(f"/v1/promotions/{active}/activate")).status_code == 200
    async with logged_in(ui_app, admin) as http:
        page = await http.get(step(active, "properties"))
        assert "properties are locked" in page.text
        refused = await http.post(
            step(active, "properties"),
            data={"properties.region": "US", "csrf_token": csrf_of(http)},
        )
        assert refused.status_code == 409
        assert "deactivate it" in refused.text
    assert (await stored(client, active))["properties"] == {}


async def new_promotion_with_code(client: httpx.AsyncClient, code: str) -> str:
    created = await client.post("/v1/promotions", json={"name": code, "code": code})
    pid = str(created.json()["id"])
    assert (
        await client.put(f"/v1/promotions/{pid}/tiers", json={"tiers": TIERS})
    ).status_code == 200
    return pid


# --- constraints & budgets ----------------------------------------------------------------

GOOD_LIMITS: dict[str, Any] = {
    "rc_type": ["eur_bonus", "free_spins"],
    "rc.eur_bonus.mode": "own",
    "rc.eur_bonus.min_value": "1",
    "rc.eur_bonus.max_value": "50",
    "rc.eur_bonus.pc.window": ["rolling_7d", "day"],
    "rc.eur_bonus.pc.max_value": ["100", ""],
    "rc.eur_bonus.pc.max_grants": ["3", "1"],
    "rc.eur_bonus.valid_from": "2026-12-01T00:00",
    "rc.eur_bonus.valid_until": "2026-12-31T23:59",
    "rc.eur_bonus.expires_number": "30",
    "rc.eur_bonus.expires_unit": "D",
    "rc.free_spins.mode": "default",
    "rc.free_spins.min_value": "5",  # ignored: free spins keep their defaults
    "cap.window": ["day", "lifetime"],
    "cap.limit": ["1000", "50000"],
    "rb.reward_type": ["eur_bonus", "free_spins"],
    "rb.window": ["lifetime", "day"],
    "rb.limit": ["5000", "500"],
    "rb.on_exceed": ["truncate", "reject"],
    "selection.method": "attribute",
    "selection.property": "ltv",
    "selection.order": "asc",
    "threshold": ["100", "80", ""],
}

STORED_CONSTRAINTS = {
    "eur_bonus": {
        "min_value": "1",
        "max_value": "50",
        "per_customer": [
            {"window": "rolling_7d", "max_value": "100", "max_grants": 3},
            {"window": "day", "max_value": None, "max_grants": 1},
        ],
        "valid_from": "2026-11-30T23:00:00Z",
        "valid_until": "2026-12-31T22:59:00Z",
        "grant_expires_after": "P30D",
    }
}
STORED_BUDGETS = {
    "audience_caps": [{"window": "day", "limit": 1000}, {"window": "lifetime", "limit": 50000}],
    "reward_budgets": [
        {
            "reward_type": "eur_bonus",
            "window": "lifetime",
            "limit": "5000.00",
            "on_exceed": "truncate",
        },
        {"reward_type": "free_spins", "window": "day", "limit": "500", "on_exceed": "reject"},
    ],
    "audience_selection": {"method": "attribute", "property": "ltv", "order": "asc"},
    "alert_thresholds": [0.8, 1.0],
}


async def test_limits_save_constraints_and_budgets_together(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    await catalog(client)
    pid = await new_promotion(client)
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, editor) as http:
        page = await http.get(step(pid, "limits"))
        # One section per reward type the tiers use, starting from its defaults.
        assert 'name="rc_type" value="eur_bonus"' in page.text
        assert 'name="rc_type" value="free_spins"' in page.text
        assert "each reward is at most 100 EUR bonus" in page.text
        assert 'value="14"' in page.text  # the default P14D in the expiry picker
        saved = await http.post(
            step(pid, "limits"), data={**GOOD_LIMITS, "then": "next", "csrf_token": csrf_of(http)}
        )
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"].startswith(step(pid, "promocodes"))
        again = await http.get(step(pid, "limits"))
        assert "at most 3 grants and 100 EUR bonus per customer in any 7 days" in again.text
        assert (
            "at most 1 grant per customer per calendar day (midnight Europe/Berlin)" in again.text
        )
        assert 'value="2026-12-01T00:00"' in again.text  # valid_from back in Berlin time
        assert 'value="80"' in again.text and 'value="100"' in again.text
    data = await stored(client, pid)
    assert data["reward_constraints"] == STORED_CONSTRAINTS
    assert data["budgets"] == STORED_BUDGETS
    # The read-only JSON view shows exactly that.
    async with logged_in(ui_app, editor) as http:
        page = await http.get(step(pid, "limits"))
    assert shown_json(page.text, "json-constraints") == STORED_CONSTRAINTS
    assert shown_json(page.text, "json-budgets") == STORED_BUDGETS


async def test_limits_bad_input_is_shown_next_to_each_field_and_nothing_is_stored(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    await catalog(client)
    pid = await new_promotion(client)
    before = await stored(client, pid)
    editor = await make_user(database, tenant.id, "editor")
    bad = {
        **GOOD_LIMITS,
        "rc.eur_bonus.min_value": "lots",
        "rc.eur_bonus.valid_from": "next tuesday",
        "rc.eur_bonus.expires_number": "a month",
        "cap.limit": ["", "50000"],
        "rb.limit": ["-5", "abc"],
        "threshold": ["180"],
    }
    async with logged_in(ui_app, editor) as http:
        response = await http.post(step(pid, "limits"), data={**bad, "csrf_token": csrf_of(http)})
    assert response.status_code == 422
    page = response.text
    assert field_error(page, "reward_constraints.eur_bonus.min_value") == "must be a number"
    assert field_error(page, "reward_constraints.eur_bonus.valid_from") == (
        "must be a date and time"
    )
    assert field_error(page, "reward_constraints.eur_bonus.grant_expires_after") == (
        "must be a whole number of days or hours, greater than 0"
    )
    assert field_error(page, "budgets.audience_caps.0.limit") == "required: fill this in"
    assert field_error(page, "budgets.reward_budgets.0.limit") == "must be greater than 0"
    assert field_error(page, "budgets.reward_budgets.1.limit") == "must be a number"
    assert field_error(page, "budgets.alert_thresholds.0") == (
        "must be a percentage greater than 0 and at most 100"
    )
    assert "Nothing was saved" in page
    # What was typed is still there.
    for typed in (
        'value="lots"',
        'value="next tuesday"',
        'value="-5"',
        'value="abc"',
        'value="180"',
    ):
        assert typed in page
    after = await stored(client, pid)
    assert after["reward_constraints"] == before["reward_constraints"] == {}
    assert after["budgets"] == before["budgets"]
    assert after["version"] == before["version"]


async def test_limits_budget_errors_do_not_let_valid_constraints_through(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    """All-or-nothing: constraints that would save on their own are not kept when a budget
    is refused (and the other way round)."""
    await catalog(client)
    pid = await new_promotion(client)
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, editor) as http:
        only_budget_bad = await http.post(
            step(pid, "limits"),
            data={**GOOD_LIMITS, "rb.limit": ["5000", "0"], "csrf_token": csrf_of(http)},
        )
        assert only_budget_bad.status_code == 422
        assert field_error(only_budget_bad.text, "budgets.reward_budgets.1.limit") == (
            "must be greater than 0"
        )
        only_constraint_bad = await http.post(
            step(pid, "limits"),
            data={**GOOD_LIMITS, "rc.eur_bonus.min_value": "0.001", "csrf_token": csrf_of(http)},
        )
        assert only_constraint_bad.status_code == 422
        assert "decimal places" in (
            field_error(only_constraint_bad.text, "reward_constraints.eur_bonus.min_value") or ""
        )
        empty_row = await http.post(
            step(pid, "limits"),
            data={
                **GOOD_LIMITS,
                "rc.eur_bonus.pc.max_value": ["100", ""],
                "rc.eur_bonus.pc.max_grants": ["3", ""],
                "csrf_token": csrf_of(http),
            },
        )
        assert empty_row.status_code == 422
        assert field_error(empty_row.text, "reward_constraints.eur_bonus.per_customer.1") == (
            "enter a max value, a max number of grants, or both"
        )
    data = await stored(client, pid)
    assert data["reward_constraints"] == {}
    assert data["budgets"]["reward_budgets"] == []


async def test_limits_preview_shows_the_stored_json_without_saving(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    await catalog(client)
    pid = await new_promotion(client)
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, editor) as http:
        preview = await http.post(
            step(pid, "limits"),
            data={**GOOD_LIMITS, "action": "preview", "csrf_token": csrf_of(http)},
        )
        assert preview.status_code == 200
        # Normalised by the service exactly as it would store it.
        assert shown_json(preview.text, "json-constraints") == STORED_CONSTRAINTS
        assert shown_json(preview.text, "json-budgets") == STORED_BUDGETS
        added = await http.post(
            step(pid, "limits"),
            data={
                "rc_type": ["eur_bonus"],
                "rc.eur_bonus.mode": "default",
                "add_type": "free_spins",
                "action": "add_type",
                "csrf_token": csrf_of(http),
            },
        )
        assert added.status_code == 200
        assert 'name="rc_type" value="free_spins"' in added.text
    data = await stored(client, pid)
    assert data["reward_constraints"] == {}
    assert data["budgets"]["reward_budgets"] == []
    assert data["version"] == 2  # created, tiers set; nothing since


async def test_limits_viewer_cannot_save(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    await catalog(client)
    pid = await new_promotion(client)
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http:
        page = await http.get(step(pid, "limits"))
        assert page.status_code == 200
        assert "Save and continue" not in page.text
        refused = await http.post(
            step(pid, "limits"), data={**GOOD_LIMITS, "csrf_token": csrf_of(http)}
        )
        assert refused.status_code == 403
    assert (await stored(client, pid))["reward_constraints"] == {}


# --- promocodes -------------------------------------------------------------------------


async def test_promocodes_create_assign_and_unassign(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    pid = await new_promotion(client, tiers=False)
    other = await client.post(
        "/v1/promocodes", json={"name": "Old newsletter", "type": "shared", "value": "SNOW"}
    )
    other_id = other.json()["id"]
    taken = await client.post(
        "/v1/promocodes",
        json={"name": "Taken", "type": "shared", "value": "TAKEN", "promotion_id": pid},
    )
    assert taken.status_code == 201
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http:
        refused = await http.post(
            step(pid, "promocodes"),
            data={
                "action": "unassign",
                "promocode_id": taken.json()["id"],
                "csrf_token": csrf_of(http),
            },
        )
        assert refused.status_code == 403
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, editor) as http:
        found = await http.get(step(pid, "promocodes") + "?q=snow")
        assert "Old newsletter" in found.text  # found by its value
        none = await http.get(step(pid, "promocodes") + "?q=nothing-like-it")
        assert "No unassigned promocode matches" in none.text
        duplicate = await http.post(
            step(pid, "promocodes"),
            data={"action": "create", "name": "Welcome", "type": "shared", "value": "snow",
                  "once_per_customer": "true", "csrf_token": csrf_of(http)},
        )  # fmt: skip
        assert duplicate.status_code == 409
        assert field_error(duplicate.text, "value") == "value already in use"
        assert 'value="Welcome"' in duplicate.text
        created = await http.post(
            step(pid, "promocodes"),
            data={"action": "create", "name": "Welcome", "type": "shared", "value": "WELCOME-26",
                  "once_per_customer": "true", "max_redemptions": "500",
                  "fallback_value": "IGNORED", "csrf_token": csrf_of(http)},
        )  # fmt: skip
        assert created.status_code == 303, created.text
        assigned = await http.post(
            step(pid, "promocodes"),
            data={"action": "assign", "promocode_id": other_id, "csrf_token": csrf_of(http)},
        )
        assert assigned.status_code == 303
        unassigned = await http.post(
            step(pid, "promocodes"),
            data={
                "action": "unassign",
                "promocode_id": taken.json()["id"],
                "csrf_token": csrf_of(http),
            },
        )
        assert unassigned.status_code == 303
        page = await http.get(step(pid, "promocodes"))
        assert "WELCOME-26" in page.text
    codes = (await client.get("/v1/promocodes", params={"promotion": pid})).json()["items"]
    mine = {c["name"]: c for c in codes if c["promotion_id"] == pid}
    assert set(mine) == {"Welcome", "Old newsletter"}
    assert mine["Welcome"]["value"] == "WELCOME-26"
    assert mine["Welcome"]["max_redemptions"] == 500
    assert mine["Welcome"]["once_per_customer"] is True
    assert mine["Welcome"]["fallback_value"] is None
    assert (await client.get(f"/v1/promocodes/{taken.json()['id']}")).json()["promotion_id"] is None


# --- summary and activate ---------------------------------------------------------------


async def test_summary_in_plain_words_and_activate(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    await catalog(client)
    pid = await new_promotion(client)
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, editor) as http:
        await http.post(step(pid, "limits"), data={**GOOD_LIMITS, "csrf_token": csrf_of(http)})
        page = await http.get(step(pid, "summary"))
        assert (
            "Customers with deposit amount ≥ 100 and VIP level is “gold” get 10 % of deposit "
            "amount, up to 50 EUR bonus, and 20 free spins." in page.text
        )
        assert "at most 3 grants and 100 EUR bonus per customer in any 7 days" in page.text
        assert "at most 1,000 customers per calendar day (midnight Europe/Berlin)" in page.text
        assert "a reward that would go over is cut down to what is left" in page.text
        assert (
            'Free spins</strong> <span class="muted">(the reward type&#39;s defaults)' in page.text
        )
        assert 'id="activate-form"' in page.text
        activated = await http.post(step(pid, "summary"), data={"csrf_token": csrf_of(http)})
        assert activated.status_code == 303
        after = await http.get(activated.headers["location"])
        assert "It is live" in after.text
        assert 'id="activate-form"' not in after.text
    assert (await stored(client, pid))["status"] == "active"


async def test_summary_lists_what_stops_activation(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    await catalog(client, required_region=True)
    no_tiers = await new_promotion_with_code_and_no_tiers(client, "EMPTY")
    archived = await new_promotion_with_code(client, "ARCHIVED-RT")
    ok = await client.put(f"/v1/promotions/{archived}/properties", json={"region": "EU"})
    assert ok.status_code == 200
    assert (await client.delete("/v1/reward-types/free_spins")).status_code in (200, 204)
    viewer = await make_user(database, tenant.id, "viewer")
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, viewer) as http:
        page = await http.get(step(no_tiers, "summary"))
        assert "What stops activation" in page.text
        assert "At least one tier is needed to activate" in page.text
        assert "Property “region”: required string is missing" in page.text
        assert 'id="activate-form"' not in page.text
    async with logged_in(ui_app, editor) as http:
        page = await http.get(step(archived, "summary"))
        assert "Tier 1 “VIP depositors”: reward type &#39;free_spins&#39; is archived" in page.text
        assert f'href="/ui/promotions/{archived}/edit/tiers">fix it' in page.text
        assert 'id="activate-form"' not in page.text
        # Posting anyway: the service's 409 and its problems, nothing activated.
        forced = await http.post(step(archived, "summary"), data={"csrf_token": csrf_of(http)})
        assert forced.status_code == 409
        assert "cannot be activated" in forced.text
        assert "is archived" in forced.text
    assert (await stored(client, archived))["status"] == "draft"
    assert (await stored(client, no_tiers))["status"] == "draft"


async def new_promotion_with_code_and_no_tiers(client: httpx.AsyncClient, code: str) -> str:
    created = await client.post("/v1/promotions", json={"name": code, "code": code})
    return str(created.json()["id"])


async def test_no_step_saves_for_a_viewer_and_every_step_saves_for_an_editor(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    await catalog(client)
    pid = await new_promotion(client)
    posts: dict[str, dict[str, Any]] = {
        "details": {"name": "Renamed", "code": "RENAMED"},
        "properties": {"properties.region": "US"},
        "limits": GOOD_LIMITS,
        "promocodes": {"action": "create", "name": "C", "type": "shared", "value": "VIEWERS"},
        "summary": {},
    }
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http:
        for name, data in posts.items():
            response = await http.post(step(pid, name), data={**data, "csrf_token": csrf_of(http)})
            assert response.status_code == 403, name
    before = await stored(client, pid)
    assert (before["name"], before["properties"], before["status"]) == (
        "Winter welcome",
        {},
        "draft",
    )
    assert (await client.get("/v1/promocodes")).json()["items"] == []
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, editor) as http:
        for name, data in posts.items():
            response = await http.post(step(pid, name), data={**data, "csrf_token": csrf_of(http)})
            assert response.status_code == 303, (name, response.text)
        no_token = await http.post(step(pid, "details"), data={"name": "No token"})
        assert no_token.status_code == 403
    after = await stored(client, pid)
    assert (after["name"], after["properties"], after["status"]) == (
        "Renamed",
        {"region": "US"},
        "active",
    )
    assert after["budgets"] == STORED_BUDGETS
    assert [c["value"] for c in (await client.get("/v1/promocodes")).json()["items"]] == ["VIEWERS"]
