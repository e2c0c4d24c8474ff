"""Browser test plumbing: a real ``openpromo serve`` process on a free port and the system
Chromium driven by Playwright (``playwright install`` is not used).

Every browser test module sets ``pytestmark = BROWSER_ONLY`` and uses the ``page`` fixture
(a fresh browser context with the server as its base URL); ``new_admin`` and ``log_in`` make
and log in a tenant's admin. Tests skip with a clear message where /usr/bin/chromium is
missing (CI installs Debian's ``chromium``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, FilePayload, Page, async_playwright, expect

from openpromo.db import Database
from tests.conftest import make_tenant
from tests.ui.conftest import UiUser, make_user

__all__ = [
    "BROWSER_ONLY",
    "Browser",
    "FilePayload",
    "Page",
    "expect",
    "log_in",
    "new_admin",
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

BROWSER_ONLY = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"browser tests need Chromium at {CHROMIUM}"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "serve.log"
    env = {
        **os.environ,
        "OPENPROMO_DATABASE_URL": database_url,
        "OPENPROMO_LOG_LEVEL": "WARNING",
        # Webhook pages send to a receiver the test runs on loopback, over http.
        "OPENPROMO_WEBHOOK_ALLOW_HTTP": "true",
        "OPENPROMO_WEBHOOK_ALLOW_PRIVATE_DESTINATIONS": "true",
        # Webhook tests deliver with a worker of their own (and count what it sends): the
        # server's embedded worker must not deliver behind their back.
        "OPENPROMO_WEBHOOK_DELIVERY": "false",
    }
    openpromo = Path(sys.executable).with_name("openpromo")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(openpromo), "serve", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser, server_url: str) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=server_url)
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    yield tab
    await context.close()


@pytest.fixture
async def page_without_js(browser: Browser, server_url: str) -> AsyncIterator[Page]:
    """Like ``page`` with JavaScript switched off: forms must work without it."""
    context = await browser.new_context(base_url=server_url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    yield tab
    await context.close()


async def new_admin(database: Database, name: str = "Browser tenant") -> UiUser:
    tenant = await make_tenant(database, name)
    return await make_user(database, tenant.id, "admin")


async def log_in(page: Page, user: UiUser) -> None:
    await page.goto("/")
    assert page.url.endswith("/ui/login")
    await page.fill("input[name=email]", user.email)
    await page.fill("input[name=password]", user.password)
    await page.click("button:has-text('Log in')")
    await expect(page.locator(".topbar")).to_contain_text(user.email)
