"""The admin UI in a real Chromium (Playwright) against a real server process
(``tests/ui/browser.py``)."""

from __future__ import annotations

import json
import re

from openpromo.db import Database
from tests.ui.browser import BROWSER_ONLY, FilePayload, Page, expect, log_in, new_admin

pytestmark = BROWSER_ONLY


async def test_login_settings_reward_type_schema_and_api_key(
    page: Page, database: Database
) -> None:
    user = await new_admin(database)
    await page.goto("/ui/login")
    await page.fill("input[name=email]", user.email)
    await page.fill("input[name=password]", "wrong password!")
    await page.click("button:has-text('Log in')")
    await expect(page.locator(".alert")).to_have_text("Wrong e-mail or password.")
    await log_in(page, user)

    # Tenant time zone: picked from the IANA zones, saved, shown selected.
    await page.goto("/ui/settings")
    await page.select_option("#tenant-form select[name=timezone]", "Europe/Paris")
    await page.click("#tenant-form button:has-text('Save')")
    await expect(page.locator(".flash")).to_have_text("Settings saved.")
    await expect(page.locator("#tenant-form select[name=timezone]")).to_have_value("Europe/Paris")

    # A reward type.
    await page.goto("/ui/settings/reward-types/new")
    await page.fill("#reward-type-form input[name=key]", "free_spins")
    await page.fill("#reward-type-form input[name=name]", "Free spins")
    await page.select_option("#reward-type-form select[name=category]", "unit")
    await page.fill("#reward-type-form input[name=unit_name]", "spin")
    await page.click("#reward-type-form button:has-text('Create')")
    await expect(page.locator(".flash")).to_have_text("Reward type created.")
    await page.goto("/ui/settings/reward-types")
    await expect(page.locator("#reward-types")).to_contain_text("free_spins")

    # A session schema property.
    await page.goto("/ui/settings/schemas/session")
    await page.fill("#property-form input[name=key]", "deposit_amount")
    await page.select_option("#property-form select[name=type]", "decimal")
    await page.fill("#property-form input[name=min]", "0")
    await page.click("#property-form button:has-text('Save property')")
    await expect(page.locator(".flash")).to_have_text("Property deposit_amount saved.")
    await expect(page.locator("#schema-properties")).to_contain_text("deposit_amount")

    # An API key, shown once.
    await page.goto("/ui/api-keys")
    await page.fill("#api-key-form input[name=name]", "checkout")
    await page.select_option("#api-key-form select[name=role]", "integration")
    await page.click("#api-key-form button:has-text('Create key')")
    key = await page.locator("#new-api-key").inner_text()
    assert key.startswith("op_")
    response = await page.request.get("/v1/tenant", headers={"Authorization": f"Bearer {key}"})
    assert (await response.json())["timezone"] == "Europe/Paris"
    await page.goto("/ui/api-keys")
    await expect(page.locator("#api-keys")).to_contain_text("checkout")
    assert key not in await page.content()


TIERS = [
    {
        "id": "high",
        "name": "High depositors",
        "condition": {"property": "session.deposit_amount", "op": "gte", "value": "100"},
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": "20"}}],
    }
]


async def test_promotion_tiers_activate_simulate_and_upload(page: Page, database: Database) -> None:
    user = await new_admin(database)
    await log_in(page, user)
    await page.goto("/ui/settings/reward-types/new")
    await page.fill("#reward-type-form input[name=key]", "free_spins")
    await page.fill("#reward-type-form input[name=name]", "Free spins")
    await page.select_option("#reward-type-form select[name=category]", "unit")
    await page.click("#reward-type-form button:has-text('Create')")
    await page.goto("/ui/settings/schemas/session")
    await page.fill("#property-form input[name=key]", "deposit_amount")
    await page.select_option("#property-form select[name=type]", "decimal")
    await page.click("#property-form button:has-text('Save property')")
    await expect(page.locator(".flash")).to_be_visible()

    await page.goto("/ui/promotions")
    await page.fill("#promotion-create input[name=name]", "Welcome bonus")
    await page.click("#promotion-create button:has-text('Create draft')")
    # A new promotion opens the guided flow's first step; this test edits on the page itself.
    await expect(page).to_have_url(re.compile(r"/ui/promotions/[0-9a-f-]{36}/edit/details\?"))
    await page.goto(page.url.split("/edit/details")[0])
    await expect(page.locator("#promotion-status")).to_have_text("draft")

    # The JSON editors are the Setup tab's collapsed advanced section.
    await page.click("#tab-setup")
    await page.click("#advanced summary")
    # A tier on an unknown property: the server's 422 message is shown by the editor.
    bad = [{**TIERS[0], "condition": {"property": "session.nope", "op": "gte", "value": "1"}}]
    await page.fill("#tiers textarea[name=tiers]", json.dumps(bad))
    await page.click("#tiers button:has-text('Save tiers')")
    await expect(page.locator('#tiers em.error[data-field="tiers"]')).to_contain_text(
        "session.nope"
    )
    await page.fill("#tiers textarea[name=tiers]", json.dumps(TIERS, indent=2))
    await page.click("#tiers button:has-text('Save tiers')")
    await expect(page.locator(".flash")).to_have_text("Tiers saved.")
    await page.click("#status button:has-text('Activate')")
    await expect(page.locator("#promotion-status")).to_have_text("active")
    await expect(page.locator("#tiers textarea")).to_be_disabled()

    # The simulator (an HTMX request: the result replaces its panel only).
    await page.click("a:has-text('Simulate')")
    await page.fill("#simulator-form input[name=customer_id]", "c-1")
    await page.fill("#simulator-form input[name='session.deposit_amount']", "150")
    await page.click("#simulator-form button:has-text('Simulate')")
    await expect(page.locator("#sim-eligible")).to_have_text("eligible")
    await expect(page.locator("#sim-tier")).to_have_text("High depositors")
    await expect(page.locator("#sim-rewards")).to_contain_text("20 free spins")
    await expect(page.locator("#sim-trace")).to_contain_text(
        "“High depositors”: its conditions hold"
    )
    await page.fill("#simulator-form input[name='session.deposit_amount']", "50")
    await page.click("#simulator-form button:has-text('Simulate')")
    await expect(page.locator("#sim-eligible")).to_have_text("not eligible")
    await expect(page.locator("#sim-reasons")).to_contain_text("no_tier_matched")

    # Many customers at once, committed (after the confirmation dialog); then the grants
    # ledger, where the grant is reversed (after its own dialog).
    await page.goto("/ui/validate")
    await page.select_option("#validate-form select[name=target]", label="Welcome bonus (active)")
    await page.check("#mode-bulk")
    await page.fill(
        "#validate-form textarea[name=contexts]",
        '{"customer_id": "b-1", "session": {"deposit_amount": "150"}}\n'
        '{"customer_id": "b-2", "session": {"deposit_amount": "5"}}',
    )
    await page.check("#validate-form input[name=commit]")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("#validate-form button:has-text('Validate')")
    await expect(page.locator("#validate-summary")).to_contain_text("Committed")
    await expect(page.locator("#validate-eligible")).to_have_text("1")
    await expect(page.locator("#validate-results")).to_contain_text("no_tier_matched")
    await page.click("nav a:has-text('Grants')")
    await expect(page.locator("#grants tbody tr")).to_have_count(1)
    await expect(page.locator("#grants")).to_contain_text("b-1")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("#grants button:has-text('Reverse')")
    await expect(page.locator(".flash")).to_have_text("Grant reversed.")
    await expect(page.locator("#grants")).to_contain_text("reversed")

    # A bulk promocode: upload values, with the progress bar filled by htmx.
    await page.goto("/ui/promocodes")
    await page.fill("#promocode-create input[name=name]", "Pool")
    await page.select_option("#promocode-create select[name=type]", "bulk")
    await page.click("#promocode-create button:has-text('Create promocode')")
    await expect(page.locator(".flash")).to_have_text("Promocode created.")
    values = "\n".join(f"CODE{i:05d}" for i in range(2000)).encode()
    await page.set_input_files(
        "#upload input[name=file]",
        files=[FilePayload(name="codes.txt", mimeType="text/plain", buffer=values)],
    )
    await page.click("#upload button:has-text('Upload')")
    await expect(page.locator("#upload-inserted")).to_have_text("2000")
    assert await page.locator("#upload-progress").evaluate("bar => bar.value") == 100
