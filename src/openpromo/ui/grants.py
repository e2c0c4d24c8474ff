"""The grants ledger: every grant of the tenant, filtered like ``GET /v1/grants`` (promotion,
promocode, customer, campaign, status, creation dates), newest last, with ``Reverse`` for
admins (``POST /v1/grants/{id}/reverse``).

Filters are pickers: promotions, promocodes and campaigns by name (selects), the customer id
with suggestions by prefix. Rows name the promotion, tier, promocode, campaign and reward
type (``explain.GrantNames``); ids stay in the links."""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.campaign.service import campaign_service
from openpromo.errors import NotFound, OpenPromoError
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.ledger.reservations import reservation_service
from openpromo.ledger.service import grant_service
from openpromo.promocode.service import promocode_service
from openpromo.promotion.service import promotion_service
from openpromo.ui.context import Admin, FormErrors, Viewer, parse_moment
from openpromo.ui.explain import GrantNames
from openpromo.ui.render import redirect, render

router = APIRouter(prefix="/ui/grants", include_in_schema=False)
NAV = {"/ui/grants": "viewer"}

STATUSES = ("granted", "reversed", "reserved", "released")
# The promocode filter lists this many promocodes by name (a filtered one is always shown).
PICKER_LIMIT = 200
ID_FILTERS = ("promotion_id", "promocode_id", "customer_id", "campaign_id")
FILTERS = (*ID_FILTERS, "status", "since", "until")


@router.get("")
async def grants(
    ctx: Viewer,
    cursor: str | None = None,
    promotion_id: str | None = None,
    promocode_id: str | None = None,
    customer_id: str | None = None,
    campaign_id: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Response:
    given = {
        "promotion_id": promotion_id,
        "promocode_id": promocode_id,
        "customer_id": customer_id,
        "campaign_id": campaign_id,
    }
    filters: dict[str, Any] = {name: (value or "").strip() or None for name, value in given.items()}
    filters["status"] = status if status in STATUSES else None
    errors: FormErrors | None = None
    try:
        filters["created_from"] = parse_moment(since, "since", ctx.zone)
        filters["created_to"] = parse_moment(until, "until", ctx.zone)
    except OpenPromoError as exc:
        errors = FormErrors.of(exc)
        filters["created_from"] = filters["created_to"] = None
    page = await grant_service.list(
        ctx.session, ctx.principal, limit=DEFAULT_LIMIT, cursor=cursor or None, **filters
    )
    promotions = await promotion_service.list_all(ctx.session, ctx.tenant_id)
    campaigns = await campaign_service.list(ctx.session, ctx.principal, limit=200, cursor=None)
    # Promocodes as listed (schemas) and, maybe, the one filtered on (a model): id and name.
    promocodes: list[Any] = list(
        (
            await promocode_service.list(
                ctx.session, ctx.principal, limit=PICKER_LIMIT, cursor=None, include_hidden=True
            )
        ).items
    )
    chosen = filters["promocode_id"]
    if chosen and all(p.id != chosen for p in promocodes):
        # An unknown id filters to nothing; the list says so.
        with suppress(NotFound):
            promocodes = [
                *promocodes,
                await promocode_service.get(ctx.session, ctx.principal, chosen),
            ]
    names = await GrantNames.of(ctx.session, ctx.principal, page.items)
    values = {name: filters[name] or "" for name in ID_FILTERS}
    values.update(status=filters["status"] or "", since=since or "", until=until or "")
    return render(
        ctx.request,
        "grants/list.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        page=page,
        values=values,
        statuses=STATUSES,
        promotions=promotions,
        campaigns=campaigns.items,
        promocodes=promocodes,
        names=names,
        back=urlencode({k: v for k, v in values.items() if v}),
    )


@router.post("/{grant_id}/reverse")
async def reverse_grant(grant_id: str, ctx: Admin) -> Response:
    form = await ctx.request.form()
    release = form.get("release_code") == "on"
    before = await grant_service.get(ctx.session, ctx.principal, grant_id)
    await grant_service.reverse(ctx.session, ctx.principal, grant_id, release_code=release)
    message = "Grant reversed." if before.status == "granted" else "The grant was reversed already."
    # Back to the list as it was filtered: only the filters are carried over.
    back = urlencode([(k, v) for k, v in parse_qsl(str(form.get("back") or "")) if k in FILTERS])
    return redirect(ctx.request, "/ui/grants" + (f"?{back}" if back else ""), message)


@router.post("/reservations/{reservation_id}/{action}")
async def settle_reservation(reservation_id: str, action: str, ctx: Admin) -> Response:
    """Confirm (as reserved) or release a reservation from the ledger (admins)."""
    form = await ctx.request.form()
    if action == "confirm":
        await reservation_service.confirm(ctx.session, ctx.principal, reservation_id)
        message = "Reservation confirmed."
    elif action == "release":
        await reservation_service.release(ctx.session, ctx.principal, reservation_id)
        message = "Reservation released."
    else:
        raise NotFound(detail=f"no action {action}")
    back = urlencode([(k, v) for k, v in parse_qsl(str(form.get("back") or "")) if k in FILTERS])
    return redirect(ctx.request, "/ui/grants" + (f"?{back}" if back else ""), message)
