from __future__ import annotations

from fastapi import APIRouter, Request, Response

from openpromo.api.deps import (
    DEFAULT_PAGE_LIMIT,
    AdminRead,
    AdminWrite,
    Cursor,
    Limit,
    Read,
    idempotent,
)
from openpromo.api.problems import COMMON_ERRORS, CONFLICT
from openpromo.db import after_commit, get_database
from openpromo.kit.pagination import Page
from openpromo.sync import runner
from openpromo.sync.schemas import CustomerSyncConfig, CustomerSyncConfigIn, SyncRun, SyncRunSummary
from openpromo.sync.service import sync_service

router = APIRouter(prefix="/v1/customer-sync", tags=["sync"], responses=COMMON_ERRORS)


@router.get("", summary="Get the customer synchronisation configuration")
async def get_customer_sync(ctx: AdminRead) -> CustomerSyncConfig:
    return CustomerSyncConfig.model_validate(
        await sync_service.get_config(ctx.session, ctx.principal)
    )


@router.put("", summary="Replace the customer synchronisation configuration")
async def put_customer_sync(body: CustomerSyncConfigIn, ctx: AdminWrite) -> CustomerSyncConfig:
    return CustomerSyncConfig.model_validate(
        await sync_service.put_config(ctx.session, ctx.principal, body)
    )


@router.post(
    "/runs",
    status_code=202,
    summary="Run the synchronisation now (queued, then executed in the background)",
    response_model=SyncRun,
    responses=CONFLICT,
)
async def trigger_customer_sync_run(ctx: AdminWrite, request: Request) -> Response:
    async def produce() -> SyncRun:
        run = await sync_service.trigger_run(ctx.session, ctx.principal, "manual")
        out = SyncRun.model_validate(run)
        # Starts once this request's transaction has committed.
        database = get_database()
        after_commit(ctx.session, lambda: runner.launch(database, run.id))
        return out

    return await idempotent(request, ctx, 202, produce)


@router.get(
    "/runs", summary="List synchronisation runs (newest first)", response_model=Page[SyncRunSummary]
)
async def list_customer_sync_runs(
    ctx: Read, limit: Limit = DEFAULT_PAGE_LIMIT, cursor: Cursor = None
) -> Page[SyncRunSummary]:
    page = await sync_service.list_runs(ctx.session, ctx.principal, limit=limit, cursor=cursor)
    return Page[SyncRunSummary](
        items=[SyncRunSummary.model_validate(r) for r in page.items], next_cursor=page.next_cursor
    )


@router.get("/runs/{run_id}", summary="Get a synchronisation run and its report")
async def get_customer_sync_run(run_id: str, ctx: Read) -> SyncRun:
    return SyncRun.model_validate(await sync_service.get_run(ctx.session, ctx.principal, run_id))
