"""The worker's HTTP client: aiohttp, with keep-alive connections per endpoint and a name
resolver that checks what it resolves (``PinnedResolver``).

Why aiohttp and not httpx (the rest of the project's client): measured on the delivery
worker (bench/webhooks_worker.py, 32 requests in flight to one loopback receiver), httpx
spent about 2.7 ms of CPU per request, most of it in httpcore's connection-pool bookkeeping,
aiohttp about 0.15 ms. At hundreds of deliveries a second that is the difference between a
worker that keeps up and one that does not. And aiohttp lets us plug in the resolver, so the
address that passed the safety check is the one connected to (DNS-rebinding protection,
see ``safety.py``), with the URL's host kept for the ``Host`` header and TLS SNI.
"""

from __future__ import annotations

import socket

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from openpromo.webhook.safety import RefusedDestination, UnsafeUrl, resolve_public

# Connections the worker keeps: in total, and idle ones are closed after this many seconds.
CONNECTIONS = 256
KEEPALIVE_SECONDS = 30.0
# How long a checked resolution is reused for new connections (aiohttp's DNS cache holds
# only results that passed the check).
DNS_CACHE_SECONDS = 10


class PinnedResolver(AbstractResolver):
    """Resolves a host for a new connection and refuses it unless every address is public
    (or the operator allows private ones): the connection then goes to these addresses."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            found = await resolve_public(host, port, int(family))
        except UnsafeUrl as exc:
            raise RefusedDestination(str(exc)) from exc
        flags = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
        return [
            ResolveResult(hostname=host, host=address, port=port, family=kind, proto=0, flags=flags)
            for kind, address in found
        ]

    async def close(self) -> None:
        return None


def new_session(timeout_seconds: float) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=CONNECTIONS,
        limit_per_host=0,  # the worker bounds requests per endpoint itself
        resolver=PinnedResolver(),
        ttl_dns_cache=DNS_CACHE_SECONDS,
        keepalive_timeout=KEEPALIVE_SECONDS,
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=timeout_seconds),
        headers={"user-agent": "openpromo-webhooks"},
        # Nothing a receiver sets is sent back to any receiver.
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=True,
    )
