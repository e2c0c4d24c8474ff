"""The Users page: change a role, deactivate and reactivate, reset a password; the last admin
stays; a deactivated user's open session stops at its next request."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.user.service import user_service
from tests.conftest import make_tenant
from tests.ui.conftest import UiUser, csrf_of, field_error, logged_in, login, make_user, ui_client


async def _ids(database: Database, tenant_id: str) -> dict[str, str]:
    async with database.unit_of_work(write=False) as session:
        page = await user_service.list(session, Principal.cli(tenant_id), limit=50, cursor=None)
    return {u.email: u.id for u in page.items}


async def _post(http: httpx.AsyncClient, url: str, **data: str) -> httpx.Response:
    return await http.post(url, data={"csrf_token": csrf_of(http), **data})


async def test_an_admin_changes_roles_and_resets_passwords(
    ui_app: FastAPI, database: Database
) -> None:
    tenant = await make_tenant(database, "Users page")
    admin = await make_user(database, tenant.id, "admin")
    viewer = await make_user(database, tenant.id, "viewer")
    ids = await _ids(database, tenant.id)
    async with logged_in(ui_app, admin) as http:
        page = await http.get("/ui/users")
        assert page.status_code == 200
        assert f'aria-label="Role of {viewer.email}"' in page.text
        changed = await _post(http, f"/ui/users/{ids[viewer.email]}/role", role="editor")
        assert changed.status_code == 303
        shown = await http.get(changed.headers["location"])
        assert f"{viewer.email} is now editor." in shown.text
        bad = await _post(http, f"/ui/users/{ids[viewer.email]}/role", role="owner")
        assert bad.status_code == 422
        assert field_error(bad.text, "role") == "role must be one of admin, editor, viewer"

        generated = await _post(http, f"/ui/users/{ids[viewer.email]}/password", password="")
        assert generated.status_code == 200
        password = re.search(r'id="reset-password".*?<code>([^<]+)</code>', generated.text, re.S)
        assert password is not None
        short = await _post(http, f"/ui/users/{ids[viewer.email]}/password", password="short")
        assert field_error(short.text, "password") == (
            "the password must have at least 10 characters"
        )
    async with ui_client(ui_app) as other:
        assert (await login(other, viewer.email, viewer.password)).status_code == 401
        assert (await login(other, viewer.email, password.group(1))).status_code == 303
        assert (await other.get("/ui/users")).status_code == 403  # an editor now, not admin
    async with database.unit_of_work(write=False) as session:
        entries = await audit_service.list(
            session,
            Principal.cli(tenant.id),
            limit=50,
            cursor=None,
            object_id=ids[viewer.email],
        )
    actions = [(e.action, e.actor_type, e.actor_id) for e in entries.items]
    assert ("user.update", "user", ids[admin.email]) in actions
    assert ("user.reset_password", "user", ids[admin.email]) in actions


async def test_a_deactivated_users_session_stops_and_login_is_refused(
    ui_app: FastAPI, database: Database
) -> None:
    tenant = await make_tenant(database, "Deactivation")
    admin = await make_user(database, tenant.id, "admin")
    editor = await make_user(database, tenant.id, "editor")
    ids = await _ids(database, tenant.id)
    async with logged_in(ui_app, editor) as editor_http, logged_in(ui_app, admin) as http:
        assert (await editor_http.get("/ui/promotions")).status_code == 200
        done = await _post(http, f"/ui/users/{ids[editor.email]}/active", active="false")
        assert done.status_code == 303
        page = await http.get(done.headers["location"])
        assert "is deactivated: they cannot log in" in page.text
        row = re.search(rf'<tr data-user="{re.escape(editor.email)}".*?</tr>', page.text, re.S)
        assert row is not None and "deactivated" in row.group(0) and "Reactivate" in row.group(0)
        # The editor's cookie is still signed and unexpired, but it no longer opens a page.
        refused = await editor_http.get("/ui/promotions")
        assert refused.status_code == 303
        assert refused.headers["location"].startswith("/ui/login")
        async with ui_client(ui_app) as fresh:
            assert (await login(fresh, editor.email, editor.password)).status_code == 401
        back = await _post(http, f"/ui/users/{ids[editor.email]}/active", active="true")
        assert back.status_code == 303
    async with ui_client(ui_app) as fresh:
        assert (await login(fresh, editor.email, editor.password)).status_code == 303


async def test_the_last_admin_cannot_demote_or_deactivate_themself(
    ui_app: FastAPI, database: Database
) -> None:
    tenant = await make_tenant(database, "Last admin")
    admin = await make_user(database, tenant.id, "admin")
    ids = await _ids(database, tenant.id)
    first = next(email for email in ids if email.startswith("admin@"))
    async with logged_in(ui_app, admin) as http:
        # The tenant's bootstrap admin steps down: the logged-in admin is the last one.
        assert (
            await _post(http, f"/ui/users/{ids[first]}/active", active="false")
        ).status_code == 303
        me = ids[admin.email]
        demote = await _post(http, f"/ui/users/{me}/role", role="viewer")
        assert demote.status_code == 409
        assert "is the last active admin of this tenant and cannot be given another role" in (
            demote.text
        )
        assert "make another user an admin first" in (field_error(demote.text, "role") or "")
        leave = await _post(http, f"/ui/users/{me}/active", active="false")
        assert leave.status_code == 409
        assert "cannot be deactivated" in (field_error(leave.text, "active") or "")
        # Nothing changed: still an admin, still logged in.
        assert (await http.get("/ui/users")).status_code == 200


async def test_only_admins_manage_users(ui_app: FastAPI, database: Database) -> None:
    tenant = await make_tenant(database, "Editors cannot")
    editor: UiUser = await make_user(database, tenant.id, "editor")
    ids = await _ids(database, tenant.id)
    async with logged_in(ui_app, editor) as http:
        for url, data in (
            (f"/ui/users/{ids[editor.email]}/role", {"role": "admin"}),
            (f"/ui/users/{ids[editor.email]}/password", {"password": ""}),
        ):
            assert (await _post(http, url, **data)).status_code == 403
    async with database.unit_of_work(write=False) as session:
        user = await user_service.find(session, tenant.id, ids[editor.email])
    assert user is not None and user.role == "editor"


async def test_a_password_reset_ends_old_sessions_and_a_reactivation_revives_none(
    ui_app: FastAPI, database: Database
) -> None:
    tenant = await make_tenant(database, "Session ends")
    admin = await make_user(database, tenant.id, "admin")
    editor = await make_user(database, tenant.id, "editor")
    ids = await _ids(database, tenant.id)
    async with logged_in(ui_app, admin) as http:
        async with logged_in(ui_app, editor) as old:
            reset = await _post(http, f"/ui/users/{ids[editor.email]}/password", password="")
            assert reset.status_code == 200
            refused = await old.get("/ui/promotions")
            assert refused.status_code == 303 and refused.headers["location"].startswith(
                "/ui/login"
            )
        new_password = re.search(r'id="reset-password".*?<code>([^<]+)</code>', reset.text, re.S)
        assert new_password is not None
        fresh_editor = UiUser(tenant.id, editor.email, new_password.group(1), "editor")
        async with logged_in(ui_app, fresh_editor) as fresh:
            assert (await fresh.get("/ui/promotions")).status_code == 200
            off = await _post(http, f"/ui/users/{ids[editor.email]}/active", active="false")
            on = await _post(http, f"/ui/users/{ids[editor.email]}/active", active="true")
            assert (off.status_code, on.status_code) == (303, 303)
            # Reactivated, but the session opened before the deactivation stays ended.
            assert (await fresh.get("/ui/promotions")).status_code == 303
        async with logged_in(ui_app, fresh_editor) as again:
            assert (await again.get("/ui/promotions")).status_code == 200

        # An admin resetting their own password stays logged in, with a new cookie.
        own = await _post(http, f"/ui/users/{ids[admin.email]}/password", password="my new one!")
        assert own.status_code == 303
        assert (await http.get("/ui/users")).status_code == 200
        assert (
            await _post(http, f"/ui/users/{ids[editor.email]}/role", role="viewer")
        ).status_code == 303
