"""Every main page of the console, with a demo tenant's data, has no serious or critical
axe-core violation (labels, contrast, landmarks, names of buttons and links …).

The pages are ``openpromo.demo.pages.PAGES`` (shared with scripts/screenshots.py): a new page
is added there with one line. A page that answers 404 is skipped, saying so (the guided
flow's steps come from another branch).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest

from openpromo.db import Database
from openpromo.demo.pages import PAGES, ConsolePage
from openpromo.demo.seed import DemoTenant, seed_demo
from tests.ui.axe import assert_accessible
from tests.ui.browser import BROWSER_ONLY, Browser, Page, log_in
from tests.ui.conftest import UiUser

pytestmark = BROWSER_ONLY


@pytest.fixture(scope="module")
async def demo(database: Database) -> DemoTenant:
    async with database.unit_of_work() as session:
        return await seed_demo(session, f"Accessible demo {secrets.token_hex(4)}")


@pytest.fixture(scope="module")
async def demo_page(browser: Browser, server_url: str, demo: DemoTenant) -> AsyncIterator[Page]:
    """One tab logged in as the demo's admin, for every page of the list."""
    context = await browser.new_context(base_url=server_url)
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    await log_in(tab, UiUser(demo.tenant_id, demo.admin_email, demo.admin_password, "admin"))
    yield tab
    await context.close()


@pytest.mark.parametrize("console_page", PAGES, ids=[p.name for p in PAGES])
async def test_no_serious_accessibility_violation(
    demo_page: Page, demo: DemoTenant, console_page: ConsolePage
) -> None:
    page = demo_page
    response = await page.goto(console_page.url(demo.ids()))
    assert response is not None
    if response.status == 404:
        pytest.skip(f"{console_page.path} is not on this branch (404)")
    assert response.status == 200, f"{console_page.path} answered {response.status}"
    await page.wait_for_load_state("networkidle")
    await assert_accessible(page)


async def test_the_check_finds_a_violation(page: Page) -> None:
    """The check is not blind: an unlabelled input and an empty button fail it."""
    await page.set_content(
        "<html lang='en'><head><title>t</title></head><body><main><h1>x</h1>"
        "<input type='text'><button></button></main></body></html>"
    )
    with pytest.raises(AssertionError) as failed:
        await assert_accessible(page)
    assert "button-name" in str(failed.value)
    assert "label" in str(failed.value)
