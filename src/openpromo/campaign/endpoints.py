from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from openpromo.api.deps import DEFAULT_PAGE_LIMIT, AdminWrite, Cursor, Limit, Read, idempotent
from openpromo.api.problems import COMMON_ERRORS, CONFLICT
from openpromo.campaign.schemas import Campaign, CampaignCreate, CampaignStatus, CampaignUpdate
from openpromo.campaign.service import campaign_service
from openpromo.kit.pagination import Page

router = APIRouter(prefix="/v1/campaigns", tags=["campaign"], responses=COMMON_ERRORS)


@router.get("", summary="List campaigns", response_model=Page[Campaign])
async def list_campaigns(
    ctx: Read,
    limit: Limit = DEFAULT_PAGE_LIMIT,
    cursor: Cursor = None,
    status: CampaignStatus | None = None,
    channel: str | None = None,
    q: Annotated[str | None, Query(description="Search in name and external id.")] = None,
) -> Page[Campaign]:
    page = await campaign_service.list(
        ctx.session,
        ctx.principal,
        limit=limit,
        cursor=cursor,
        status=status,
        channel=channel,
        search=q,
    )
    return Page[Campaign](
        items=[Campaign.model_validate(c) for c in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "", status_code=201, summary="Create a campaign", response_model=Campaign, responses=CONFLICT
)
async def create_campaign(body: CampaignCreate, ctx: AdminWrite, request: Request) -> Response:
    async def produce() -> Campaign:
        return Campaign.model_validate(
            await campaign_service.create(ctx.session, ctx.principal, body)
        )

    return await idempotent(request, ctx, 201, produce)


@router.get("/{campaign_id}", summary="Get a campaign")
async def get_campaign(campaign_id: str, ctx: Read) -> Campaign:
    return Campaign.model_validate(
        await campaign_service.get(ctx.session, ctx.principal, campaign_id)
    )


@router.patch("/{campaign_id}", summary="Update a campaign (partial)", responses=CONFLICT)
async def update_campaign(campaign_id: str, body: CampaignUpdate, ctx: AdminWrite) -> Campaign:
    return Campaign.model_validate(
        await campaign_service.update(ctx.session, ctx.principal, campaign_id, body)
    )
