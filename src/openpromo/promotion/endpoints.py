from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response

from openpromo.api.deps import DEFAULT_PAGE_LIMIT, AdminWrite, Cursor, Limit, Read, idempotent
from openpromo.api.problems import COMMON_ERRORS, CONFLICT
from openpromo.kit.pagination import Page
from openpromo.kit.schema import JsonObject
from openpromo.promotion.schemas import (
    PauseAllResult,
    Promotion,
    PromotionCreate,
    PromotionDuplicate,
    PromotionStatus,
    PromotionUpdate,
    PublishingBudgets,
    TiersUpdate,
    TransactionRequest,
)
from openpromo.promotion.service import promotion_service
from openpromo.reward_type.schemas import RewardConstraints
from openpromo.schema.schemas import MAX_PROPERTIES_PER_SCOPE

router = APIRouter(
    prefix="/v1/promotions", tags=["promotions"], responses={**COMMON_ERRORS, **CONFLICT}
)


def _out(promotion: Any) -> Promotion:
    return Promotion.model_validate(promotion)


@router.get("", summary="List promotions", response_model=Page[Promotion])
async def list_promotions(
    ctx: Read,
    limit: Limit = DEFAULT_PAGE_LIMIT,
    cursor: Cursor = None,
    status: Annotated[PromotionStatus | None, Query(description="Only this status.")] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Search in name and code (case-insensitive)."),
    ] = None,
) -> Page[Promotion]:
    page = await promotion_service.list(
        ctx.session, ctx.principal, limit=limit, cursor=cursor, status=status, q=q
    )
    return Page[Promotion](items=[_out(p) for p in page.items], next_cursor=page.next_cursor)


@router.post("", status_code=201, summary="Create a draft promotion", response_model=Promotion)
async def create_promotion(body: PromotionCreate, ctx: AdminWrite, request: Request) -> Response:
    async def produce() -> Promotion:
        return _out(await promotion_service.create(ctx.session, ctx.principal, body))

    return await idempotent(request, ctx, 201, produce)


@router.get("/{promotion_id}", summary="Get a promotion")
async def get_promotion(promotion_id: str, ctx: Read) -> Promotion:
    return _out(await promotion_service.get(ctx.session, ctx.principal, promotion_id))


@router.patch("/{promotion_id}", summary="Update a promotion's name, description or code (partial)")
async def update_promotion(promotion_id: str, body: PromotionUpdate, ctx: AdminWrite) -> Promotion:
    return _out(
        await promotion_service.update_metadata(ctx.session, ctx.principal, promotion_id, body)
    )


@router.delete("/{promotion_id}", status_code=204, summary="Archive a promotion")
async def delete_promotion(promotion_id: str, ctx: AdminWrite) -> Response:
    await promotion_service.archive(ctx.session, ctx.principal, promotion_id)
    return Response(status_code=204)


@router.put(
    "/{promotion_id}/properties",
    summary="Replace the promotion's property values (validated against the promotion schema)",
)
async def set_promotion_properties(
    promotion_id: str,
    ctx: AdminWrite,
    body: Annotated[
        JsonObject,
        Body(
            max_length=MAX_PROPERTIES_PER_SCOPE,
            description="The values object itself: {property key: value}.",
            examples=[{"region": "EU"}],
        ),
    ],
) -> Promotion:
    return _out(
        await promotion_service.set_properties(ctx.session, ctx.principal, promotion_id, body)
    )


@router.put(
    "/{promotion_id}/tiers",
    summary="Replace the tiers (draft only, until the first activation)",
)
async def set_promotion_tiers(promotion_id: str, body: TiersUpdate, ctx: AdminWrite) -> Promotion:
    return _out(
        await promotion_service.set_tiers(ctx.session, ctx.principal, promotion_id, body.tiers)
    )


@router.put(
    "/{promotion_id}/reward-constraints",
    summary="Replace the per-reward-type constraint overrides",
)
async def set_promotion_reward_constraints(
    promotion_id: str,
    ctx: AdminWrite,
    body: Annotated[
        dict[str, RewardConstraints],
        Body(
            max_length=100,  # reward types a promotion overrides
            description='{"<reward type key>": constraints (SPEC §5)}',
        ),
    ],
) -> Promotion:
    raw = {key: value.model_dump(mode="json", exclude_unset=True) for key, value in body.items()}
    return _out(
        await promotion_service.set_reward_constraints(
            ctx.session, ctx.principal, promotion_id, raw
        )
    )


@router.put("/{promotion_id}/budgets", summary="Replace the publishing budgets")
async def set_promotion_budgets(
    promotion_id: str, body: PublishingBudgets, ctx: AdminWrite
) -> Promotion:
    return _out(await promotion_service.set_budgets(ctx.session, ctx.principal, promotion_id, body))


@router.post(
    "/{promotion_id}/activate",
    summary="Activate (from draft or deactivated; 409 lists every unmet precondition)",
)
async def activate_promotion(promotion_id: str, ctx: AdminWrite) -> Promotion:
    return _out(await promotion_service.activate(ctx.session, ctx.principal, promotion_id))


@router.post(
    "/pause-all",
    summary="Pause all: deactivate every active promotion of the tenant (each audited, with "
    "its promotion.deactivated event, reason pause_all)",
    response_model=PauseAllResult,
)
async def pause_all_promotions(ctx: AdminWrite) -> PauseAllResult:
    return PauseAllResult(paused=await promotion_service.pause_all(ctx.session, ctx.principal))


@router.post("/{promotion_id}/deactivate", summary="Deactivate an active promotion")
async def deactivate_promotion(promotion_id: str, ctx: AdminWrite) -> Promotion:
    return _out(await promotion_service.deactivate(ctx.session, ctx.principal, promotion_id))


@router.post("/{promotion_id}/archive", summary="Archive a promotion (terminal)")
async def archive_promotion(promotion_id: str, ctx: AdminWrite) -> Promotion:
    return _out(await promotion_service.archive(ctx.session, ctx.principal, promotion_id))


@router.post(
    "/{promotion_id}/duplicate",
    status_code=201,
    summary="Copy a promotion (from any state) into a new draft",
    response_model=Promotion,
)
async def duplicate_promotion(
    promotion_id: str,
    ctx: AdminWrite,
    request: Request,
    body: PromotionDuplicate | None = None,
) -> Response:
    code = body.code if body is not None else None

    async def produce() -> Promotion:
        return _out(
            await promotion_service.duplicate(ctx.session, ctx.principal, promotion_id, code)
        )

    return await idempotent(request, ctx, 201, produce)


@router.post(
    "/{promotion_id}/transaction",
    summary="Apply several changes all-or-nothing",
)
async def promotion_transaction(
    promotion_id: str, body: TransactionRequest, ctx: AdminWrite
) -> Promotion:
    return _out(
        await promotion_service.transaction(ctx.session, ctx.principal, promotion_id, body.commands)
    )
