"""Typed dependencies for endpoints: one unit of work per request, with the caller's role checked.

Usage in an endpoint::

    async def create(body: XCreate, ctx: AdminWrite) -> X: ...

``*Write`` contexts start a write transaction (``BEGIN IMMEDIATE`` on SQLite); ``Read`` runs a
read-only one. The transaction commits when the endpoint returns and rolls back if it raises.

The dependencies use ``scope="function"``: FastAPI then closes them (commits) before the
response is sent. With the default request scope the commit would run after the client already
had its 200 — a failed commit would go unreported and a client's next read could miss its write.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Security
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.api.auth import authenticate, bearer_scheme, header_scheme, presented_key
from openpromo.auth.principal import ADMIN, ANY_ROLE, INTEGRATION, Principal
from openpromo.db import get_database
from openpromo.errors import Forbidden
from openpromo.idempotency.service import StoredResponse, fingerprint, idempotency_service
from openpromo.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from openpromo.models import IdempotencyKey


@dataclass
class Ctx:
    session: AsyncSession
    principal: Principal

    @property
    def tenant_id(self) -> str:
        return self.principal.tenant_id


def _context(roles: frozenset[str], *, write: bool) -> Callable[..., AsyncIterator[Ctx]]:
    async def dependency(
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
        header_key: Annotated[str | None, Security(header_scheme)],
    ) -> AsyncIterator[Ctx]:
        async with get_database().unit_of_work(write=write) as session:
            principal = await authenticate(session, presented_key(bearer, header_key))
            if principal.role not in roles:
                raise Forbidden(
                    detail=f"this action needs one of the roles: {', '.join(sorted(roles))}; "
                    f"the API key has the role {principal.role}",
                    code="insufficient_role",
                )
            yield Ctx(session, principal)

    return dependency


Read = Annotated[Ctx, Depends(_context(ANY_ROLE, write=False), scope="function")]
AdminWrite = Annotated[Ctx, Depends(_context(ADMIN, write=True), scope="function")]
AdminRead = Annotated[Ctx, Depends(_context(ADMIN, write=False), scope="function")]
IntegrationWrite = Annotated[Ctx, Depends(_context(INTEGRATION, write=True), scope="function")]
IntegrationRead = Annotated[Ctx, Depends(_context(INTEGRATION, write=False), scope="function")]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (1-200).")]
Cursor = Annotated[str | None, Query(description="Opaque cursor from `next_cursor`.")]
DEFAULT_PAGE_LIMIT = DEFAULT_LIMIT


async def idempotent(
    request: Request,
    ctx: Ctx,
    status_code: int,
    produce: Callable[[], Awaitable[Any]],
) -> Response:
    """Run a creating write once per ``Idempotency-Key`` (when the header is present).

    The stored response is written in the request's own transaction, so a failed write stores
    nothing and can be retried with the same key.
    """
    key = request.headers.get("idempotency-key")
    if key is None:
        return JSONResponse(jsonable_encoder(await produce()), status_code=status_code)
    body = await request.body()
    request_fingerprint = fingerprint(request.method, request.url.path, body)
    stored = await idempotency_service.lookup(ctx.session, ctx.tenant_id, key, request_fingerprint)
    held: IdempotencyKey | StoredResponse = stored or await idempotency_service.claim(
        ctx.session, ctx.tenant_id, key, request.method, request.url.path, request_fingerprint
    )
    if isinstance(held, StoredResponse):
        return JSONResponse(
            held.body, status_code=held.status_code, headers={"Idempotent-Replayed": "true"}
        )
    payload = jsonable_encoder(await produce())
    await idempotency_service.complete(ctx.session, held, StoredResponse(status_code, payload))
    return JSONResponse(payload, status_code=status_code)
