"""Issue 19, as a person sees it in Chromium: local times with their zone, the time zone and
currency pickers, the reward type form showing only what applies, the side navigation, and
display names instead of keys."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from playwright.async_api import Browser

from openpromo.db import Database
from openpromo.tenant.schemas import TenantUpdate
from openpromo.tenant.service import tenant_service
from openpromo.ui.context import parse_moment
from tests.conftest import make_tenant
from tests.ui.browser import BROWSER_ONLY, Page, expect, log_in, new_admin
from tests.ui.conftest import UiUser, make_user

pytestmark = BROWSER_ONLY

BERLIN = ZoneInfo("Europe/Berlin")


async def _berlin_admin(database: Database) -> UiUser:
    tenant = await make_tenant(database, "Berlin shop")
    async with database.unit_of_work() as session:
        await tenant_service.update(
            session, tenant.principal, TenantUpdate(timezone="Europe/Berlin")
        )
    return await make_user(database, tenant.id, "admin")


async def test_times_are_shown_in_the_tenants_zone(page: Page, database: Database) -> None:
    admin = await _berlin_admin(database)
    await log_in(page, admin)
    async with database.unit_of_work(write=False) as session:
        from openpromo.user.repository import find_user_by_email

        user = await find_user_by_email(session, admin.email)
        assert user is not None
    local = user.created_at.astimezone(BERLIN)
    expected = local.strftime("%Y-%m-%d %H:%M ") + local.strftime("%Z")
    assert local.strftime("%Z") in ("CET", "CEST")
    await page.goto("/ui/users")
    created = page.locator(f'tr[data-user="{admin.email}"] td').nth(3)
    await expect(created).to_have_text(expected)
    await expect(created.locator("time")).to_have_attribute("title", "Europe/Berlin")
    assert "UTC" not in await page.locator("#users").inner_text()


def test_a_date_filter_without_offset_is_local() -> None:
    moment = parse_moment("2026-12-03T10:00", "since", BERLIN)
    assert moment == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert parse_moment("2026-07-01", "since", BERLIN) == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    assert parse_moment("2026-12-03T10:00+00:00", "since", BERLIN) == datetime(
        2026, 12, 3, 10, 0, tzinfo=UTC
    )


async def test_time_zone_and_currency_are_pickers(page: Page, database: Database) -> None:
    admin = await new_admin(database, "Picker shop")
    await log_in(page, admin)
    await page.goto("/ui/settings")
    zone = page.locator("#tenant-form select[name=timezone]")
    currency = page.locator("#tenant-form select[name=default_currency]")
    assert await zone.locator("option").count() > 300
    await expect(
        zone.locator("optgroup[label=Europe] option[value='Europe/Berlin']")
    ).to_have_count(1)
    await expect(currency.locator("option[value=EUR]")).to_have_text("EUR — Euro")
    await zone.select_option("Asia/Tokyo")
    await currency.select_option("JPY")
    await page.click("#tenant-form button:has-text('Save')")
    await expect(page.locator(".flash")).to_have_text("Settings saved.")
    await expect(zone).to_have_value("Asia/Tokyo")
    await expect(currency).to_have_value("JPY")
    async with database.unit_of_work(write=False) as session:
        tenant = await tenant_service.get(session, admin.tenant_id)
    assert (tenant.timezone, tenant.default_currency) == ("Asia/Tokyo", "JPY")


async def test_the_reward_type_form_shows_what_its_category_uses(
    page: Page, database: Database, browser: Browser, server_url: str
) -> None:
    admin = await new_admin(database, "Reward form shop")
    await log_in(page, admin)
    await page.goto("/ui/settings/reward-types/new")
    form = page.locator("#reward-type-form")
    currency, unit = form.locator("input[name=currency]"), form.locator("input[name=unit_name]")
    await expect(form.locator("select[name=category]")).to_have_value("amount")
    await expect(currency).to_be_visible()
    await expect(unit).to_be_hidden()
    await form.locator("select[name=category]").select_option("unit")
    await expect(unit).to_be_visible()
    await expect(currency).to_be_hidden()
    await form.locator("input[name=key]").fill("spins")
    await form.locator("input[name=name]").fill("Free spins")
    await unit.fill("spin")
    await form.locator("button:has-text('Create')").click()
    await expect(page.locator(".flash")).to_have_text("Reward type created.")
    # The type's own page opens with the unit field only.
    await page.goto("/ui/settings/reward-types/spins")
    await expect(unit).to_have_value("spin")
    await expect(currency).to_be_hidden()

    # Without JavaScript both fields are there, each saying which category it is for.
    context = await browser.new_context(base_url=server_url, java_script_enabled=False)
    try:
        tab = await context.new_page()
        await log_in(tab, admin)
        await tab.goto("/ui/settings/reward-types/new")
        await expect(tab.locator("#reward-type-form input[name=currency]")).to_be_visible()
        await expect(tab.locator("#reward-type-form input[name=unit_name]")).to_be_visible()
        await expect(tab.locator("#reward-type-form")).to_contain_text("Unit name (unit types)")
    finally:
        await context.close()


async def test_the_side_navigation_holds_every_area_without_wrapping(
    page: Page, database: Database
) -> None:
    admin = await new_admin(database, "Navigation shop")
    await page.set_viewport_size({"width": 1400, "height": 900})
    await log_in(page, admin)
    await page.goto("/ui/grants")
    nav = page.locator("nav.sidenav")
    labels = [
        "Promotions",
        "Promocodes",
        "Campaigns",
        "Customers",
        "Grants",
        "Validate",
        "Simulator",
        "Settings",
        "API keys",
        "Users",
        "Webhooks",
        "Audit log",
    ]
    links = nav.locator("a")
    await expect(links).to_have_text(labels)
    boxes = [await links.nth(i).bounding_box() for i in range(len(labels))]
    assert all(b is not None for b in boxes)
    # One column: the same left edge, each link below the one before.
    assert len({round(b["x"]) for b in boxes if b}) == 1
    tops = [b["y"] for b in boxes if b]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    bar = await page.locator(".topbar").bounding_box()
    assert bar is not None and bar["height"] < 60  # the top bar no longer wraps
    await expect(page.locator(".topbar")).to_contain_text(admin.email)
    await expect(nav.locator("a[aria-current=page]")).to_have_text("Grants")
    await nav.locator("a:has-text('Audit log')").click()
    await expect(page).to_have_url(f"{page.url.split('/ui/')[0]}/ui/audit")


async def test_a_viewer_sees_only_their_areas(page: Page, database: Database) -> None:
    tenant = await make_tenant(database, "Viewer shop")
    viewer = await make_user(database, tenant.id, "viewer")
    await log_in(page, viewer)
    links = page.locator("nav.sidenav a")
    texts = await links.all_inner_texts()
    assert "Users" not in texts and "API keys" not in texts
    assert "Promotions" in texts and "Audit log" in texts


async def test_reward_types_are_listed_by_display_name(page: Page, database: Database) -> None:
    admin = await new_admin(database, "Names shop")
    await log_in(page, admin)
    await page.request.post(
        "/ui/settings/reward-types/new",
        form={
            "csrf_token": await page.locator("input[name=csrf_token]").first.get_attribute("value")
            or "",
            "key": "eur_bonus",
            "name": "Bonus money",
            "display_name": "Bonus (EUR)",
            "category": "amount",
            "currency": "EUR",
        },
    )
    await page.goto("/ui/settings/reward-types")
    row = page.locator("#reward-types tbody tr").first
    await expect(row.locator("a")).to_have_text("Bonus (EUR)")
    await expect(row.locator("code")).to_have_text("eur_bonus")


async def test_the_audit_log_names_people_by_email(page: Page, database: Database) -> None:
    tenant = await make_tenant(database, "Audit names shop")
    admin = await make_user(database, tenant.id, "admin")
    viewer = await make_user(database, tenant.id, "viewer")
    await log_in(page, admin)
    await page.goto("/ui/users")
    row = page.locator(f'tr[data-user="{viewer.email}"]')
    await row.locator("select[name=role]").select_option("editor")
    await row.locator("button:has-text('Change role')").click()
    await expect(page.locator(".flash")).to_have_text(f"{viewer.email} is now editor.")
    await page.goto("/ui/audit?action=user.update")
    entry = page.locator("#audit-entries tbody tr").first
    await expect(entry.locator(".who-cell")).to_have_text(admin.email)
    await expect(entry.locator(".object-cell")).to_have_text(f"user {viewer.email}")


async def test_default_constraints_are_a_form_with_json_as_the_advanced_way(
    page: Page, database: Database
) -> None:
    admin = await _berlin_admin(database)
    await log_in(page, admin)
    await page.goto("/ui/settings/reward-types/new")
    form = page.locator("#reward-type-form")
    await form.locator("input[name=key]").fill("eur_bonus")
    await form.locator("input[name=name]").fill("Bonus money")
    await form.locator("input[name='constraints.max_value']").fill("50")
    await form.locator("select[name='constraints.per_customer.0.window']").select_option(
        label="any 7 days"
    )
    await form.locator("input[name='constraints.per_customer.0.max_grants']").fill("3")
    await form.locator("input[name='constraints.per_customer.1.max_grants']").fill("2")
    await form.locator("input[name='constraints.valid_until']").fill("2026-12-31T23:00")
    await form.locator("input[name='constraints.grant_expires_after']").fill("P30D")
    await form.locator("button:has-text('Create')").click()
    # A limit without its period: said next to the period, nothing saved.
    await expect(
        page.locator('em.error[data-field="constraints.per_customer.1.window"]')
    ).to_have_text("choose the period this limit counts in (for example: any 7 days)")
    await form.locator("input[name='constraints.per_customer.1.max_grants']").fill("")
    await form.locator("button:has-text('Create')").click()
    await expect(page.locator(".flash")).to_have_text("Reward type created.")

    from openpromo.auth.principal import Principal
    from openpromo.reward_type.schemas import reward_type_out
    from openpromo.reward_type.service import reward_type_service

    async with database.unit_of_work(write=False) as session:
        stored = reward_type_out(
            await reward_type_service.get(session, Principal.cli(admin.tenant_id), "eur_bonus")
        ).constraints.model_dump(mode="json", exclude_none=True)
    valid_until = datetime.fromisoformat(stored.pop("valid_until"))
    assert valid_until == datetime(2026, 12, 31, 22, 0, tzinfo=UTC)  # 23:00 in Berlin
    assert stored == {
        "max_value": "50",
        "per_customer": [{"window": "rolling_7d", "max_grants": 3}],
        "grant_expires_after": "P30D",
    }
    # The page opens with the same values, in local time.
    await expect(form.locator("input[name='constraints.valid_until']")).to_have_value(
        "2026-12-31T23:00"
    )
    await expect(form.locator("select[name='constraints.per_customer.0.window']")).to_have_value(
        "rolling_7d"
    )
    # The JSON stays reachable and wins when chosen.
    await form.locator("summary:has-text('Advanced')").click()
    await form.locator("textarea[name=constraints]").fill('{"min_value": "5"}')
    await form.locator("input[name=constraints_editor][value=json]").check()
    await form.locator("button:has-text('Save')").click()
    await expect(page.locator(".flash")).to_have_text("Reward type saved.")
    await expect(form.locator("input[name='constraints.min_value']")).to_have_value("5")
    await expect(form.locator("input[name='constraints.max_value']")).to_have_value("")
