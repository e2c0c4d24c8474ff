"""The guided promotion flow in a real Chromium against a real server: a marketer goes from
details to activation without typing any JSON, and the API stores exactly what was entered."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from openpromo.db import Database
from tests.conftest import make_tenant
from tests.ui.axe import assert_accessible
from tests.ui.browser import BROWSER_ONLY, Page, expect, log_in
from tests.ui.conftest import UiUser, make_user
from tests.ui.test_promotion_flow import STORED_BUDGETS, STORED_CONSTRAINTS, TIERS, catalog

pytestmark = BROWSER_ONLY


@pytest.fixture
async def world(
    database: Database, server_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, UiUser]]:
    tenant = await make_tenant(database, "Flow tenant")
    user = await make_user(database, tenant.id, "editor")
    async with httpx.AsyncClient(
        base_url=server_url, headers={"Authorization": f"Bearer {tenant.admin_key}"}
    ) as api:
        await catalog(api, required_region=True)
        yield api, user


async def test_a_promotion_from_details_to_activation_without_json(
    page: Page, world: tuple[httpx.AsyncClient, UiUser]
) -> None:
    api, user = world
    created = await api.post("/v1/promotions", json={"name": "Draft"})
    pid = created.json()["id"]
    await log_in(page, user)
    base = f"/ui/promotions/{pid}/edit"

    # 1. Details.
    await page.goto(f"{base}/details")
    await page.get_by_label("Name").fill("Winter welcome")
    await page.get_by_label("Code").fill("WINTER-26")
    await page.get_by_label("Description").fill("Welcome bonus for the winter season")
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page).to_have_url(f"{base}/properties?flash=Saved.")

    # 2. Properties: a typed form from the promotion schema.
    await page.get_by_label("region (required to activate)").select_option("EU")
    await page.get_by_label("priority").fill("3")
    await page.get_by_label("featured").select_option("true")
    await page.get_by_label("games").fill("book-of-ra\nstarburst")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator(".flash")).to_have_text("Saved.")

    # 3. Tiers: the tier builder is another page; set them through the API here.
    assert (await api.put(f"/v1/promotions/{pid}/tiers", json={"tiers": TIERS})).status_code == 200

    # 4. Constraints & budgets, first with mistakes.
    await page.goto(f"{base}/limits")
    eur = page.locator("#limits-eur_bonus")
    await eur.get_by_label("Set this promotion's own limits").check()
    await eur.get_by_label("Smallest reward").fill("1")
    await eur.get_by_label("Largest reward").fill("fifty")
    add_pc = eur.get_by_role("button", name="+ Add a per-customer limit")
    await add_pc.click()
    await add_pc.click()
    limits = eur.locator(".flow-row")
    await limits.nth(0).get_by_label("Window").select_option("rolling_7d")
    await limits.nth(0).get_by_label("Max value per customer").fill("100")
    await limits.nth(0).get_by_label("Max number of grants").fill("3")
    await expect(limits.nth(0).locator("output.words")).to_have_text(
        "at most 3 grants and 100 EUR bonus per customer in any 7 days"
    )
    await limits.nth(1).get_by_label("Window").select_option("day")
    await limits.nth(1).get_by_label("Max number of grants").fill("1")
    await expect(limits.nth(1).locator("output.words")).to_have_text(
        "at most 1 grant per customer per calendar day (midnight Europe/Berlin)"
    )
    await eur.get_by_label("From").fill("2026-12-01T00:00")
    await eur.get_by_label("Until").fill("2026-12-31T23:59")
    await eur.get_by_label("Expire after").fill("30")
    await eur.get_by_label("Unit").select_option("D")

    await page.get_by_role("button", name="+ Add an audience cap").click()
    await page.get_by_role("button", name="+ Add an audience cap").click()
    caps = page.locator("#caps .flow-row")
    await caps.nth(0).get_by_label("Max customers").fill("1000")
    await caps.nth(1).get_by_label("Window").select_option("lifetime")
    # caps.nth(1)'s limit stays empty: a mistake.
    await page.get_by_role("button", name="+ Add a reward budget").click()
    await page.get_by_role("button", name="+ Add a reward budget").click()
    budgets = page.locator("#reward-budgets .flow-row")
    await budgets.nth(0).get_by_label("Max amount").fill("5000")
    await budgets.nth(0).get_by_label("When a reward would go over").select_option("truncate")
    await expect(budgets.nth(0).locator("output.words")).to_have_text(
        "at most 5,000 EUR bonus given out in total, for as long as the promotion runs; "
        "a reward that would go over is cut down to what is left"
    )
    await budgets.nth(1).get_by_label("Reward type").select_option("free_spins")
    await budgets.nth(1).get_by_label("Window").select_option("day")
    await budgets.nth(1).get_by_label("Max amount").fill("-5")
    await page.get_by_label("Choose customers").select_option("attribute")
    await page.locator("select[name='selection.property']").select_option("ltv")
    await page.locator("select[name='selection.order']").select_option("asc")
    # Rows can be added from the keyboard too.
    await page.get_by_role("button", name="+ Add an alert threshold").focus()
    await page.keyboard.press("Enter")
    await page.keyboard.type("80")  # the new row's input has the focus
    # A row too many, removed again: the focus returns to the list's "Add" button.
    await page.get_by_role("button", name="+ Add an alert threshold").click()
    await page.get_by_role("button", name="+ Add an alert threshold").click()
    await page.locator("#thresholds .flow-row").nth(2).get_by_role("button").click()
    await expect(page.locator("#thresholds .flow-row")).to_have_count(2)
    await expect(page.get_by_role("button", name="+ Add an alert threshold")).to_be_focused()
    await page.locator("#thresholds input").nth(1).fill("100")
    await page.get_by_role("button", name="Save", exact=True).click()

    await expect(page.locator(".alert")).to_contain_text("Nothing was saved")
    await assert_accessible(page)
    errors = {
        "reward_constraints.eur_bonus.max_value": "must be a number",
        "budgets.audience_caps.1.limit": "required: fill this in",
        "budgets.reward_budgets.1.limit": "must be greater than 0",
    }
    for field, message in errors.items():
        await expect(page.locator(f'em.error[data-field="{field}"]')).to_have_text(message)
    # Next to the field: inside the same labelled control.
    await expect(
        page.locator("#reward-budgets .flow-row").nth(1).locator(".field.invalid input")
    ).to_have_value("-5")
    stored = (await api.get(f"/v1/promotions/{pid}")).json()
    assert stored["reward_constraints"] == {}
    assert stored["budgets"]["reward_budgets"] == []

    # Fixing the mistakes: the rest of the input was kept.
    eur = page.locator("#limits-eur_bonus")
    await eur.get_by_label("Largest reward").fill("50")
    await page.locator("#caps .flow-row").nth(1).get_by_label("Max customers").fill("50000")
    await page.locator("#reward-budgets .flow-row").nth(1).get_by_label("Max amount").fill("500")
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page).to_have_url(f"{base}/promocodes?flash=Saved.")

    stored = (await api.get(f"/v1/promotions/{pid}")).json()
    assert stored["reward_constraints"] == STORED_CONSTRAINTS
    assert stored["budgets"] == STORED_BUDGETS

    # The JSON view shows what is stored.
    await page.goto(f"{base}/limits")
    await page.locator("#advanced-json summary").click()
    await expect(page.locator("#json-budgets")).to_contain_text('"limit": "5000.00"')

    # 5. Promocodes: a new shared code; bulk-only fields are hidden for it.
    await page.goto(f"{base}/promocodes")
    form = page.locator("#create-code-form")
    await form.get_by_label("Name").fill("Newsletter")
    await expect(form.locator("input[name=fallback_value]")).to_be_hidden()
    await expect(form.locator("input[name=once_per_customer]")).to_be_visible()
    await form.locator("#code-type").select_option("single_use")
    await expect(form.locator("input[name=once_per_customer]")).to_be_hidden()
    await form.locator("#code-type").select_option("bulk")
    await expect(form.locator("input[name=value]")).to_be_hidden()
    await form.locator("#code-type").select_option("shared")
    await expect(form.locator("input[name=fallback_value]")).to_be_hidden()
    await form.locator("input[name=value]").fill("SNOW-26")
    await form.get_by_role("button", name="Create and assign").click()
    await expect(page.locator(".flash")).to_have_text("Promocode Newsletter created and assigned.")
    await expect(page.locator("#assigned-codes")).to_contain_text("SNOW-26")

    # 6. Summary in plain words, then activate.
    await page.get_by_role("link", name="Continue to the summary").click()
    await expect(page.locator("#summary-tiers")).to_contain_text(
        "Customers with deposit amount ≥ 100 and VIP level is “gold” get 10 % of deposit "
        "amount, up to 50 EUR bonus, and 20 free spins."
    )
    await expect(page.locator("#summary-constraints")).to_contain_text(
        "at most 3 grants and 100 EUR bonus per customer in any 7 days"
    )
    await expect(page.locator("#summary-budgets")).to_contain_text(
        "at most 1,000 customers per calendar day (midnight Europe/Berlin)"
    )
    await expect(page.locator("#summary-budgets")).to_contain_text(
        "customers with the lowest LTV are chosen first"
    )
    await expect(page.locator("#summary-codes")).to_contain_text("SNOW-26")
    await page.get_by_role("button", name="Activate the promotion").click()
    await expect(page.locator(".flash")).to_have_text("Promotion activated.")
    await expect(page.locator("#activation")).to_contain_text("It is live")

    # Every step passes axe-core without a serious violation (labels, contrast, names…).
    for name in ("details", "properties", "limits", "promocodes", "summary"):
        await page.goto(f"{base}/{name}")
        await assert_accessible(page)

    final = (await api.get(f"/v1/promotions/{pid}")).json()
    assert final["status"] == "active"
    assert (final["name"], final["code"]) == ("Winter welcome", "WINTER-26")
    assert final["properties"] == {
        "region": "EU",
        "priority": 3,
        "featured": True,
        "games": ["book-of-ra", "starburst"],
    }
    assert final["reward_constraints"] == STORED_CONSTRAINTS
    assert final["budgets"] == STORED_BUDGETS


async def test_the_summary_does_not_offer_activation_when_something_blocks_it(
    page: Page, world: tuple[httpx.AsyncClient, UiUser]
) -> None:
    api, user = world
    pid = (await api.post("/v1/promotions", json={"name": "Nothing yet"})).json()["id"]
    await log_in(page, user)
    await page.goto(f"/ui/promotions/{pid}/edit/summary")
    problems = page.locator("#activation-problems")
    await expect(problems).to_contain_text("At least one tier is needed to activate")
    await expect(problems).to_contain_text("Property “region”: required string is missing")
    await expect(page.get_by_role("button", name="Activate the promotion")).to_have_count(0)
    await problems.get_by_role("link", name="fix it").nth(1).click()
    await expect(page).to_have_url(re.compile(rf"/ui/promotions/{pid}/edit/properties$"))
