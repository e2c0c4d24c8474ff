"""The simulator shows what a reservation would hold (docs/reservations.md): per eligible
customer the rewards, the audience-cap place, the budget, the per-customer limits and the
code it would take, with the expiry the tenant's default hold gives — in a real Chromium
against a real server; the numbers follow what is already used."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import update

from openpromo.db import Database
from openpromo.models import Tenant
from tests.conftest import make_client, make_tenant
from tests.ui.browser import BROWSER_ONLY, Page, expect, log_in
from tests.ui.conftest import make_user
from tests.validation.factory import ctx, setup_world

pytestmark = BROWSER_ONLY

SCREENSHOT = os.environ.get("OPENPROMO_UI_SCREENSHOT")  # a PNG path: keep a picture


async def test_the_simulator_shows_what_a_reservation_would_hold(
    page: Page, database: Database, app: FastAPI
) -> None:
    tenant = await make_tenant(database, "Holds tenant")
    async with database.unit_of_work() as session:
        await session.execute(
            update(Tenant)
            .where(Tenant.id == tenant.id)
            .values(reservation_default_seconds=1200, timezone="Europe/Berlin")
        )
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "lifetime", "limit": 100}],
            "reward_budgets": [
                {
                    "reward_type": "eur",
                    "window": "lifetime",
                    "limit": "500",
                    "on_exceed": "truncate",
                }
            ],
        },
        constraints={
            "spins": {"per_customer": [{"window": "day", "max_grants": 3}]},
            "eur": {"per_customer": [{"window": "lifetime", "max_value": "40"}]},
        },
        promocode={"type": "shared", "max_redemptions": 50},
    )
    # Someone already holds a place and 12 EUR; the simulated customer already had a grant.
    async with make_client(app, tenant.admin_key) as api:
        for customer, deposit in (("earlier", "120"), ("sim-1", "100")):
            done = await api.post(
                f"/v1/promotions/{world.promotion_id}/validate-customers",
                json={"contexts": [ctx(customer, deposit)], "commit": "reserve"},
            )
            assert done.status_code == 200 and done.json()["results"][0]["eligible"], done.text
    user = await make_user(database, tenant.id, "admin")
    await log_in(page, user)
    await page.goto(f"/ui/simulator?promocode_id={world.promocode_id}")
    await page.fill("#simulator-form input[name=customer_id]", "sim-2")
    await page.fill("#simulator-form input[name='session.deposit']", "150")
    await page.click("#simulator-form button:has-text('Simulate')")
    await expect(page.locator("#sim-eligible")).to_have_text("eligible")
    holding = page.locator("#sim-holding")
    await expect(holding).to_contain_text("If the shop reserves this now")
    await expect(holding).to_contain_text("20 free spins")
    await expect(holding).to_contain_text("15.00 EUR bonus")
    holds = page.locator("#sim-holds li")
    texts = await holds.all_inner_texts()
    # earlier and sim-1 hold 2 places and 12 + 10 EUR; sim-2 takes the third and 15 EUR
    assert texts == [
        "Audience cap (in total, for as long as the promotion runs): 1 place — 2 of 100 "
        "customers now, 3 with this one",
        "Budget of EUR bonus (in total, for as long as the promotion runs): 15.00 EUR bonus "
        "— 22.00 of 500.00 used now, 463.00 left after it",
        "This customer's EUR bonus limit (in total, for as long as the promotion runs): 15.00 "
        "EUR bonus — 0.00 of 40.00 used so far, 25.00 left after it",
        "This customer's free spins grants (per calendar day (midnight Europe/Berlin)): "
        "1 grant — 0 of 3 used so far",
        "The code: 1 redemption",
        "The code, once per customer: this customer's one use (they cannot use the code "
        "again unless it is released)",
    ], texts
    until = page.locator("#sim-hold-until")
    await expect(until).to_contain_text("20 minutes")
    await expect(until).to_contain_text("Europe/Berlin time")
    await expect(until).to_contain_text("given back by itself")
    # sim-1 already holds 10 of its 40 EUR: the same page says so for it
    await page.fill("#simulator-form input[name=customer_id]", "sim-1")
    await page.click("#simulator-form button:has-text('Simulate')")
    await expect(page.locator("#sim-holds")).to_contain_text(
        "15.00 EUR bonus — 10.00 of 40.00 used so far, 15.00 left after it"
    )
    await expect(page.locator("#sim-holds")).to_contain_text("1 grant — 1 of 3 used so far")
    # already counted by the audience cap: no new place is taken
    await expect(page.locator("#sim-holds")).not_to_contain_text("Audience cap")
    if SCREENSHOT:
        await page.fill("#simulator-form input[name=customer_id]", "sim-2")
        await page.click("#simulator-form button:has-text('Simulate')")
        await expect(page.locator("#sim-holding")).to_contain_text("463.00")
        await page.set_viewport_size({"width": 1280, "height": 1100})
        await page.screenshot(path=str(Path(SCREENSHOT)), full_page=True)
