"""Resolving the API key of a request into a ``Principal``.

A short in-process cache (``auth.key_cache``) keeps the validation hot path at zero extra
queries; a revocation empties it once committed and reaches other processes within
``OPENPROMO_API_KEY_CACHE_SECONDS``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.key_cache import cached, forget_key, remember
from openpromo.auth.keys import hash_key
from openpromo.auth.principal import Principal
from openpromo.auth.service import api_key_service
from openpromo.config import get_settings
from openpromo.errors import Unauthorized

bearer_scheme = HTTPBearer(auto_error=False, description="API key as a Bearer token")
header_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key")

_lookups: dict[str, asyncio.Future[Principal]] = {}  # authenticate_once's lookups in flight


def presented_key(
    bearer: HTTPAuthorizationCredentials | None, header_key: str | None
) -> str | None:
    if bearer is not None and bearer.credentials:
        return bearer.credentials
    return header_key or None


async def authenticate_once(
    key: str | None, open_session: Callable[[], AbstractAsyncContextManager[AsyncSession]]
) -> Principal:
    """``authenticate`` for callers without a session: from the cache, else with a session
    opened for the lookup — ONE lookup per key at a time, shared by every request that
    misses meanwhile. Without it, each time the cached entry expires every request in flight
    with that key (dozens, under load) would open a session and query for it."""
    if key:
        found = cached(hash_key(key))
        if found is not None:
            return found
    flight_key = key or ""
    pending = _lookups.get(flight_key)
    if pending is None:

        async def lookup() -> Principal:
            async with open_session() as session:
                return await authenticate(session, key)

        pending = asyncio.ensure_future(lookup())
        _lookups[flight_key] = pending
        pending.add_done_callback(lambda _: _lookups.pop(flight_key, None))
    # shield: a waiter that goes away (client disconnect) does not cancel the others' lookup
    return await asyncio.shield(pending)


async def authenticate(session: AsyncSession, key: str | None) -> Principal:
    if not key:
        raise Unauthorized(
            detail="an API key is required (Authorization: Bearer <key> or X-API-Key)",
            code="missing_api_key",
        )
    key_hash = hash_key(key)
    found = cached(key_hash)
    if found is not None:
        return found
    ttl = get_settings().api_key_cache_seconds
    row = await api_key_service.find_active_by_hash(session, key_hash)
    if row is None:
        forget_key(key_hash)
        raise Unauthorized(detail="the API key is not valid or was revoked", code="invalid_api_key")
    principal = Principal(
        tenant_id=row.tenant_id,
        role=row.role,  # type: ignore[arg-type]  # CHECK constraint keeps it a Role
        actor_type="api_key",
        actor_id=row.id,
    )
    remember(key_hash, principal, ttl)
    return principal
