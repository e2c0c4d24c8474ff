"""UI test helpers: an app with the UI mounted, users, and logged-in HTTP clients."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from openpromo.app import create_app
from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.ui import mount_ui
from openpromo.ui.session import COOKIE_NAME, decode_session
from openpromo.user.service import user_service


@pytest.fixture(scope="session")
def ui_app(database: Database) -> FastAPI:
    app = create_app()
    mount_ui(app)
    return app


@dataclass
class UiUser:
    tenant_id: str
    email: str
    password: str
    role: str


async def make_user(database: Database, tenant_id: str, role: str = "admin") -> UiUser:
    email = f"{role}-{secrets.token_hex(4)}@example.test"
    password = "correct horse battery"
    async with database.unit_of_work() as session:
        await user_service.create(session, Principal.cli(tenant_id), email, role, password)
    return UiUser(tenant_id, email, password, role)


def ui_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def csrf_of(http: httpx.AsyncClient) -> str:
    session = decode_session(http.cookies.get(COOKIE_NAME))
    assert session is not None
    return session.csrf


async def login(http: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    form = await http.get("/ui/login")
    assert form.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    return await http.post(
        "/ui/login",
        data={"email": email, "password": password, "csrf_token": token.group(1)},
    )


@asynccontextmanager
async def logged_in(app: FastAPI, user: UiUser) -> AsyncIterator[httpx.AsyncClient]:
    async with ui_client(app) as http:
        response = await login(http, user.email, user.password)
        assert response.status_code == 303, response.text
        yield http


def field_error(html_text: str, field: str) -> str | None:
    """The error message shown next to ``field`` in a rendered form."""
    match = re.search(rf'<em class="error" data-field="{re.escape(field)}">([^<]*)</em>', html_text)
    return html.unescape(match.group(1)) if match else None


# The browser fixtures (server process, Chromium, page) for every browser test module.
from tests.ui.browser import browser, page, page_without_js, server_url  # noqa: E402, F401
