from __future__ import annotations

from fastapi import APIRouter, Request, Response

from openpromo.api.deps import DEFAULT_PAGE_LIMIT, AdminRead, AdminWrite, Cursor, Limit, idempotent
from openpromo.api.problems import COMMON_ERRORS
from openpromo.auth.schemas import ApiKey, ApiKeyCreate, ApiKeyCreated
from openpromo.auth.service import api_key_service
from openpromo.kit.pagination import Page

router = APIRouter(prefix="/v1/api-keys", tags=["api-keys"], responses=COMMON_ERRORS)


@router.get("", summary="List API keys", response_model=Page[ApiKey])
async def list_api_keys(
    ctx: AdminRead, limit: Limit = DEFAULT_PAGE_LIMIT, cursor: Cursor = None
) -> Page[ApiKey]:
    page = await api_key_service.list(ctx.session, ctx.principal, limit=limit, cursor=cursor)
    return Page[ApiKey](
        items=[ApiKey.model_validate(k) for k in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "",
    status_code=201,
    summary="Create an API key (the key is in this response only)",
    response_model=ApiKeyCreated,
)
async def create_api_key(body: ApiKeyCreate, ctx: AdminWrite, request: Request) -> Response:
    async def produce() -> ApiKeyCreated:
        key, plain = await api_key_service.create(ctx.session, ctx.principal, body.name, body.role)
        return ApiKeyCreated.model_validate(
            {**ApiKey.model_validate(key).model_dump(), "api_key": plain}
        )

    return await idempotent(request, ctx, 201, produce)


@router.delete("/{key_id}", status_code=204, summary="Revoke an API key")
async def revoke_api_key(key_id: str, ctx: AdminWrite) -> Response:
    # The revoking process forgets cached keys once committed; others within
    # OPENPROMO_API_KEY_CACHE_SECONDS.
    await api_key_service.revoke(ctx.session, ctx.principal, key_id)
    return Response(status_code=204)
