"""A bulk promocode's ``pool_low_threshold`` (the promocode.pool_low webhook's mark) in the
UI: set when creating, shown and changed on the promocode page, errors by field; not offered
for other types. Through the ASGI client, stored values read back through the service."""

from __future__ import annotations

import re

from fastapi import FastAPI

from openpromo.db import Database
from openpromo.promocode.service import promocode_service
from tests.conftest import TenantFixture
from tests.ui.conftest import csrf_of, field_error, logged_in, make_user


def shown_threshold(html: str) -> str | None:
    match = re.search(r'<input type="number" name="pool_low_threshold" value="([^"]*)"', html)
    return match.group(1) if match else None


async def stored_threshold(database: Database, tenant: TenantFixture, code_id: str) -> int:
    async with database.unit_of_work(write=False) as session:
        code = await promocode_service.describe(session, tenant.principal, code_id)
        return code.pool_low_threshold


async def test_a_bulk_codes_low_pool_alert_is_set_shown_and_changed(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, user) as http:
        form = await http.get("/ui/promocodes")
        assert 'name="pool_low_threshold"' in form.text
        created = await http.post(
            "/ui/promocodes",
            data={
                "name": "Pool",
                "type": "bulk",
                "pool_low_threshold": "25",
                "csrf_token": csrf_of(http),
            },
        )
        assert created.status_code == 303, created.text
        code_id = created.headers["location"].split("/")[-1].split("?")[0]
        assert await stored_threshold(database, tenant, code_id) == 25
        page = await http.get(f"/ui/promocodes/{code_id}")
        assert shown_threshold(page.text) == "25"

        saved = await http.post(
            f"/ui/promocodes/{code_id}/edit",
            data={"name": "Pool", "pool_low_threshold": "0", "csrf_token": csrf_of(http)},
        )
        assert saved.status_code == 303, saved.text
        assert await stored_threshold(database, tenant, code_id) == 0
        assert shown_threshold((await http.get(f"/ui/promocodes/{code_id}")).text) == "0"

        # Out of bounds: the field says why, the value typed stays, nothing is stored.
        refused = await http.post(
            f"/ui/promocodes/{code_id}/edit",
            data={"name": "Pool", "pool_low_threshold": "100001", "csrf_token": csrf_of(http)},
        )
        assert refused.status_code == 422
        assert field_error(refused.text, "pool_low_threshold") is not None
        assert shown_threshold(refused.text) == "100001"
        assert await stored_threshold(database, tenant, code_id) == 0

        # Created without one: the default.
        default = await http.post(
            "/ui/promocodes",
            data={"name": "Pool 2", "type": "bulk", "csrf_token": csrf_of(http)},
        )
        other_id = default.headers["location"].split("/")[-1].split("?")[0]
        assert await stored_threshold(database, tenant, other_id) == 100
        assert shown_threshold((await http.get(f"/ui/promocodes/{other_id}")).text) == "100"


async def test_other_types_are_not_offered_the_low_pool_alert(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, user) as http:
        # A value typed into the (hidden) bulk field of a shared code's form is not sent.
        created = await http.post(
            "/ui/promocodes",
            data={
                "name": "Shared",
                "type": "shared",
                "value": "SPRING",
                "pool_low_threshold": "7",
                "csrf_token": csrf_of(http),
            },
        )
        assert created.status_code == 303, created.text
        code_id = created.headers["location"].split("/")[-1].split("?")[0]
        page = await http.get(f"/ui/promocodes/{code_id}")
        assert shown_threshold(page.text) is None
