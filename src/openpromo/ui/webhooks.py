"""Webhooks and alerts (admins): the tenant's endpoints, a page per endpoint with its
deliveries and their attempts (send a test event, redeliver one or every failed delivery since
a time, rotate the secret, enable/disable, delete), and the kill switch's "Pause all
promotions". Every action calls ``webhook_service`` / ``promotion_service``, as the API does."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.errors import OpenPromoError, Unprocessable
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.promotion.service import promotion_service
from openpromo.ui.context import Admin, AdminRead, FormErrors, UiContext, parse_moment
from openpromo.ui.render import redirect, render
from openpromo.webhook.schemas import (
    EVENT_TYPES,
    OPT_IN_TYPES,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
)
from openpromo.webhook.service import envelope, webhook_service

router = APIRouter(prefix="/ui/webhooks", include_in_schema=False)
NAV = {"/ui/webhooks": "admin"}
STATUSES = ("pending", "succeeded", "failed")
TYPES = [t for t in EVENT_TYPES if t != "webhook.test"]


async def _list_page(
    ctx: UiContext,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    created: dict[str, str] | None = None,
) -> Response:
    endpoints = await webhook_service.list_endpoints(ctx.session, ctx.principal)
    return render(
        ctx.request,
        "webhooks/list.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        endpoints=endpoints,
        values=values or {"url": "", "description": "", "event_types": ["*"]},
        types=TYPES,
        opt_in=OPT_IN_TYPES,
        created=created,
    )


@router.get("")
async def webhooks(ctx: AdminRead) -> Response:
    return await _list_page(ctx)


@router.post("")
async def create_endpoint(ctx: Admin) -> Response:
    form = await ctx.request.form()
    chosen = [str(v) for v in form.getlist("event_types")]
    url, description = str(form.get("url") or ""), str(form.get("description") or "")
    values: dict[str, Any] = {"url": url, "description": description, "event_types": chosen}
    try:
        async with ctx.attempt():
            body = WebhookEndpointCreate.model_construct(
                url=url, description=description[:500], event_types=chosen, enabled=True
            )
            if not chosen:
                raise Unprocessable(detail="choose at least one event type")
            endpoint, secret = await webhook_service.create(ctx.session, ctx.principal, body)
    except OpenPromoError as exc:
        return await _list_page(ctx, values=values, errors=FormErrors.of(exc))
    return await _list_page(ctx, created={"id": endpoint.id, "url": endpoint.url, "secret": secret})


async def _endpoint_page(
    ctx: UiContext,
    endpoint_id: str,
    *,
    status: str | None = None,
    cursor: str | None = None,
    delivery_id: str | None = None,
    errors: FormErrors | None = None,
    secret: str | None = None,
) -> Response:
    endpoint = await webhook_service.get(ctx.session, ctx.principal, endpoint_id)
    page = await webhook_service.deliveries(
        ctx.session,
        ctx.principal,
        endpoint_id,
        limit=DEFAULT_LIMIT,
        cursor=cursor,
        status=status if status in STATUSES else None,
    )
    opened = None
    if delivery_id:
        delivery, event, attempts = await webhook_service.delivery(
            ctx.session, ctx.principal, delivery_id
        )
        if delivery.endpoint_id == endpoint.id:
            opened = {"delivery": delivery, "event": envelope(event), "attempts": attempts}
    counts = await webhook_service.counts(ctx.session, ctx.principal, endpoint_id)
    return render(
        ctx.request,
        "webhooks/endpoint.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        endpoint=endpoint,
        page=page,
        status=status or "",
        statuses=STATUSES,
        opened=opened,
        counts=counts,
        secret=secret,
    )


@router.get("/{endpoint_id}")
async def endpoint_page(
    endpoint_id: str,
    ctx: AdminRead,
    status: str | None = None,
    cursor: str | None = None,
    delivery: str | None = None,
) -> Response:
    return await _endpoint_page(
        ctx, endpoint_id, status=status, cursor=cursor or None, delivery_id=delivery
    )


@router.post("/{endpoint_id}/test")
async def send_test(endpoint_id: str, ctx: Admin) -> Response:
    await webhook_service.send_test(ctx.session, ctx.principal, endpoint_id)
    return redirect(
        ctx.request, f"/ui/webhooks/{endpoint_id}", "Test event queued: it is sent in a moment."
    )


@router.post("/{endpoint_id}/redeliver")
async def redeliver_failed(endpoint_id: str, ctx: Admin) -> Response:
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            since = parse_moment(str(form.get("since") or ""), "since", ctx.zone)
            if since is None:
                raise Unprocessable(detail="say since when (a date or a date and time)")
            count = await webhook_service.redeliver_failed(
                ctx.session, ctx.principal, endpoint_id, since
            )
    except OpenPromoError as exc:
        return await _endpoint_page(ctx, endpoint_id, errors=FormErrors.of(exc))
    plural = "delivery" if count == 1 else "deliveries"
    return redirect(ctx.request, f"/ui/webhooks/{endpoint_id}", f"Redelivering {count} {plural}.")


@router.post("/{endpoint_id}/deliveries/{delivery_id}/redeliver")
async def redeliver(endpoint_id: str, delivery_id: str, ctx: Admin) -> Response:
    try:
        async with ctx.attempt():
            await webhook_service.redeliver(ctx.session, ctx.principal, delivery_id)
    except OpenPromoError as exc:
        return await _endpoint_page(ctx, endpoint_id, errors=FormErrors.of(exc))
    return redirect(ctx.request, f"/ui/webhooks/{endpoint_id}", "Delivery queued again.")


@router.post("/{endpoint_id}/rotate")
async def rotate(endpoint_id: str, ctx: Admin) -> Response:
    _, secret = await webhook_service.rotate_secret(ctx.session, ctx.principal, endpoint_id)
    return await _endpoint_page(ctx, endpoint_id, secret=secret)


@router.post("/{endpoint_id}/enabled")
async def set_enabled(endpoint_id: str, ctx: Admin) -> Response:
    form = await ctx.form_fields()
    enabled = str(form.get("enabled") or "") == "true"
    await webhook_service.update(
        ctx.session, ctx.principal, endpoint_id, WebhookEndpointUpdate(enabled=enabled)
    )
    message = "Endpoint enabled." if enabled else "Endpoint disabled: events wait for it."
    return redirect(ctx.request, f"/ui/webhooks/{endpoint_id}", message)


@router.post("/{endpoint_id}/delete")
async def delete(endpoint_id: str, ctx: Admin) -> Response:
    await webhook_service.delete(ctx.session, ctx.principal, endpoint_id)
    return redirect(ctx.request, "/ui/webhooks", "Endpoint deleted.")


@router.post("/pause-all")
async def pause_all(ctx: Admin) -> Response:
    paused = await promotion_service.pause_all(ctx.session, ctx.principal)
    plural = "promotion" if len(paused) == 1 else "promotions"
    return redirect(ctx.request, "/ui/webhooks", f"Paused {len(paused)} active {plural}.")
