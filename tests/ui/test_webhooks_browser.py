"""The webhooks page in a real browser: create an endpoint (secret shown once), open its page
from the list, send a test event to a receiver on loopback, see the delivery and its attempt."""

from __future__ import annotations

import asyncio

import pytest
from standardwebhooks import Webhook

from openpromo.db import Database
from openpromo.webhook.delivery import DeliveryWorker
from tests.ui.browser import BROWSER_ONLY, Page, expect, log_in, new_admin
from tests.webhook.conftest import allow_loopback  # noqa: F401 - the fixture
from tests.webhook.receiver import receiver

pytestmark = [BROWSER_ONLY, pytest.mark.usefixtures("allow_loopback")]


async def test_an_endpoint_page_sends_a_test_event_and_shows_its_attempt(
    page: Page, database: Database
) -> None:
    admin = await new_admin(database, "Webhooks tenant")
    await log_in(page, admin)
    async with receiver() as rec:
        await page.click("nav.sidenav >> text=Webhooks")
        await expect(page.locator("h1")).to_have_text("Webhooks & alerts")
        await page.fill("#endpoint-form input[name=url]", rec.url)
        await page.check("#endpoint-form input[value='*']")
        await page.click("#endpoint-form button:has-text('Create endpoint')")
        secret = (await page.locator("#created-endpoint code").inner_text()).strip()
        assert secret.startswith("whsec_")
        await page.click(f"#endpoints a:has-text('{rec.url}')")
        await expect(page.locator("h1")).to_have_text(rec.url)
        await page.click("#send-test")
        await expect(page.locator(".flash")).to_contain_text("Test event queued")
        # A worker pass here (the test server runs no delivery loop: see tests/ui/browser.py).
        await DeliveryWorker(database).run_once()
        await asyncio.wait_for(rec.arrived.wait(), timeout=10)
        request = rec.received[0]
        assert Webhook(secret).verify(request.body, request.headers)["type"] == "webhook.test"
        for _ in range(50):
            await page.reload()
            if await page.locator("#deliveries tr[data-status=succeeded]").count():
                break
            await asyncio.sleep(0.1)
        row = page.locator("#deliveries tr[data-status=succeeded]")
        await expect(row).to_have_count(1)
        await row.locator("a:has-text('webhook.test')").click()
        await expect(page.locator("#attempts tbody tr")).to_have_count(1)
        await expect(page.locator("#attempts tbody tr td").nth(2)).to_have_text("200")
        await expect(page.locator("#delivery-counts")).to_contain_text("1 succeeded")
