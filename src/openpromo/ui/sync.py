"""Customer synchronisation settings: the configuration, "run now" and the run history."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.db import get_database
from openpromo.errors import OpenPromoError
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.sync import runner
from openpromo.sync.schemas import CustomerSyncConfigIn
from openpromo.sync.service import sync_service
from openpromo.ui.context import Admin, AdminRead, FormErrors, UiContext, parse, parse_json
from openpromo.ui.render import redirect, render

router = APIRouter(prefix="/ui/sync", include_in_schema=False)
NAV = {"/ui/sync": "admin"}


async def _page(
    ctx: UiContext,
    *,
    cursor: str | None = None,
    submitted: str | None = None,
    section: str | None = None,
    errors: FormErrors | None = None,
) -> Response:
    config = await sync_service.get_config(ctx.session, ctx.principal)
    editable = {k: v for k, v in config.items() if k not in ("next_run_at", "updated_at")}
    runs = await sync_service.list_runs(
        ctx.session, ctx.principal, limit=DEFAULT_LIMIT, cursor=cursor
    )
    return render(
        ctx.request,
        "settings/sync.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        section=section,
        config=config,
        editor=submitted
        if submitted is not None
        else json.dumps(editable, indent=2, default=str, ensure_ascii=False),
        runs=runs,
    )


@router.get("")
async def sync_settings(ctx: AdminRead, cursor: str | None = None) -> Response:
    return await _page(ctx, cursor=cursor)


@router.post("")
async def put_sync_settings(ctx: Admin) -> Response:
    text = str((await ctx.request.form()).get("config") or "")
    try:
        async with ctx.attempt():
            raw: Any = parse_json(text, ("body",)) or {}
            body = parse(CustomerSyncConfigIn, raw if isinstance(raw, dict) else {"": raw})
            await sync_service.put_config(ctx.session, ctx.principal, body)
    except OpenPromoError as exc:
        return await _page(ctx, submitted=text, section="config", errors=FormErrors.of(exc))
    return redirect(ctx.request, "/ui/sync", "Synchronisation saved.")


@router.post("/runs")
async def run_sync_now(ctx: Admin) -> Response:
    try:
        async with ctx.attempt():
            run = await sync_service.trigger_run(ctx.session, ctx.principal, "manual")
    except OpenPromoError as exc:
        return await _page(ctx, section="runs", errors=FormErrors.of(exc))
    # Starts once this request's transaction has committed (the executor waits for it).
    runner.launch(get_database(), run.id)
    return redirect(ctx.request, "/ui/sync", "Run queued.")
