"""The webhooks pages without a browser: admins only, a refused URL shown next to its field,
redelivery since a time, and the kill switch's Pause all."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from openpromo.db import Database
from openpromo.models import Promotion
from tests.conftest import TenantFixture
from tests.ui.conftest import csrf_of, field_error, logged_in, make_user
from tests.validation.factory import setup_world


async def test_viewers_and_editors_do_not_see_webhooks(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    for role in ("viewer", "editor"):
        user = await make_user(database, tenant.id, role)
        async with logged_in(app, user) as http:
            assert (await http.get("/ui/webhooks")).status_code == 403
            home = await http.get("/ui/promotions")
            assert 'href="/ui/webhooks"' not in home.text


async def test_an_unsafe_url_is_refused_next_to_its_field(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    admin = await make_user(database, tenant.id, "admin")
    async with logged_in(app, admin) as http:
        page = await http.get("/ui/webhooks")
        assert 'href="/ui/webhooks"' in page.text and "Pause all promotions" in page.text
        refused = await http.post(
            "/ui/webhooks",
            data={"csrf_token": csrf_of(http), "url": "http://127.0.0.1/x", "event_types": "*"},
        )
        assert refused.status_code == 422
        message = field_error(refused.text, "url")
        assert message is not None and "https://" in message
        assert "No endpoint yet." in refused.text


async def test_pause_all_from_the_page(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    admin = await make_user(database, tenant.id, "admin")
    async with logged_in(app, admin) as http:
        paused = await http.post("/ui/webhooks/pause-all", data={"csrf_token": csrf_of(http)})
        assert paused.status_code == 303
        assert "Paused" in paused.headers["location"]
    async with database.unit_of_work(write=False) as session:
        status = await session.scalar(
            select(Promotion.status).where(Promotion.id == world.promotion_id)
        )
    assert status == "deactivated"
