"""Login, sessions, CSRF and roles of the admin UI (ASGI client, no browser)."""

from __future__ import annotations

import html
import time

from fastapi import FastAPI

from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.tenant.service import tenant_service
from openpromo.ui.session import COOKIE_NAME, SESSION_SECONDS, UiSession, encode_session
from openpromo.user.service import user_service
from tests.conftest import TenantFixture, make_tenant
from tests.ui.conftest import csrf_of, logged_in, login, make_user, ui_client


async def test_root_sends_visitors_to_login(ui_app: FastAPI) -> None:
    async with ui_client(ui_app) as http:
        response = await http.get("/")
        assert response.status_code == 303
        assert response.headers["location"] == "/ui/login"
        page = await http.get("/ui/settings")
        assert page.status_code == 303
        assert page.headers["location"] == "/ui/login?next=/ui/settings"
        htmx = await http.get("/ui/settings", headers={"HX-Request": "true"})
        assert htmx.status_code == 204
        assert htmx.headers["HX-Redirect"] == "/ui/login?next=/ui/settings"


async def test_login_success_sets_a_hardened_session_cookie(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id, "admin")
    async with ui_client(ui_app) as http:
        response = await login(http, user.email.upper(), user.password)
        assert response.status_code == 303
        assert response.headers["location"] == "/ui/"
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE_NAME}=")
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert f"Max-Age={SESSION_SECONDS}" in cookie
        console = await http.get("/ui/")
        assert console.status_code == 303
        page = await http.get("/ui/settings")
        assert page.status_code == 200
        assert "Test tenant" in page.text
        assert user.email in page.text
        assert (await http.get("/")).headers["location"] == "/ui/"
    async with database.unit_of_work(write=False) as session:
        users = await user_service.list(session, Principal.cli(tenant.id), limit=10, cursor=None)
    stored = next(u for u in users.items if u.email == user.email)
    assert stored.last_login_at is not None


async def test_login_failure_says_the_same_for_unknown_email_and_wrong_password(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id)
    async with ui_client(ui_app) as http:
        wrong = await login(http, user.email, "not the password")
        unknown = await login(http, "nobody@example.test", user.password)
        for response in (wrong, unknown):
            assert response.status_code == 401
            assert "Wrong e-mail or password." in response.text
            assert (await http.get("/ui/settings")).status_code == 303


async def test_login_without_csrf_token_is_refused(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id)
    async with ui_client(ui_app) as http:
        await http.get("/ui/login")
        response = await http.post(
            "/ui/login", data={"email": user.email, "password": user.password}
        )
        assert response.status_code == 403
        assert "expired" in response.text
        assert (await http.get("/ui/settings")).status_code == 303


async def test_logout_ends_the_session(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id)
    async with logged_in(ui_app, user) as http:
        response = await http.post("/ui/logout", data={"csrf_token": csrf_of(http)})
        assert response.status_code == 303
        assert response.headers["location"] == "/ui/login"
        assert (await http.get("/ui/settings")).status_code == 303


async def test_post_without_or_with_a_wrong_csrf_token_changes_nothing(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id)
    async with logged_in(ui_app, user) as http:
        missing = await http.post("/ui/settings", data={"timezone": "Europe/Paris"})
        wrong = await http.post(
            "/ui/settings", data={"timezone": "Europe/Paris", "csrf_token": "forged"}
        )
        wrong_header = await http.post(
            "/ui/settings", data={"timezone": "Europe/Paris"}, headers={"X-CSRF-Token": "x"}
        )
        for response in (missing, wrong, wrong_header):
            assert response.status_code == 403
            assert "security token" in response.text
        ok_header = await http.post(
            "/ui/settings",
            data={"timezone": "Asia/Tokyo"},
            headers={"X-CSRF-Token": csrf_of(http), "HX-Request": "true"},
        )
        assert ok_header.status_code == 204
        assert ok_header.headers["HX-Redirect"].startswith("/ui/settings?flash=")
    async with database.unit_of_work(write=False) as session:
        assert (await tenant_service.get(session, tenant.id)).timezone == "Asia/Tokyo"


async def test_roles_viewer_reads_editor_cannot_change_settings(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    viewer_user = await make_user(database, tenant.id, "viewer")
    editor_user = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, viewer_user) as viewer, logged_in(ui_app, editor_user) as editor:
        page = await viewer.get("/ui/settings")
        assert page.status_code == 200
        assert "<fieldset disabled" in page.text
        for http in (viewer, editor):
            refused = await http.post(
                "/ui/settings", data={"timezone": "Europe/Paris", "csrf_token": csrf_of(http)}
            )
            assert refused.status_code == 403
            assert "needs the role admin" in html.unescape(refused.text)
            assert (await http.get("/ui/api-keys")).status_code == 403
            assert (await http.get("/ui/users")).status_code == 403
            assert (await http.get("/ui/audit")).status_code == 200
        assert "/ui/api-keys" not in page.text
    async with database.unit_of_work(write=False) as session:
        assert (await tenant_service.get(session, tenant.id)).timezone == "UTC"


async def test_a_session_never_reaches_another_tenant(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    other = await make_tenant(database, "Other tenant")
    mine = await make_user(database, tenant.id)
    theirs = await make_user(database, other.id)
    async with database.unit_of_work() as session:
        from openpromo.reward_type.schemas import RewardTypeCreate
        from openpromo.reward_type.service import reward_type_service

        await reward_type_service.create(
            session,
            other.principal,
            RewardTypeCreate(key="their_points", name="Their points", category="unit"),
        )
    async with logged_in(ui_app, mine) as http:
        assert (await http.get("/ui/settings/reward-types/their_points")).status_code == 404
        listing = await http.get("/ui/settings/reward-types")
        assert "their_points" not in listing.text
        users = await http.get("/ui/users")
        assert mine.email in users.text
        assert theirs.email not in users.text
        # A cookie naming my user in the other tenant (signed, so only a leaked key could
        # make one) resolves to no user: the session is not valid there.
        from openpromo.user.repository import find_user_by_email

        async with database.unit_of_work(write=False) as session:
            me = await find_user_by_email(session, mine.email)
        assert me is not None
        crossed = UiSession(me.id, other.id, "t", int(time.time()))
        http.cookies.set(COOKIE_NAME, encode_session(crossed))
        assert (await http.get("/ui/settings")).status_code == 303


async def test_tampered_and_expired_cookies_are_refused(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id)
    async with logged_in(ui_app, user) as http:
        cookie = http.cookies[COOKIE_NAME]
        payload, _, signature = cookie.rpartition(".")
        http.cookies.set(COOKIE_NAME, payload + "x." + signature)
        assert (await http.get("/ui/settings")).status_code == 303
        from openpromo.ui.session import decode_session

        session = decode_session(cookie)
        assert session is not None
        old = UiSession(
            session.user_id, session.tenant_id, session.csrf, int(time.time()) - SESSION_SECONDS
        )
        http.cookies.set(COOKIE_NAME, encode_session(old))
        assert (await http.get("/ui/settings")).status_code == 303
        http.cookies.set(COOKIE_NAME, cookie)
        assert (await http.get("/ui/settings")).status_code == 200
