"""The promotion page's charts in a real Chromium: drawn (canvas), no console errors, the
burn-rate sentence, the bars coloured by the alert thresholds, the tabs; and the lobby's bars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openpromo.db import Database
from openpromo.ui.promotion_charts import show_date
from tests.ui.browser import BROWSER_ONLY, Page, expect, log_in, new_admin
from tests.validation.factory import ctx, setup_world
from tests.validation.test_windows_in_validation import run

pytestmark = BROWSER_ONLY

GREEN, AMBER, RED = "rgb(31, 122, 77)", "rgb(212, 136, 6)", "rgb(179, 38, 30)"


async def bar_colour(page: Page, selector: str) -> str:
    colour = await page.locator(selector).first.evaluate(
        "el => getComputedStyle(el.querySelector('.bar > span')).backgroundColor"
    )
    return str(colour)


async def test_promotion_charts_render_with_burn_rate_and_threshold_colours(
    page: Page, database: Database
) -> None:
    user = await new_admin(database, "Charts tenant")
    world = await setup_world(
        database,
        user.tenant_id,
        timezone="Europe/Berlin",
        budgets={
            "audience_caps": [{"window": "day", "limit": 10}],
            "reward_budgets": [
                {"reward_type": "eur", "window": "lifetime", "limit": "100"},
                {"reward_type": "spins", "window": "lifetime", "limit": "60"},
            ],
            "alert_thresholds": [0.5, 1.0],
        },
    )
    now = datetime.now(UTC)
    # One customer a day for four days (deposit 150: 20 spins and 15.00 EUR each); the last
    # one's spins find the spins budget spent.
    for back, customer in ((3, "a"), (2, "b"), (1, "c"), (0, "d")):
        await run(
            database,
            user.tenant_id,
            world.promotion_id,
            [ctx(customer)],
            now - timedelta(days=back),
        )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The browser's own favicon request is the only 404 a page may cause (base.html names
    # no icon); any other failed load or console error fails the test.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "favicon" not in msg.location.get("url", "")
            else None
        ),
    )
    failed: list[str] = []
    page.on(
        "response",
        lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    await log_in(page, user)
    await page.goto(f"/ui/promotions/{world.promotion_id}")

    await expect(page.locator("body")).to_have_attribute("data-charts", "drawn")
    for canvas in ("#chart-grants", "canvas.chart-reward >> nth=0", "canvas.chart-limit >> nth=0"):
        await expect(page.locator(canvas)).to_have_attribute("data-drawn", "true")
    assert (
        await page.locator("canvas[data-drawn=true]").count() == 1 + 2 + 3
    )  # grants, two reward types, three limits
    size = await page.locator("#chart-grants").bounding_box()
    assert size is not None and size["width"] > 200 and size["height"] > 100

    today = now.astimezone(ZoneInfo("Europe/Berlin")).date()
    # 60.00 EUR in the last 7 days is 8.57 a day; the 40.00 left last 4 more days.
    eur = page.locator("figure.chart-card", has_text="EUR bonus budget · lifetime")
    await expect(eur.locator("[data-burn]")).to_have_text(
        "At the last 7 days' rate (8.57 EUR per day) the lifetime budget of 100.00 EUR lasts "
        f"until {show_date(today + timedelta(days=4))}."
    )
    spins = page.locator("figure.chart-card", has_text="Free spins budget · lifetime")
    await expect(spins.locator("[data-burn]")).to_have_text(
        "The lifetime budget of 60 Free spins is exhausted."
    )
    assert await eur.get_attribute("data-level") == "warn"
    assert await spins.get_attribute("data-level") == "bad"
    assert await bar_colour(page, "#budget-use .budget:has-text('EUR bonus')") == AMBER
    assert await bar_colour(page, "#budget-use .budget:has-text('Free spins')") == RED
    assert await bar_colour(page, "#budget-use .budget:has-text('Customers')") == GREEN

    # The table equivalent, for screen readers and for reading the numbers.
    grants = page.locator("#chart-grants-card")
    await grants.locator("summary").click()
    last_row = grants.locator("tbody tr").last
    await expect(last_row).to_have_text(f"{show_date(today)}11")  # d: 15.00 EUR; spins refused

    # Tabs: Setup hides the charts and shows the tiers in words; the address keeps the tab.
    await page.click("#tab-setup")
    await expect(page.locator("#overview")).to_be_hidden()
    await expect(page.locator("#setup")).to_contain_text("session.deposit ≥ 100")
    assert page.url.endswith("#setup")
    await page.reload()
    await expect(page.locator("#tab-setup")).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("Tab")
    await page.focus("#tab-setup")
    await page.keyboard.press("ArrowRight")
    await expect(page.locator("#promocodes")).to_be_visible()

    # The lobby's bars, the same colours.
    await page.goto("/ui/promotions")
    row = page.locator("#promotions tr", has_text="Promo")
    assert await bar_colour(page, "#promotions .budget:has-text('EUR bonus')") == AMBER
    assert await bar_colour(page, "#promotions .budget:has-text('Free spins')") == RED
    await expect(row.locator(".budget.level-bad")).to_contain_text("60 / 60")
    assert errors == [] and failed == []


async def test_empty_promotion_says_no_grants_yet(page: Page, database: Database) -> None:
    user = await new_admin(database, "Empty charts tenant")
    world = await setup_world(database, user.tenant_id, status="draft")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await log_in(page, user)
    await page.goto(f"/ui/promotions/{world.promotion_id}")
    await expect(page.locator("#charts-empty")).to_contain_text("No grants yet.")
    await expect(page.locator("#charts-empty")).to_contain_text("activate it first")
    assert await page.locator("canvas").count() == 0
    assert errors == []
