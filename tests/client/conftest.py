"""The generated client (clients/python, import ``openpromo_client``) against the app in process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from openpromo_client import AuthenticatedClient

from tests.conftest import TenantFixture


@pytest.fixture
async def api(app: FastAPI, tenant: TenantFixture) -> AsyncIterator[AuthenticatedClient]:
    """The tenant admin's client. An answer whose status the OpenAPI does not document raises
    ``UnexpectedStatus``, so an undocumented answer fails the test that meets it."""
    client = AuthenticatedClient(
        base_url="http://test",
        token=tenant.admin_key,
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.ASGITransport(app=app)},
    )
    async with client:
        yield client
