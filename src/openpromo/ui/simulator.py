"""The simulator: one customer and session against a promotion or a promocode, as a dry run
with ``explain``: the chosen tier, the rewards, the reasons and the trace of every tier tried.

It calls the validation service exactly as ``POST …/validate-customers`` does with
``commit=false``, so nothing is consumed, granted or allocated.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.errors import OpenPromoError, unprocessable
from openpromo.promocode.service import promocode_service
from openpromo.promotion.service import promotion_service
from openpromo.ui.context import FormErrors, UiContext, Viewer, parse, parse_json
from openpromo.ui.render import render
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, request_seed, validation_service

router = APIRouter(prefix="/ui/simulator", include_in_schema=False)
NAV = {"/ui/simulator": "viewer"}


async def target_choices(ctx: UiContext) -> dict[str, Any]:
    """The promotions (not archived) and promocodes a validation form offers as targets."""
    promotions = [
        p
        for p in await promotion_service.list_all(ctx.session, ctx.tenant_id)
        if p.status != "archived"
    ]
    codes = await promocode_service.list(
        ctx.session, ctx.principal, limit=200, cursor=None, include_hidden=True
    )
    return {"promotions": promotions, "promocodes": codes.items}


async def _page(
    ctx: UiContext,
    values: dict[str, Any],
    *,
    result: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    fragment = bool(ctx.request.headers.get("hx-request"))
    template = "simulator/result.html" if fragment else "simulator/page.html"
    return render(
        ctx.request,
        template,
        ctx,
        # HTMX swaps only successful responses: the fragment carries the error itself.
        status_code=errors.status if errors and not fragment else 200,
        errors=errors,
        values=values,
        result=result,
        **(await target_choices(ctx) if template == "simulator/page.html" else {}),
    )


@router.get("")
async def simulator(
    ctx: Viewer,
    promotion_id: str | None = None,
    promocode_id: str | None = None,
    customer_id: str | None = None,
) -> Response:
    target = f"promocode:{promocode_id}" if promocode_id else f"promotion:{promotion_id or ''}"
    values = {"target": target, "customer_id": customer_id or "", "session": "{}", "customer": "{}"}
    return await _page(ctx, values)


@router.post("")
async def simulate(ctx: Viewer) -> Response:  # a dry run: read-only, never queues writers
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            result = await _run(ctx, form)
    except OpenPromoError as exc:
        return await _page(ctx, form, errors=FormErrors.of(exc))
    return await _page(ctx, form, result=result)


async def _run(ctx: UiContext, form: dict[str, Any]) -> dict[str, Any]:
    target = form_target(str(form.get("target", "")))
    session_values = parse_json(str(form.get("session", "")), ("body", "session")) or {}
    customer_values = parse_json(str(form.get("customer", "")), ("body", "customer")) or {}
    context: dict[str, Any] = {
        "customer_id": str(form.get("customer_id", "")).strip(),
        "session": session_values,
        "customer": customer_values,
    }
    if str(form.get("code", "")).strip():
        context["code"] = str(form["code"]).strip()
    body = parse(
        ValidateRequest,
        {
            "contexts": [context],
            "campaign_id": str(form.get("campaign_id", "")).strip() or None,
            "commit": False,
            "explain": True,
        },
    )
    return await run_validation(ctx, ctx.session, target, body)


def form_target(value: str) -> tuple[str, str]:
    """A validation form's target, ``promotion:<id>`` or ``promocode:<id>``."""
    kind, _, target_id = value.partition(":")
    if kind not in ("promotion", "promocode") or not target_id:
        raise unprocessable(("body", "target"), "choose a promotion or a promocode")
    return kind, target_id


async def run_validation(
    ctx: UiContext, session: AsyncSession, form_target: tuple[str, str], body: ValidateRequest
) -> dict[str, Any]:
    """``body`` against a form's target (checked to be the tenant's), through the service
    the API calls, seeded as the API seeds it, in ``session`` (the page's read-only one for
    a dry run; a write transaction of its own for a commit)."""
    kind, target_id = form_target
    target: Target
    if kind == "promotion":
        await promotion_service.get(session, ctx.principal, target_id)
        target = Target(promotion_id=target_id)
    else:
        await promocode_service.get(session, ctx.principal, target_id)
        target = Target(promocode_id=target_id)
    seed = request_seed(json.dumps(body.model_dump(mode="json"), sort_keys=True).encode())
    return await validation_service.validate(session, ctx.principal, target, body, seed=seed)
