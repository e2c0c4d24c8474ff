from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Request, Security
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials

from openpromo.api.auth import authenticate_once, bearer_scheme, header_scheme, presented_key
from openpromo.api.deps import DEFAULT_PAGE_LIMIT, Cursor, IntegrationWrite, Limit, Read
from openpromo.api.lean_route import LeanJSONRoute
from openpromo.api.problems import COMMON_ERRORS, CONFLICT
from openpromo.auth.principal import INTEGRATION, Principal
from openpromo.db import get_database
from openpromo.errors import Forbidden
from openpromo.kit.pagination import Page
from openpromo.ledger.coalescing import reservation_coalescer
from openpromo.ledger.reservations import reservation_service
from openpromo.ledger.schemas import (
    BatchConfirm,
    BatchRelease,
    BatchResult,
    Grant,
    GrantReverse,
    PromotionStats,
    Reservation,
    ReservationConfirm,
)
from openpromo.ledger.service import grant_service

router = APIRouter(tags=["grants"], responses=COMMON_ERRORS)


@router.get("/v1/grants", summary="List grants (newest last)", response_model=Page[Grant])
async def list_grants(
    ctx: Read,
    limit: Limit = DEFAULT_PAGE_LIMIT,
    cursor: Cursor = None,
    promotion_id: str | None = None,
    promocode_id: str | None = None,
    customer_id: str | None = None,
    campaign_id: str | None = None,
    status: Literal["granted", "reversed", "reserved", "released"] | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> Page[Grant]:
    page = await grant_service.list(
        ctx.session,
        ctx.principal,
        limit=limit,
        cursor=cursor,
        promotion_id=promotion_id,
        promocode_id=promocode_id,
        customer_id=customer_id,
        campaign_id=campaign_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
    )
    return Page[Grant](items=page.items, next_cursor=page.next_cursor)


@router.get("/v1/grants/{grant_id}", summary="Get a grant", response_model=Grant)
async def get_grant(grant_id: str, ctx: Read) -> Grant:
    return await grant_service.get(ctx.session, ctx.principal, grant_id)


@router.post(
    "/v1/grants/{grant_id}/reverse",
    summary="Reverse a grant: give back exactly what it consumed (idempotent)",
    response_model=Grant,
)
async def reverse_grant(
    grant_id: str, ctx: IntegrationWrite, body: GrantReverse | None = None
) -> Grant:
    release = body.release_code if body is not None else True
    return await grant_service.reverse(ctx.session, ctx.principal, grant_id, release_code=release)


@router.get(
    "/v1/promotions/{promotion_id}/stats",
    summary="Grants, customers, rewards, caps and budgets of a promotion",
    response_model=PromotionStats,
)
async def get_promotion_stats(promotion_id: str, ctx: Read) -> PromotionStats:
    return await grant_service.stats(ctx.session, ctx.principal, promotion_id)


def _rewards(body: ReservationConfirm | None) -> list[tuple[str, str]] | None:
    if body is None or body.rewards is None:
        return None
    return [(r.reward_type, r.value) for r in body.rewards]


@router.get(
    "/v1/reservations/{reservation_id}",
    summary="Get a reservation (docs/reservations.md)",
    response_model=Reservation,
    tags=["reservations"],
)
async def get_reservation(reservation_id: str, ctx: IntegrationWrite) -> Reservation:
    return await reservation_service.get(ctx.session, ctx.principal, reservation_id)


@router.post(
    "/v1/reservations/confirm",
    summary="Confirm many reservations in one call (answered per item)",
    response_model=BatchResult,
    tags=["reservations"],
)
async def confirm_reservations(body: BatchConfirm, ctx: IntegrationWrite) -> BatchResult:
    items = [(item.id, _rewards(item)) for item in body.reservations]
    results = await reservation_service.batch(ctx.session, ctx.principal, "confirm", items)
    return BatchResult(results=results)


@router.post(
    "/v1/reservations/release",
    summary="Release many reservations in one call (answered per item)",
    response_model=BatchResult,
    tags=["reservations"],
)
async def release_reservations(body: BatchRelease, ctx: IntegrationWrite) -> BatchResult:
    items = [(item.id, None) for item in body.reservations]
    results = await reservation_service.batch(ctx.session, ctx.principal, "release", items)
    return BatchResult(results=results)


# Declared as usual, handled by LeanJSONRoute and grouped (ledger.coalescing): a single
# confirm or release is the checkout's hot path (docs/reservations.md). Included right after
# validation's router (app.ROUTERS: matched early).
lean_router = APIRouter(tags=["grants"], responses=COMMON_ERRORS, route_class=LeanJSONRoute)

Bearer = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]
HeaderKey = Annotated[str | None, Security(header_scheme)]


async def _integration(
    bearer: HTTPAuthorizationCredentials | None, header_key: str | None
) -> Principal:
    """The caller (the API-key cache, else one shared lookup), who must be allowed to write
    as an integration — the same checks and answers as ``IntegrationWrite``."""
    database = get_database()
    principal = await authenticate_once(
        presented_key(bearer, header_key), lambda: database.unit_of_work(write=False)
    )
    if principal.role not in INTEGRATION:
        raise Forbidden(
            detail=f"this action needs one of the roles: {', '.join(sorted(INTEGRATION))}; "
            f"the API key has the role {principal.role}",
            code="insufficient_role",
        )
    return principal


def _answer(reservation: Reservation) -> Response:
    return Response(reservation.model_dump_json(by_alias=True), media_type="application/json")


@lean_router.post(
    "/v1/reservations/{reservation_id}/confirm",
    summary="Confirm a reservation, optionally for less (idempotent)",
    response_model=Reservation,
    responses=CONFLICT,
    tags=["reservations"],
)
async def confirm_reservation(
    reservation_id: str,
    request: Request,
    bearer: Bearer,
    header_key: HeaderKey,
    body: ReservationConfirm | None = None,
) -> Response:
    principal = await _integration(bearer, header_key)
    return _answer(
        await reservation_coalescer.settle(principal, "confirm", reservation_id, _rewards(body))
    )


@lean_router.post(
    "/v1/reservations/{reservation_id}/release",
    summary="Release a reservation: give back everything it held (idempotent)",
    response_model=Reservation,
    responses=CONFLICT,
    tags=["reservations"],
)
async def release_reservation(
    reservation_id: str, request: Request, bearer: Bearer, header_key: HeaderKey
) -> Response:
    principal = await _integration(bearer, header_key)
    return _answer(await reservation_coalescer.settle(principal, "release", reservation_id))
