"""Issue 19 in Chromium: the promocode form shows only the chosen type's fields (and works
without JavaScript), and only bulk pools are offered upload and generate."""

from __future__ import annotations

from openpromo.db import Database
from openpromo.promocode.service import promocode_service
from tests.conftest import make_tenant
from tests.ui.browser import BROWSER_ONLY, Page, expect, log_in, new_admin
from tests.ui.conftest import make_user

pytestmark = BROWSER_ONLY

FIELDS = ("value", "max_redemptions", "once_per_customer", "fallback_value", "pool_low_threshold")
SHOWN = {
    "shared": {"value", "max_redemptions", "once_per_customer"},
    "single_use": {"value"},
    "bulk": {"fallback_value", "pool_low_threshold"},
}


async def test_the_create_form_shows_the_chosen_types_fields(
    page: Page, database: Database
) -> None:
    admin = await new_admin(database, "Codes shop")
    await log_in(page, admin)
    await page.goto("/ui/promocodes")
    form = page.locator("#promocode-create")
    await expect(form.locator("select[name=type] option")).to_have_text(
        ["Shared", "Single use", "Bulk"]
    )
    for type_, shown in SHOWN.items():
        await form.locator("select[name=type]").select_option(type_)
        for name in FIELDS:
            field = form.locator(f"input[name={name}]")
            if name in shown:
                await expect(field).to_be_visible()
            else:
                await expect(field).to_be_hidden()
        # The "(applies to …)" notes are for pages without JavaScript.
        await expect(form.locator(".applies-note:visible")).to_have_count(0)
    # A value typed for a shared code, then the type changed to bulk: not sent.
    await form.locator("select[name=type]").select_option("shared")
    await form.locator("input[name=value]").fill("TYPED-FIRST")
    await form.locator("select[name=type]").select_option("bulk")
    await form.locator("input[name=name]").fill("Spring pool")
    await form.locator("input[name=fallback_value]").fill("SPRING-FALLBACK")
    await form.locator("button:has-text('Create promocode')").click()
    await expect(page.locator("h1")).to_contain_text("Spring pool")
    await expect(page.locator("h1 .badge").first).to_have_text("Bulk")
    # A bulk pool is offered upload and generate.
    await expect(page.locator("#upload")).to_be_visible()
    await expect(page.locator("#generate")).to_be_visible()

    # A single-use code: neither (it has its one value).
    await page.goto("/ui/promocodes")
    await form.locator("select[name=type]").select_option("single_use")
    await form.locator("input[name=name]").fill("VIP invite")
    await form.locator("input[name=value]").fill("VIP-ONE")
    await form.locator("button:has-text('Create promocode')").click()
    await expect(page.locator("h1")).to_contain_text("VIP invite")
    await expect(page.locator("#upload")).to_have_count(0)
    await expect(page.locator("#generate")).to_have_count(0)
    await expect(page.locator("#values-note")).to_contain_text(
        "values are uploaded or generated only for bulk codes"
    )
    # The list names the types in words.
    await page.goto("/ui/promocodes")
    rows = page.locator("#promocodes tbody tr")
    await expect(rows.filter(has_text="VIP invite")).to_contain_text("Single use")
    await expect(rows.filter(has_text="Spring pool")).to_contain_text("Bulk")


async def test_the_create_form_without_javascript(
    page_without_js: Page, database: Database
) -> None:
    page = page_without_js
    tenant = await make_tenant(database, "No-JS codes")
    await log_in(page, await make_user(database, tenant.id, "admin"))
    await page.goto("/ui/promocodes")
    form = page.locator("#promocode-create")
    for name in FIELDS:  # every field, each labelled with the types it applies to
        await expect(form.locator(f"input[name={name}]")).to_be_visible()
    await expect(form).to_contain_text("(shared and single-use codes)")
    await expect(form).to_contain_text("(bulk codes)")
    # Fields of other types filled in are ignored, not refused.
    await form.locator("input[name=name]").fill("One-off")
    await form.locator("select[name=type]").select_option("single_use")
    await form.locator("input[name=value]").fill("ONE-OFF-1")
    await form.locator("input[name=max_redemptions]").fill("5")
    await form.locator("input[name=fallback_value]").fill("NOPE")
    await form.locator("button:has-text('Create promocode')").click()
    await expect(page.locator("h1")).to_contain_text("One-off")
    async with database.unit_of_work(write=False) as session:
        codes = await promocode_service.list(
            session,
            tenant.principal,
            limit=10,
            cursor=None,
            type_=None,
            include_hidden=True,
            hidden=None,
            search=None,
        )
    (code,) = codes.items
    assert (code.type, code.value, code.max_redemptions, code.fallback_value) == (
        "single_use",
        "ONE-OFF-1",
        1,  # single use: one redemption in total, not the 5 typed for shared codes
        None,
    )
