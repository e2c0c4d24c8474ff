"""A marketer's whole journey in a real Chromium against a real server, without typing any
JSON: three tiers in the builder (nested any/all conditions over customer and session
properties of several types, a formula reward), constraints with a rolling-window
per-customer limit, a budget, activation from the summary, then customers validated and
committed from the Validate page. The API must store exactly what was built, and grant what
the tiers promise."""

from __future__ import annotations

import json
from decimal import Decimal

from tests.ui.browser import BROWSER_ONLY, FilePayload, Page, expect
from tests.ui.test_tier_builder_browser import EXPECTED, World, build_three_tiers, world

pytestmark = BROWSER_ONLY
__all__ = ["world"]  # the tier builder's fixture: tenant, schemas, reward types, a draft

CONSTRAINTS = {
    "eur_bonus": {
        "min_value": "1",
        "max_value": "40",
        "per_customer": [{"window": "rolling_7d", "max_value": None, "max_grants": 1}],
        "valid_from": None,
        "valid_until": None,
        "grant_expires_after": None,
    }
}
BUDGETS = {
    "audience_caps": [],
    "reward_budgets": [
        {
            "reward_type": "eur_bonus",
            "window": "lifetime",
            "limit": "25.00",
            "on_exceed": "truncate",
        }
    ],
    "audience_selection": {"method": "random"},
    "alert_thresholds": [],
}


def _contexts() -> bytes:
    rows = [
        # Gold: deposit ≥ 100.50 and VIP level 2 → 10 % of 300 = 30 EUR, capped at 40 by
        # the constraint, then truncated to the 25 EUR budget; and 20 spins.
        {
            "customer_id": "gold-1",
            "session": {"deposit_amount": "300"},
            "customer": {"vip_level": 2},
        },
        # Gold again, but the budget has nothing left: no EUR, still the 20 spins.
        {
            "customer_id": "gold-2",
            "session": {"deposit_amount": "200"},
            "customer": {"vip_level": 3},
        },
        # Silver: fewer than 3 games → 1 spin per 10 of a 57 deposit = 5 spins.
        {"customer_id": "silver-1", "session": {"deposit_amount": "57", "games": 1}},
        # Everyone else: 5 spins.
        {"customer_id": "other-1", "session": {"deposit_amount": "20", "games": 9}},
    ]
    return "\n".join(json.dumps(row) for row in rows).encode()


async def test_build_activate_and_validate_without_typing_json(page: Page, world: World) -> None:
    # Tiers, in the builder.
    await page.goto(world.url())
    await build_three_tiers(page)
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page.locator(".flow-steps li.current")).to_contain_text("Constraints & budgets")

    # Constraints: 1 to 40 EUR per reward, one EUR grant per customer in any 7 days.
    eur = page.locator("#limits-eur_bonus")
    await eur.get_by_label("Set this promotion's own limits").check()
    await eur.get_by_label("Smallest reward").fill("1")
    await eur.get_by_label("Largest reward").fill("40")
    await eur.get_by_role("button", name="+ Add a per-customer limit").click()
    row = eur.locator(".flow-row").nth(0)
    await row.get_by_label("Window").select_option("rolling_7d")
    await row.get_by_label("Max number of grants").fill("1")
    await expect(row.locator("output.words")).to_have_text(
        "at most 1 grant per customer in any 7 days"
    )
    # A budget of 25 EUR that truncates the last reward.
    await page.get_by_role("button", name="+ Add a reward budget").click()
    budget = page.locator("#reward-budgets .flow-row").nth(0)
    await budget.get_by_label("Reward type").select_option("eur_bonus")
    await budget.get_by_label("Max amount").fill("25")
    await budget.get_by_label("When a reward would go over").select_option("truncate")
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page.locator(".flow-steps li.current")).to_contain_text("Promocodes")

    # Summary: the promotion in words, then activate.
    await page.get_by_role("link", name="Continue to the summary").click()
    await expect(page.locator("#summary-constraints")).to_contain_text(
        "at most 1 grant per customer in any 7 days"
    )
    await page.get_by_role("button", name="Activate the promotion").click()
    await expect(page.locator(".flash")).to_have_text("Promotion activated.")

    stored = await world.promotion()
    assert stored["status"] == "active"
    assert stored["tiers"] == EXPECTED
    assert stored["reward_constraints"] == CONSTRAINTS
    assert stored["budgets"] == BUDGETS

    # Validate four customers from the Validate page (a file of them), and commit.
    await page.goto("/ui/validate")
    await page.select_option("#validate-form select[name=target]", label="Winter boost (active)")
    await page.check("#mode-bulk")  # many customers: a file of them
    await page.set_input_files(
        "#validate-form input[name=file]",
        FilePayload(name="customers.ndjson", mimeType="application/x-ndjson", buffer=_contexts()),
    )
    await page.check("#validate-form input[name=commit]")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("#validate-form button:has-text('Validate')")
    await expect(page.locator("#validate-summary")).to_contain_text("Committed")
    await expect(page.locator("#validate-eligible")).to_have_text("4")

    grants = (await world.api.get("/v1/grants", params={"promotion_id": world.promotion_id})).json()
    given = sorted(
        (g["customer_id"], g["tier_id"], g["reward_type"], Decimal(g["value"]))
        for g in grants["items"]
    )
    assert given == [
        ("gold-1", "gold", "eur_bonus", Decimal("25")),
        ("gold-1", "gold", "free_spins", Decimal("20")),
        ("gold-2", "gold", "free_spins", Decimal("20")),
        ("other-1", "welcome", "free_spins", Decimal("5")),
        ("silver-1", "silver", "free_spins", Decimal("5")),
    ]
