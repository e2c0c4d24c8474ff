"""Regenerate the console screenshots in docs/ui/ from a freshly seeded demo tenant.

    uv run python scripts/screenshots.py [--out docs/ui] [--port 8199] [--width 1400]

Starts ``openpromo serve`` on a temporary SQLite database, seeds it with ``openpromo demo
seed``, logs in with Playwright in the system Chromium (/usr/bin/chromium) and saves one PNG
per page of ``openpromo.demo.pages.PAGES`` that names a screenshot. A page that answers 404
(a page not built yet on this branch) is skipped with a message, so the script can simply be
run again later.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.async_api import async_playwright

from openpromo.demo.pages import PAGES

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
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _openpromo() -> str:
    return str(Path(sys.executable).with_name("openpromo"))


async def _shoot(
    base_url: str, login: dict[str, str], ids: dict[str, str], args: argparse.Namespace
) -> int:
    out = Path(args.out)  # made by main()
    saved = 0
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(
            base_url=base_url, viewport={"width": args.width, "height": 900}
        )
        page = await context.new_page()
        await page.goto("/ui/login")
        await page.fill("input[name=email]", login["email"])
        await page.fill("input[name=password]", login["password"])
        await page.click("button:has-text('Log in')")
        await page.wait_for_url("**/ui/**")
        for console_page in PAGES:
            if console_page.screenshot is None:
                continue
            url = console_page.url(ids)
            response = await page.goto(url)
            status = response.status if response is not None else 0
            if status == 404:
                print(f"skipped {console_page.name}: {url} answers 404 (not on this branch yet)")
                continue
            if status >= 400:
                print(f"skipped {console_page.name}: {url} answers {status}")
                continue
            await page.wait_for_load_state("networkidle")
            await page.wait_for_timeout(300)  # charts finish their first paint
            target = out / console_page.screenshot
            await page.screenshot(path=str(target), full_page=args.full_page)
            print(f"saved {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
            saved += 1
        await browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "ui"))
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--full-page", action="store_true", help="whole page, not the viewport")
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    port = args.port or _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "OPENPROMO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/demo.db",
            "OPENPROMO_LOG_LEVEL": "WARNING",
        }
        subprocess.run([_openpromo(), "db", "upgrade"], env=env, check=True, capture_output=True)
        seeded = subprocess.run(
            [_openpromo(), "demo", "seed", "--json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        demo = json.loads(seeded.stdout)
        ids: dict[str, str] = demo["ids"]
        log = Path(tmp) / "serve.log"
        with log.open("wb") as sink:
            server = subprocess.Popen(
                [_openpromo(), "serve", "--port", str(port), "--no-worker"],
                env=env,
                stdout=sink,
                stderr=sink,
            )
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base_url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start:\n{log.read_text()}")
                time.sleep(0.2)
            login = {"email": demo["admin_email"], "password": demo["admin_password"]}
            saved = asyncio.run(_shoot(base_url, login, ids, args))
            print(f"{saved} screenshots in {args.out}")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
