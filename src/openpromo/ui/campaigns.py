"""Campaigns: list, create, edit."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.campaign.schemas import CampaignCreate, CampaignUpdate
from openpromo.campaign.service import campaign_service
from openpromo.errors import OpenPromoError
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.promocode.service import promocode_service
from openpromo.ui.context import Editor, FormErrors, UiContext, Viewer, parse, present
from openpromo.ui.render import redirect, render

router = APIRouter(prefix="/ui/campaigns", include_in_schema=False)
NAV = {"/ui/campaigns": "viewer"}

STATUSES = ("draft", "active", "paused", "ended")
FIELDS = ("name", "external_id", "channel", "starts_at", "ends_at", "status")


def _aware(value: str, zone: str) -> str:
    """A ``datetime-local`` input has no offset: it is read in the tenant's time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # the model's own error names the field
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.isoformat()


def _body(ctx: UiContext, form: dict[str, Any]) -> dict[str, Any]:
    body = present(form, *FIELDS)
    for name in ("starts_at", "ends_at"):
        if name in body:
            body[name] = _aware(str(body[name]), ctx.tenant.timezone)
    return body


def _local(value: datetime | None, zone: str) -> str:
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") if value else ""


async def _list_page(
    ctx: UiContext,
    params: dict[str, str | None],
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    page = await campaign_service.list(
        ctx.session,
        ctx.principal,
        limit=DEFAULT_LIMIT,
        cursor=params.get("cursor") or None,
        status=params.get("status") if params.get("status") in STATUSES else None,
        search=params.get("q") or None,
    )
    return render(
        ctx.request,
        "campaigns/list.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        page=page,
        statuses=STATUSES,
        params=params,
        values=values or {"status": "active"},
    )


@router.get("")
async def campaigns(
    ctx: Viewer, status: str | None = None, q: str | None = None, cursor: str | None = None
) -> Response:
    return await _list_page(ctx, {"status": status, "q": q, "cursor": cursor})


@router.post("")
async def create_campaign(ctx: Editor) -> Response:
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            campaign = await campaign_service.create(
                ctx.session, ctx.principal, parse(CampaignCreate, _body(ctx, form))
            )
    except OpenPromoError as exc:
        return await _list_page(ctx, {}, values=form, errors=FormErrors.of(exc))
    return redirect(ctx.request, f"/ui/campaigns/{campaign.id}", "Campaign created.")


async def _page(
    ctx: UiContext,
    campaign_id: str,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    campaign = await campaign_service.get(ctx.session, ctx.principal, campaign_id)
    zone = ctx.tenant.timezone
    current = {
        "name": campaign.name,
        "external_id": campaign.external_id or "",
        "channel": campaign.channel or "",
        "starts_at": _local(campaign.starts_at, zone),
        "ends_at": _local(campaign.ends_at, zone),
        "status": campaign.status,
    }
    codes = await promocode_service.list(
        ctx.session,
        ctx.principal,
        limit=200,
        cursor=None,
        campaign_id=campaign.id,
        include_hidden=True,
    )
    return render(
        ctx.request,
        "campaigns/page.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        campaign=campaign,
        values={**current, **(values or {})},
        statuses=STATUSES,
        codes=codes.items,
    )


@router.get("/{campaign_id}")
async def campaign_page(campaign_id: str, ctx: Viewer) -> Response:
    return await _page(ctx, campaign_id)


@router.post("/{campaign_id}")
async def update_campaign(campaign_id: str, ctx: Editor) -> Response:
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            body = _body(ctx, form)
            for name in ("channel", "starts_at", "ends_at"):  # an emptied field clears it
                if name in form and name not in body:
                    body[name] = None
            await campaign_service.update(
                ctx.session, ctx.principal, campaign_id, parse(CampaignUpdate, body)
            )
    except OpenPromoError as exc:
        return await _page(ctx, campaign_id, form, FormErrors.of(exc))
    return redirect(ctx.request, f"/ui/campaigns/{campaign_id}", "Campaign saved.")
