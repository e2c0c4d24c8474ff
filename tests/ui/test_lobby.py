"""The promotions lobby: a page at a time with a pager, status filter and search in SQL, and
the budget bars of a whole page read in one batch (the 10,000-promotion case is
bench/ui_lobby.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from openpromo.db import Database
from tests.conftest import TenantFixture, make_tenant
from tests.ui.conftest import logged_in, make_user
from tests.validation.factory import ctx, setup_world
from tests.validation.test_windows_in_validation import run

BUDGETS: dict[str, Any] = {
    "audience_caps": [{"window": "day", "limit": 100}, {"window": "rolling_7d", "limit": 500}],
    "reward_budgets": [
        {"reward_type": "spins", "window": "lifetime", "limit": "1000"},
        {"reward_type": "eur", "window": "rolling_30d", "limit": "50"},
    ],
    "alert_thresholds": [0.5],
}


def rows(page_html: str) -> list[str]:
    body = page_html.split('<table id="promotions">')[1].split("</table>")[0]
    return re.findall(r'<a href="/ui/promotions/[^"]+">([^<]+)</a>', body)


@contextmanager
def counted(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    engines = {database.engine.sync_engine, database.read_engine.sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


async def _budgeted_tenant(database: Database, count: int) -> tuple[TenantFixture, list[str]]:
    tenant = await make_tenant(database)
    ids = [
        (await setup_world(database, tenant.id, budgets=BUDGETS)).promotion_id for _ in range(count)
    ]
    return tenant, ids


async def test_lobby_bars_are_read_in_one_batch_whatever_the_page_size(
    ui_app: FastAPI, database: Database
) -> None:
    small, _ = await _budgeted_tenant(database, 2)
    big, big_ids = await _budgeted_tenant(database, 25)
    # Grants in the big tenant: counters and rolling sums have something to read.
    now = datetime.now(UTC)
    await run(database, big.id, big_ids[0], [ctx("a"), ctx("b")], now)  # 150 → 20 spins + 15 eur
    await run(database, big.id, big_ids[1], [ctx("a", "20")], now)  # 5 spins
    await run(database, big.id, big_ids[1], [ctx("b", "20")], now - timedelta(days=3))
    counts = []
    for tenant in (small, big):
        user = await make_user(database, tenant.id, "viewer")
        async with logged_in(ui_app, user) as http:
            await http.get("/ui/promotions")  # warm: first-use queries are not the point
            with counted(database) as statements:
                page = await http.get("/ui/promotions")
            assert page.status_code == 200
            counts.append(len(statements))
            if tenant is big:
                text = page.text
    assert counts[0] == counts[1], counts
    assert len(rows(text)) == 25
    first = text.split(f'/ui/promotions/{big_ids[0]}"')[1].split("</tr>")[0]
    assert "Customers · per day — 2 / 100" in first
    assert "Customers · in any 7 days — 2 / 500" in first
    assert "Free spins · lifetime — 40 / 1,000" in first
    # 2 × 15.00 EUR of a 50 EUR rolling budget: 60 %, past the 50 % threshold.
    assert "EUR bonus · in any 30 days — 30.00 / 50.00 EUR" in first
    assert first.count('class="budget level-warn"') == 1
    assert first.count('class="budget level-ok"') == 3
    second = text.split(f'/ui/promotions/{big_ids[1]}"')[1].split("</tr>")[0]
    assert "Free spins · lifetime — 10 / 1,000" in second
    # The sparklines: grants per day over the last 14 days, today last (one query too).
    zeros = ["0"] * 14
    assert f"last 14 days: {', '.join([*zeros[:13], '4'])}" in first
    assert f"last 14 days: {', '.join([*zeros[:10], '1', '0', '0', '1'])}" in second
    third = text.split(f'/ui/promotions/{big_ids[2]}"')[1].split("</tr>")[0]
    assert "<svg" not in third and ">none<" in third


async def test_lobby_pages_filters_and_searches(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    names = [f"Alpha {i:02d}" for i in range(55)] + [f"Beta {i}" for i in range(5)]
    ids = {}
    for name in names:
        response = await client.post("/v1/promotions", json={"name": name})
        assert response.status_code == 201
        ids[name] = response.json()["id"]
    for name in ("Alpha 03", "Beta 1", "Beta 4"):
        assert (await client.post(f"/v1/promotions/{ids[name]}/archive")).status_code == 200
    user = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, user) as http:
        first = await http.get("/ui/promotions")
        assert rows(first.text) == names[:50]
        assert 'id="first-page"' not in first.text
        next_link = re.search(r'href="\?(cursor=[^"]+)" id="next-page"', first.text)
        assert next_link
        second = await http.get(f"/ui/promotions?{next_link.group(1)}")
        assert rows(second.text) == names[50:]
        assert 'id="next-page"' not in second.text
        assert 'id="first-page"' in second.text

        beta = await http.get("/ui/promotions", params={"q": "BETA"})
        assert rows(beta.text) == [f"Beta {i}" for i in range(5)]
        archived = await http.get("/ui/promotions", params={"status": "archived"})
        assert rows(archived.text) == ["Alpha 03", "Beta 1", "Beta 4"]
        both = await http.get("/ui/promotions", params={"status": "draft", "q": "beta"})
        assert rows(both.text) == ["Beta 0", "Beta 2", "Beta 3"]
        # The search keeps the filter through the pager and matches codes too.
        alpha = await http.get("/ui/promotions", params={"status": "draft", "q": "alpha-"})
        assert len(rows(alpha.text)) == 50
        link = re.search(r'href="\?([^"]+)" id="next-page"', alpha.text)
        assert link and "status=draft" in link.group(1) and "q=alpha-" in link.group(1)
        rest = await http.get("/ui/promotions?" + link.group(1).replace("&amp;", "&"))
        assert rows(rest.text) == [n for n in names[:55] if n != "Alpha 03"][50:]
        none = await http.get("/ui/promotions", params={"q": "gamma"})
        assert rows(none.text) == [] and "No promotions match." in none.text
