"""Promocodes: list and create; the promocode page (edit, type, assignment, campaign links,
show/hide, values: upload with a progress bar, generate, search, CSV export)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import UploadFile

from openpromo.api.limits import UI_UPLOAD_BODY_LIMIT
from openpromo.campaign.service import campaign_service
from openpromo.db import get_database
from openpromo.errors import OpenPromoError, unprocessable
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.promocode.csv_export import csv_header, csv_rows
from openpromo.promocode.schemas import (
    GenerateRequest,
    PromocodeCreate,
    PromocodeTypeChange,
    PromocodeUpdate,
)
from openpromo.promocode.service import promocode_service
from openpromo.promotion.service import promotion_service
from openpromo.ui.context import Editor, FormErrors, UiContext, Viewer, parse, present
from openpromo.ui.render import redirect, render, submit_form, templates

router = APIRouter(prefix="/ui/promocodes", include_in_schema=False)
NAV = {"/ui/promocodes": "viewer"}

TYPES = ("shared", "single_use", "bulk")
TYPE_LABELS = {"shared": "Shared", "single_use": "Single use", "bulk": "Bulk"}
TYPE_HELP = {
    "shared": "one value, many customers",
    "single_use": "one value, redeemed once",
    "bulk": "a pool of unique values, one per customer",
}
# Promocode types in words, wherever a page names one (promotion pages too).
templates.env.globals["promocode_type_labels"] = TYPE_LABELS
# The create form's fields that apply to each type (the others are ignored: the browser hides
# them, and a form sent without JavaScript may carry them filled in).
TYPE_FIELDS = {
    "shared": ("value", "max_redemptions", "once_per_customer"),
    "single_use": ("value",),
    "bulk": ("fallback_value", "pool_low_threshold"),
}
VALUE_STATUSES = ("available", "allocated", "redeemed")
UPLOAD_CHUNK = 256 * 1024


def _flag(form: dict[str, Any], name: str) -> bool | None:
    value = form.get(name)
    return None if value in (None, "") else value in ("on", "true", "1")


# --- List and create --------------------------------------------------------------------


async def _list_page(
    ctx: UiContext,
    params: dict[str, str | None],
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    page = await promocode_service.list(
        ctx.session,
        ctx.principal,
        limit=DEFAULT_LIMIT,
        cursor=params.get("cursor") or None,
        type_=params.get("type") if params.get("type") in TYPES else None,
        include_hidden=params.get("hidden") == "include",
        hidden=True if params.get("hidden") == "only" else None,
        search=params.get("q") or None,
    )
    promotions = {p.id: p for p in await promotion_service.list_all(ctx.session, ctx.tenant_id)}
    return render(
        ctx.request,
        "promocodes/list.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        page=page,
        promotions=promotions,
        types=TYPES,
        type_help=TYPE_HELP,
        params=params,
        values=values or {"type": "shared"},
    )


@router.get("")
async def promocodes(
    ctx: Viewer,
    type: str | None = None,
    hidden: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
) -> Response:
    return await _list_page(ctx, {"type": type, "hidden": hidden, "q": q, "cursor": cursor})


@router.post("")
async def create_promocode(ctx: Editor) -> Response:
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            applies = TYPE_FIELDS.get(str(form.get("type") or ""), ())
            body: dict[str, Any] = present(
                form,
                "name",
                "type",
                "promotion_id",
                *(f for f in applies if f != "once_per_customer"),
            )
            if "once_per_customer" in applies:
                body["once_per_customer"] = bool(_flag(form, "once_per_customer"))
            body["hidden"] = bool(_flag(form, "hidden"))
            created = await promocode_service.create(
                ctx.session, ctx.principal, parse(PromocodeCreate, body)
            )
    except OpenPromoError as exc:
        return await _list_page(ctx, {}, values=form, errors=FormErrors.of(exc))
    return redirect(ctx.request, f"/ui/promocodes/{created.id}", "Promocode created.")


# --- One promocode ----------------------------------------------------------------------


async def _page(
    ctx: UiContext,
    promocode_id: str,
    *,
    section: str | None = None,
    submitted: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    report: Any = None,
    status_code: int | None = None,
) -> Response:
    promocode = await promocode_service.describe(ctx.session, ctx.principal, promocode_id)
    query = ctx.request.query_params
    prefix, status = query.get("q") or None, query.get("value_status") or None
    values_page = await promocode_service.list_values(
        ctx.session,
        ctx.principal,
        promocode_id,
        limit=DEFAULT_LIMIT,
        cursor=query.get("cursor") or None,
        prefix=prefix,
        status=status if status in VALUE_STATUSES else None,
    )
    promotions = [
        p
        for p in await promotion_service.list_all(ctx.session, ctx.tenant_id)
        if p.status != "archived"
    ]
    campaigns = await campaign_service.list(ctx.session, ctx.principal, limit=200, cursor=None)
    return render(
        ctx.request,
        "promocodes/page.html",
        ctx,
        status_code=status_code or (errors.status if errors else 200),
        errors=errors,
        section=section,
        code=promocode,
        submitted=submitted or {},
        values_page=values_page,
        value_statuses=VALUE_STATUSES,
        promotions=promotions,
        promotion_names={p.id: p.name for p in promotions},
        campaigns=campaigns.items,
        campaign_names={c.id: c.name for c in campaigns.items},
        types=TYPES,
        report=report,
        filters={"q": prefix or "", "value_status": status or ""},
    )


@router.get("/{promocode_id}")
async def promocode_page(promocode_id: str, ctx: Viewer) -> Response:
    return await _page(ctx, promocode_id)


async def _act(
    ctx: UiContext,
    promocode_id: str,
    section: str,
    work: Callable[[dict[str, Any]], Awaitable[object]],
    message: str,
) -> Response:
    async def failed(form: dict[str, Any], errors: FormErrors) -> Response:
        return await _page(ctx, promocode_id, section=section, submitted=form, errors=errors)

    return await submit_form(
        ctx, work, failed=failed, done=f"/ui/promocodes/{promocode_id}", message=message
    )


@router.post("/{promocode_id}/edit")
async def update_promocode(promocode_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        body: dict[str, Any] = present(
            form, "name", "max_redemptions", "fallback_value", "pool_low_threshold"
        )
        if "once_per_customer" in form or "once_per_customer_shown" in form:
            body["once_per_customer"] = form.get("once_per_customer") == "on"
        return await promocode_service.update(
            ctx.session, ctx.principal, promocode_id, parse(PromocodeUpdate, body)
        )

    return await _act(ctx, promocode_id, "edit", work, "Promocode saved.")


@router.post("/{promocode_id}/type")
async def change_promocode_type(promocode_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        body = parse(PromocodeTypeChange, {"type": form.get("type")})
        return await promocode_service.set_type(ctx.session, ctx.principal, promocode_id, body)

    return await _act(ctx, promocode_id, "type", work, "Type changed.")


@router.post("/{promocode_id}/promotion")
async def assign_promocode(promocode_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        promotion_id = str(form.get("promotion_id") or "")
        if not promotion_id:
            return await promocode_service.unassign_promotion(
                ctx.session, ctx.principal, promocode_id
            )
        return await promocode_service.assign_promotion(
            ctx.session, ctx.principal, promocode_id, promotion_id
        )

    return await _act(ctx, promocode_id, "promotion", work, "Assignment saved.")


@router.post("/{promocode_id}/campaigns")
async def link_promocode_campaign(promocode_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        campaign_id = str(form.get("campaign_id") or "")
        if not campaign_id:
            raise unprocessable(("body", "campaign_id"), "choose a campaign")
        if form.get("unlink"):
            return await promocode_service.unlink_campaign(
                ctx.session, ctx.principal, promocode_id, campaign_id
            )
        return await promocode_service.link_campaign(
            ctx.session, ctx.principal, promocode_id, campaign_id
        )

    return await _act(ctx, promocode_id, "campaigns", work, "Campaign links saved.")


@router.post("/{promocode_id}/show")
async def show_promocode(promocode_id: str, ctx: Editor) -> Response:
    async def work(_form: dict[str, Any]) -> object:
        return await promocode_service.set_hidden(ctx.session, ctx.principal, promocode_id, False)

    return await _act(ctx, promocode_id, "visibility", work, "Promocode visible.")


@router.post("/{promocode_id}/hide")
async def hide_promocode(promocode_id: str, ctx: Editor) -> Response:
    async def work(_form: dict[str, Any]) -> object:
        return await promocode_service.set_hidden(ctx.session, ctx.principal, promocode_id, True)

    return await _act(ctx, promocode_id, "visibility", work, "Promocode hidden.")


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(UPLOAD_CHUNK):
        yield chunk


@router.post("/{promocode_id}/values/upload", max_body_size=UI_UPLOAD_BODY_LIMIT)
async def upload_promocode_values(promocode_id: str, ctx: Editor) -> Response:
    """The browser shows the transfer's progress (htmx ``xhr:progress``); the answer is the
    upload report, in place of the form's result area."""
    form = await ctx.request.form()
    upload = form.get("file")
    dry_run = form.get("dry_run") == "on"
    fragment = bool(ctx.request.headers.get("hx-request"))
    try:
        async with ctx.attempt():
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise unprocessable(("body", "file"), "choose a file of values", "missing")
            report = await promocode_service.upload_values(
                ctx.session, ctx.principal, promocode_id, _chunks(upload), dry_run=dry_run
            )
    except OpenPromoError as exc:
        if fragment:
            return render(
                ctx.request, "promocodes/upload_report.html", ctx, errors=FormErrors.of(exc)
            )
        return await _page(ctx, promocode_id, section="upload", errors=FormErrors.of(exc))
    if fragment:
        return render(ctx.request, "promocodes/upload_report.html", ctx, report=report)
    return await _page(ctx, promocode_id, section="upload", report=report)


@router.post("/{promocode_id}/values/generate")
async def generate_promocode_values(promocode_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        body = parse(
            GenerateRequest,
            present(form, "count", "length", "charset", "prefix", "suffix", "pattern"),
        )
        return await promocode_service.generate_values(
            ctx.session, ctx.principal, promocode_id, body
        )

    return await _act(ctx, promocode_id, "generate", work, "Values generated.")


@router.get("/{promocode_id}/values.csv")
async def export_promocode_values(promocode_id: str, ctx: Viewer) -> Response:
    await promocode_service.get(ctx.session, ctx.principal, promocode_id)
    principal = ctx.principal

    async def stream() -> AsyncIterator[str]:
        # Its own read transaction: the response outlives the request's unit of work.
        async with get_database().unit_of_work(write=False) as session:
            yield csv_header()
            async for rows in promocode_service.iter_values(session, principal, promocode_id):
                yield csv_rows(rows)

    return StreamingResponse(
        stream(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="promocode-{promocode_id}.csv"'},
    )
