"""Settings, API keys, users and audit pages through the ASGI client."""

from __future__ import annotations

import asyncio
import base64
import html
import json
import re

import httpx
from fastapi import FastAPI

from openpromo.audit.service import audit_service
from openpromo.db import Database
from openpromo.reward_type.service import reward_type_service
from openpromo.schema.service import schema_service
from openpromo.sync.service import sync_service
from openpromo.tenant.service import tenant_service
from tests.conftest import TenantFixture, make_client
from tests.ui.conftest import csrf_of, field_error, logged_in, make_user

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


async def test_tenant_form_shows_the_apis_message_next_to_the_field(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    api = await client.patch("/v1/tenant", json={"timezone": "Mars/Olympus"})
    assert api.status_code == 422
    api_msg = api.json()["errors"][0]["msg"]
    user = await make_user(database, tenant.id)
    async with logged_in(ui_app, user) as http:
        bad = await http.post(
            "/ui/settings",
            data={"name": "Test tenant", "timezone": "Mars/Olympus", "csrf_token": csrf_of(http)},
        )
        assert bad.status_code == 422
        assert html.unescape(field_error(bad.text, "timezone") or "") == api_msg
        assert 'value="Mars/Olympus"' in bad.text
        good = await http.post(
            "/ui/settings",
            data={
                "name": "Renamed",
                "timezone": "Europe/Paris",
                "default_currency": "USD",
                "week_start": "sunday",
                "locale": "fr-FR",
                "csrf_token": csrf_of(http),
            },
        )
        assert good.status_code == 303
    async with database.unit_of_work(write=False) as session:
        stored = await tenant_service.get(session, tenant.id)
        entries = await audit_service.list(
            session, tenant.principal, limit=5, cursor=None, action="tenant.update"
        )
    assert (stored.name, stored.timezone, stored.default_currency, stored.week_start) == (
        "Renamed",
        "Europe/Paris",
        "USD",
        "sunday",
    )
    assert stored.locale == "fr-FR"
    assert len(entries.items) == 1
    assert entries.items[0].actor_type == "user"
    assert entries.items[0].after["timezone"] == "Europe/Paris"


async def test_reward_type_create_edit_image_and_delete(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id)
    async with logged_in(ui_app, user) as http:
        bad = await http.post(
            "/ui/settings/reward-types/new",
            data={"key": "Bad Key", "name": "X", "category": "unit", "csrf_token": csrf_of(http)},
        )
        assert bad.status_code == 422
        assert field_error(bad.text, "key") == (
            "use lower-case letters, digits and “_”, starting with a letter (at most 64)"
        )
        assert "should match pattern" not in bad.text and "{0,63}" not in bad.text
        bad_constraints = await http.post(
            "/ui/settings/reward-types/new",
            data={
                "key": "eur_bonus",
                "name": "EUR bonus",
                "category": "amount",
                "constraints": '{"min_value": "5", "max_value": "1"}',
                "csrf_token": csrf_of(http),
            },
        )
        assert bad_constraints.status_code == 422
        assert "min_value 5 is greater than max_value 1" in bad_constraints.text
        created = await http.post(
            "/ui/settings/reward-types/new",
            data={
                "key": "eur_bonus",
                "name": "EUR bonus",
                "category": "amount",
                "rounding": "down",
                "constraints": '{"max_value": "50"}',
                "csrf_token": csrf_of(http),
            },
        )
        assert created.status_code == 303
        assert created.headers["location"].startswith("/ui/settings/reward-types/eur_bonus?")
        edited = await http.post(
            "/ui/settings/reward-types/eur_bonus",
            data={
                "name": "Euro bonus",
                "decimals": "2",
                "constraints": json.dumps(
                    {"max_value": "50", "per_customer": [{"window": "day", "max_grants": 2}]}
                ),
                "csrf_token": csrf_of(http),
            },
        )
        assert edited.status_code == 303
        svg = await http.post(
            "/ui/settings/reward-types/eur_bonus/image",
            data={"csrf_token": csrf_of(http)},
            files={"image": ("x.svg", b"<svg/>", "image/svg+xml")},
        )
        assert svg.status_code == 415
        assert "SVG images are refused" in svg.text
        png = await http.post(
            "/ui/settings/reward-types/eur_bonus/image",
            data={"csrf_token": csrf_of(http)},
            files={"image": ("x.png", PNG, "image/png")},
        )
        assert png.status_code == 303
        image = await http.get("/ui/settings/reward-types/eur_bonus/image")
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/png"
        assert image.content == PNG
        listing = await http.get("/ui/settings/reward-types")
        assert "EUR bonus" in listing.text  # the display name stays what it was
        assert "/ui/settings/reward-types/eur_bonus/image" in listing.text
    async with database.unit_of_work(write=False) as session:
        stored = await reward_type_service.get(session, tenant.principal, "eur_bonus")
    assert (stored.name, stored.currency, stored.decimals) == ("Euro bonus", "EUR", 2)
    assert stored.constraints["max_value"] == "50"
    assert stored.constraints["per_customer"] == [
        {"window": "day", "max_value": None, "max_grants": 2}
    ]
    async with logged_in(ui_app, user) as http:
        deleted = await http.post(
            "/ui/settings/reward-types/eur_bonus/delete", data={"csrf_token": csrf_of(http)}
        )
        assert deleted.status_code == 303
        assert (await http.get("/ui/settings/reward-types/eur_bonus")).status_code == 404


async def test_schema_property_put_error_and_delete(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id)
    async with logged_in(ui_app, user) as http:
        bad = await http.post(
            "/ui/settings/schemas/session/properties",
            data={
                "key": "channel",
                "type": "integer",
                "pattern": "^a",
                "csrf_token": csrf_of(http),
            },
        )
        assert bad.status_code == 422
        assert field_error(bad.text, "pattern") is not None
        ok = await http.post(
            "/ui/settings/schemas/session/properties",
            data={
                "key": "deposit_amount",
                "type": "decimal",
                "required": "on",
                "min": "0",
                "description": "Deposit",
                "csrf_token": csrf_of(http),
            },
        )
        assert ok.status_code == 303
        page = await http.get("/ui/settings/schemas/session")
        assert "deposit_amount" in page.text
        assert (await http.get("/ui/settings/schemas/nope")).status_code == 422
    async with database.unit_of_work(write=False) as session:
        schema = await schema_service.get_schema(session, tenant.principal, "session")
    [definition] = schema.properties
    assert (definition.key, definition.type, definition.required, definition.min) == (
        "deposit_amount",
        "decimal",
        True,
        "0",
    )
    async with logged_in(ui_app, user) as http:
        gone = await http.post(
            "/ui/settings/schemas/session/properties/deposit_amount/delete",
            data={"csrf_token": csrf_of(http)},
        )
        assert gone.status_code == 303
        assert "deposit_amount" not in (await http.get("/ui/settings/schemas/session")).text


async def test_api_key_is_shown_once_works_and_can_be_revoked(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id)
    async with logged_in(ui_app, user) as http:
        bad = await http.post(
            "/ui/api-keys", data={"name": "x", "role": "root", "csrf_token": csrf_of(http)}
        )
        assert bad.status_code == 422
        assert field_error(bad.text, "role") is not None
        created = await http.post(
            "/ui/api-keys",
            data={"name": "shop", "role": "integration", "csrf_token": csrf_of(http)},
        )
        assert created.status_code == 201
        match = re.search(r'<code id="new-api-key">([^<]+)</code>', created.text)
        assert match is not None
        key = match.group(1)
        listing = await http.get("/ui/api-keys")
        assert key not in listing.text
        assert "shop" in listing.text
        async with make_client(ui_app, key) as api:
            assert (await api.get("/v1/tenant")).status_code == 200
        key_id = re.search(
            r'/ui/api-keys/([0-9a-f-]+)/revoke"[^>]*>\s*<input[^>]*>\s*'
            r'<button class="link">Revoke</button>',
            listing.text,
        )
        assert key_id is not None
        revoked = await http.post(
            f"/ui/api-keys/{key_id.group(1)}/revoke", data={"csrf_token": csrf_of(http)}
        )
        assert revoked.status_code == 303


async def test_admin_creates_a_user_who_can_log_in(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    admin = await make_user(database, tenant.id)
    async with logged_in(ui_app, admin) as http:
        short = await http.post(
            "/ui/users",
            data={
                "email": "a@b.example",
                "role": "editor",
                "password": "short",
                "csrf_token": csrf_of(http),
            },
        )
        assert short.status_code == 422
        assert (
            field_error(short.text, "password") == "the password must have at least 10 characters"
        )
        taken = await http.post(
            "/ui/users",
            data={"email": admin.email, "role": "editor", "csrf_token": csrf_of(http)},
        )
        assert taken.status_code == 422 or taken.status_code == 409 or taken.status_code == 200
        assert field_error(taken.text, "email") == "this e-mail is already used"
        created = await http.post(
            "/ui/users",
            data={"email": "New.Editor@Example.com", "role": "editor", "csrf_token": csrf_of(http)},
        )
        assert created.status_code == 201
        password = re.search(r"copy it now\): <code>([^<]+)</code>", created.text)
        assert password is not None
    from tests.ui.conftest import UiUser

    new = UiUser(tenant.id, "new.editor@example.com", password.group(1), "editor")
    async with logged_in(ui_app, new) as http:
        page = await http.get("/ui/settings")
        assert "new.editor@example.com" in page.text


async def test_audit_log_filters_and_pages(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    for zone in ("Europe/Paris", "Europe/Rome", "Europe/Berlin"):
        assert (await client.patch("/v1/tenant", json={"timezone": zone})).status_code == 200
    user = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, user) as http:
        page = await http.get("/ui/audit", params={"action": "tenant.update"})
        assert page.status_code == 200
        assert page.text.count("<code>tenant.update</code>") == 3
        assert "<code>api_key.create</code>" not in page.text
        bad = await http.get("/ui/audit", params={"since": "yesterday"})
        assert bad.status_code == 422
        assert field_error(bad.text, "since") == "'yesterday' is not a date or date-time"
        first = await http.get("/ui/audit", params={"action": "tenant.update"})
        assert "Next page" not in first.text


async def test_customer_sync_config_and_run_now(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, tmp_path: object
) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    source = tmp_path / "customers.csv"
    source.write_text("customer_id\nc1\n")
    user = await make_user(database, tenant.id)
    async with logged_in(ui_app, user) as http:
        page = await http.get("/ui/sync")
        assert page.status_code == 200
        assert "No runs yet." in page.text
        bad = await http.post(
            "/ui/sync",
            data={"config": '{"enabled": true, "mode": "merge"}', "csrf_token": csrf_of(http)},
        )
        assert bad.status_code == 422
        assert '<li data-field="mode"><strong>Mode</strong>: choose one of the options' in bad.text
        config = {
            "enabled": False,
            "source": {"kind": "file", "path": str(source), "format": "csv"},
            "schedule": {"time": "03:00"},
            "mode": "upsert",
        }
        saved = await http.post(
            "/ui/sync", data={"config": json.dumps(config), "csrf_token": csrf_of(http)}
        )
        assert saved.status_code == 303, saved.text
        run = await http.post("/ui/sync/runs", data={"csrf_token": csrf_of(http)})
        assert run.status_code == 303
        # The run executes in the background of this process: let it finish.
        for _ in range(100):
            async with database.unit_of_work(write=False) as session:
                runs = await sync_service.list_runs(session, tenant.principal, limit=5, cursor=None)
            if runs.items and runs.items[0].status in ("succeeded", "failed"):
                break
            await asyncio.sleep(0.1)
        assert runs.items[0].status == "succeeded", runs.items[0].error
        assert (runs.items[0].trigger, runs.items[0].rows_read) == ("manual", 1)
        listed = await http.get("/ui/sync")
        assert 'id="sync-runs"' in listed.text
        assert "<td>manual</td>" in listed.text
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http:
        assert (await http.get("/ui/sync")).status_code == 403
