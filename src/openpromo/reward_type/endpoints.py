"""Reward types over HTTP: ``/v1/reward-types`` (SPEC §9 resource map).

``DELETE`` answers 204 in both cases: an unused type is deleted, a type that a promotion uses
is archived instead (``status: "archived"``) — ``GET`` shows which happened.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response

from openpromo.api.deps import (
    DEFAULT_PAGE_LIMIT,
    AdminWrite,
    Cursor,
    Limit,
    Read,
    idempotent,
)
from openpromo.api.limits import IMAGE_BODY_LIMIT
from openpromo.api.problems import COMMON_ERRORS, CONFLICT, PROBLEM_JSON, Problem
from openpromo.config import get_settings
from openpromo.errors import PayloadTooLarge
from openpromo.kit.pagination import Page
from openpromo.reward_type.schemas import (
    RewardType,
    RewardTypeCreate,
    RewardTypeStatus,
    RewardTypeUpdate,
    reward_type_out,
)
from openpromo.reward_type.service import IMAGE_TYPES, reward_type_service

router = APIRouter(prefix="/v1/reward-types", tags=["reward-types"], responses=COMMON_ERRORS)


def _problem(description: str) -> dict[str, Any]:
    return {
        "model": Problem,
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


IMAGE_ERRORS: dict[int | str, dict[str, Any]] = {
    413: _problem("The image is larger than OPENPROMO_MAX_IMAGE_BYTES"),
    415: _problem("Not a PNG, JPEG or WebP content type"),
}
_IMAGE_BODY = {
    "requestBody": {
        "required": True,
        "description": "The image bytes; Content-Type image/png, image/jpeg or image/webp.",
        "content": {
            media_type: {"schema": {"type": "string", "format": "binary"}}
            for media_type in IMAGE_TYPES
        },
    }
}


@router.get("", summary="List reward types", response_model=Page[RewardType])
async def list_reward_types(
    ctx: Read,
    limit: Limit = DEFAULT_PAGE_LIMIT,
    cursor: Cursor = None,
    status: Annotated[RewardTypeStatus | None, Query(description="Only this status.")] = None,
) -> Page[RewardType]:
    page = await reward_type_service.list_page(
        ctx.session, ctx.principal, limit=limit, cursor=cursor, status=status
    )
    return Page[RewardType](
        items=[reward_type_out(r) for r in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "",
    status_code=201,
    summary="Create a reward type",
    response_model=RewardType,
    responses=CONFLICT,
)
async def create_reward_type(body: RewardTypeCreate, ctx: AdminWrite, request: Request) -> Response:
    async def produce() -> RewardType:
        return reward_type_out(await reward_type_service.create(ctx.session, ctx.principal, body))

    return await idempotent(request, ctx, 201, produce)


@router.get("/{key}", summary="Get a reward type", response_model=RewardType)
async def get_reward_type(key: str, ctx: Read) -> RewardType:
    return reward_type_out(await reward_type_service.get(ctx.session, ctx.principal, key))


@router.patch(
    "/{key}",
    summary="Update a reward type (partial, all-or-nothing)",
    response_model=RewardType,
    responses=CONFLICT,
)
async def update_reward_type(key: str, body: RewardTypeUpdate, ctx: AdminWrite) -> RewardType:
    return reward_type_out(await reward_type_service.update(ctx.session, ctx.principal, key, body))


@router.delete(
    "/{key}",
    status_code=204,
    summary="Delete a reward type (a type that a promotion uses is archived instead)",
)
async def delete_reward_type(key: str, ctx: AdminWrite) -> Response:
    await reward_type_service.delete(ctx.session, ctx.principal, key)
    return Response(status_code=204)


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing to buffer more than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(detail=f"the image is larger than {limit} bytes")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise PayloadTooLarge(detail=f"the image is larger than {limit} bytes")
    return bytes(data)


@router.put(
    "/{key}/image",
    summary="Upload or replace a reward type's image (PNG, JPEG or WebP)",
    response_model=RewardType,
    responses=IMAGE_ERRORS,
    openapi_extra=_IMAGE_BODY,
    max_body_size=IMAGE_BODY_LIMIT,
)
async def put_reward_type_image(key: str, request: Request, ctx: AdminWrite) -> RewardType:
    data = await _read_body(request, get_settings().max_image_bytes)
    reward_type = await reward_type_service.put_image(
        ctx.session, ctx.principal, key, request.headers.get("content-type"), data
    )
    return reward_type_out(reward_type)


@router.get(
    "/{key}/image",
    summary="Download a reward type's image",
    response_class=Response,
    responses={
        200: {
            "description": "The image bytes",
            "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in IMAGE_TYPES},
        },
        304: {"description": "Not modified (the ETag matches If-None-Match)"},
    },
)
async def get_reward_type_image(
    key: str,
    ctx: Read,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    image = await reward_type_service.get_image(ctx.session, ctx.principal, key)
    etag = f'"{image.sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(content=image.data, media_type=image.content_type, headers=headers)
