"""A write is committed before its response leaves the server.

FastAPI closes ``yield`` dependencies after sending the response unless they are declared
with ``scope="function"``; our unit-of-work dependencies must commit first, or a client could
get a 200 for a write that later fails to commit, and miss its own write on the next read.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import text
from starlette.routing import BaseRoute

from openpromo.db import Database
from tests.conftest import TenantFixture


async def test_write_is_visible_to_other_connections_when_the_response_starts(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    seen_at_response_start: list[int] = []
    body = json.dumps({"properties": {}}).encode()
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if received:
            return {"type": "http.disconnect"}
        received = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            # Another connection: it sees the row only if the request's transaction committed.
            async with database.unit_of_work(write=False) as session:
                count = await session.scalar(
                    text(
                        "SELECT count(*) FROM customers WHERE tenant_id = :t "
                        "AND customer_id = 'committed-first'"
                    ),
                    {"t": tenant.id},
                )
            seen_at_response_start.append(int(count or 0))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "http",
        "path": "/v1/customers/committed-first",
        "raw_path": b"/v1/customers/committed-first",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"test"),
            (b"authorization", f"Bearer {tenant.admin_key}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("test", 80),
    }
    await app(scope, receive, send)
    assert seen_at_response_start == [1]


def _generator_dependencies(dependant: Dependant) -> list[Dependant]:
    found = []
    for sub in dependant.dependencies:
        if inspect.isasyncgenfunction(sub.call) or inspect.isgeneratorfunction(sub.call):
            found.append(sub)
        found.extend(_generator_dependencies(sub))
    return found


def _api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI's included routers
        if included is not None:
            yield from _api_routes(included.routes)


def test_every_yield_dependency_closes_before_the_response(app: FastAPI) -> None:
    checked = 0
    for route in _api_routes(app.routes):
        for dependency in _generator_dependencies(route.dependant):
            assert dependency.scope == "function", (route.path, dependency.call)
            checked += 1
    assert checked > 50  # the API and the UI both use unit-of-work dependencies
