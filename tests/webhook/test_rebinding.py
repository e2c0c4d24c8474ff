"""DNS rebinding: the worker connects to the addresses that passed the safety check, with the
URL's host name kept for the Host header. The name resolution webhooks use
(``safety.getaddrinfo``) is replaced by a resolver the test controls; the connections and the
receiver are real."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest
from fastapi import FastAPI

from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.webhook import safety
from openpromo.webhook.delivery import DeliveryWorker
from tests.conftest import TenantFixture, make_client
from tests.webhook.receiver import receiver
from tests.webhook.test_delivery import deliveries, make_endpoint

pytestmark = pytest.mark.usefixtures("allow_loopback")

PUBLIC = "93.184.216.34"  # a global address (never connected to here)


def fake_dns(
    monkeypatch: pytest.MonkeyPatch, answer: Callable[[int], str]
) -> list[tuple[str, int]]:
    """Every resolution of a webhook host answers ``answer(n)`` for the n-th call (from 0);
    the calls are recorded."""
    calls: list[tuple[str, int]] = []

    async def resolve(host: str, port: int, family: int = 0) -> list[tuple[int, str]]:
        calls.append((host, port))
        return [(int(socket.AF_INET), answer(len(calls) - 1))]

    monkeypatch.setattr(safety, "getaddrinfo", resolve)
    return calls


async def test_a_name_rebound_to_loopback_after_the_check_is_not_reached(
    app: FastAPI, database: Database, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "webhook_allow_private_destinations", False)
    # Public when the endpoint is created, loopback ever after (where the receiver listens).
    calls = fake_dns(monkeypatch, lambda n: PUBLIC if n == 0 else "127.0.0.1")
    async with receiver() as rec, make_client(app, tenant.admin_key) as client:
        url = f"http://hooks.rebind.test:{rec.port}/hook"
        endpoint = await make_endpoint(client, url)
        assert len(calls) == 1  # the check at creation saw the public address
        await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
        await DeliveryWorker(database).run_once()
        await asyncio.sleep(0.1)
        assert rec.received == []
        [delivery] = await deliveries(database, endpoint["id"])
        assert delivery.status == "pending" and delivery.attempt_count == 1
        assert delivery.last_error is not None
        assert delivery.last_error.startswith("refused: the URL its host hooks.rebind.test")
        assert "127.0.0.1" in delivery.last_error
        # One resolution for the connection, and it was the checked one: the HTTP client
        # resolved nothing on its own.
        assert calls == [("hooks.rebind.test", rec.port)] * 2


async def test_the_connection_goes_to_the_resolved_address_with_the_original_host(
    app: FastAPI, database: Database, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Loopback allowed (the receiver is on it): the name exists only in the test's resolver,
    # so arriving at all proves the connection used its answer.
    calls = fake_dns(monkeypatch, lambda _n: "127.0.0.1")
    async with receiver() as rec, make_client(app, tenant.admin_key) as client:
        endpoint = await make_endpoint(client, f"http://hooks.pinned.test:{rec.port}/hook")
        for _ in range(3):
            await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
        await DeliveryWorker(database).run_once()
        assert len(rec.received) == 3
        assert {r.headers["host"] for r in rec.received} == {f"hooks.pinned.test:{rec.port}"}
        assert [d.status for d in await deliveries(database, endpoint["id"])] == ["succeeded"] * 3
        # Resolved when connecting (checked connections are reused, kept alive), never per
        # request beyond that.
        assert 1 <= len(calls) <= 3
        assert set(calls) == {("hooks.pinned.test", rec.port)}


async def test_redirects_are_not_followed(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    async with receiver() as target:

        async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            writer.write(
                f"HTTP/1.1 307 Temporary Redirect\r\nlocation: {target.url}\r\n"
                "content-length: 0\r\n\r\n".encode()
            )
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(redirect, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            async with make_client(app, tenant.admin_key) as client:
                endpoint = await make_endpoint(client, f"http://127.0.0.1:{port}/hook")
                await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
                await DeliveryWorker(database).run_once()
        finally:
            server.close()
            await server.wait_closed()
        assert target.received == []
        [delivery] = await deliveries(database, endpoint["id"])
        assert delivery.status == "pending" and delivery.last_status_code == 307
        assert delivery.last_error == "redirects are not followed"
