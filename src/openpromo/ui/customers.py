"""Customers: look up by id (or id prefix), their properties with sources, their grants."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.customer.service import customer_service
from openpromo.errors import NotFound, OpenPromoError
from openpromo.grant.service import grant_service
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.ui.context import Admin, FormErrors, UiContext, Viewer, parse_as, parse_json
from openpromo.ui.render import redirect, render

router = APIRouter(prefix="/ui/customers", include_in_schema=False)
NAV = {"/ui/customers": "viewer"}


@router.get("")
async def customers(ctx: Viewer, q: str | None = None, cursor: str | None = None) -> Response:
    q = (q or "").strip()
    if q and not cursor:
        try:
            await customer_service.get(ctx.session, ctx.principal, q)
            return redirect(ctx.request, f"/ui/customers/{q}")
        except NotFound:
            pass  # not an exact id: list those that start with it
    page = await customer_service.list(
        ctx.session, ctx.principal, limit=DEFAULT_LIMIT, cursor=cursor or None, q=q or None
    )
    return render(ctx.request, "customers/list.html", ctx, page=page, q=q)


async def _page(
    ctx: UiContext,
    customer_id: str,
    submitted: str | None = None,
    errors: FormErrors | None = None,
) -> Response:
    grants = await grant_service.list(
        ctx.session, ctx.principal, limit=DEFAULT_LIMIT, cursor=None, customer_id=customer_id
    )
    customer: Any
    try:
        customer = await customer_service.get(ctx.session, ctx.principal, customer_id)
    except NotFound:
        if not grants.items:
            raise
        # Granted but never pushed: no stored properties, the grants still matter.
        customer = {"customer_id": customer_id, "properties": {}, "sources": {}, "updated_at": None}
    return render(
        ctx.request,
        "customers/page.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        customer=customer,
        grants=grants.items,
        editor=submitted if submitted is not None else "{}",
    )


@router.get("/{customer_id}")
async def customer_page(customer_id: str, ctx: Viewer) -> Response:
    return await _page(ctx, customer_id)


@router.post("/{customer_id}")
async def put_customer_properties(customer_id: str, ctx: Admin) -> Response:
    text = str((await ctx.request.form()).get("properties") or "")
    try:
        async with ctx.attempt():
            loc = ("body", "properties")
            values: dict[str, Any] = parse_as(dict[str, Any], parse_json(text, loc) or {}, loc)
            await customer_service.put(ctx.session, ctx.principal, customer_id, values)
    except OpenPromoError as exc:
        return await _page(ctx, customer_id, text, FormErrors.of(exc))
    return redirect(ctx.request, f"/ui/customers/{customer_id}", "Properties saved.")


@router.post("/{customer_id}/grants/{grant_id}/reverse")
async def reverse_customer_grant(customer_id: str, grant_id: str, ctx: Admin) -> Response:
    release = (await ctx.request.form()).get("release_code") == "on"
    grant = await grant_service.get(ctx.session, ctx.principal, grant_id)
    if grant.customer_id != customer_id:
        raise NotFound(detail=f"grant {grant_id} not found")
    await grant_service.reverse(ctx.session, ctx.principal, grant_id, release_code=release)
    return redirect(ctx.request, f"/ui/customers/{customer_id}", "Grant reversed.")
