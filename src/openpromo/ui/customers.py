"""Customers: look up by id (or id prefix), their properties with sources, their grants;
import a CSV or NDJSON file (admins, with a progress bar and a report)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from openpromo.api.limits import UI_UPLOAD_BODY_LIMIT
from openpromo.customer.ingest import ImportFormat, IngestReport, format_of
from openpromo.customer.service import customer_service
from openpromo.errors import NotFound, OpenPromoError, unprocessable
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.ledger.service import grant_service
from openpromo.ui.context import Admin, FormErrors, UiContext, Viewer, parse_as, parse_json
from openpromo.ui.explain import GrantNames
from openpromo.ui.property_inputs import form_values, schema_properties
from openpromo.ui.render import redirect, render

router = APIRouter(prefix="/ui/customers", include_in_schema=False)
NAV = {"/ui/customers": "viewer"}

IMPORT_FORMATS: dict[str, ImportFormat | None] = {"auto": None, "csv": "csv", "ndjson": "ndjson"}
UPLOAD_CHUNK = 256 * 1024


async def _list_page(
    ctx: UiContext,
    q: str = "",
    cursor: str | None = None,
    *,
    errors: FormErrors | None = None,
    report: IngestReport | None = None,
    submitted: dict[str, Any] | None = None,
) -> Response:
    submitted = submitted or {"format": "auto", "dry_run": False}
    page = await customer_service.list(
        ctx.session, ctx.principal, limit=DEFAULT_LIMIT, cursor=cursor, q=q or None
    )
    return render(
        ctx.request,
        "customers/list.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        page=page,
        q=q,
        report=report,
        submitted=submitted,
        dry_run=submitted["dry_run"],
        formats=list(IMPORT_FORMATS),
    )


SUGGESTIONS = 20


@router.get("")
async def customers(
    ctx: Viewer,
    q: str | None = None,
    cursor: str | None = None,
    suggest: str | None = None,
    customer_id: str | None = None,
) -> Response:
    q = (q or "").strip()
    if suggest:
        # A customer picker's datalist: the ids that start with what was typed.
        prefix = (customer_id or q).strip()
        found = await customer_service.list(
            ctx.session, ctx.principal, limit=SUGGESTIONS, cursor=None, q=prefix or None
        )
        return render(ctx.request, "customers/_suggestions.html", ctx, customers=found.items)
    if q and not cursor:
        try:
            await customer_service.get(ctx.session, ctx.principal, q)
            return redirect(ctx.request, f"/ui/customers/{q}")
        except NotFound:
            pass  # not an exact id: list those that start with it
    return await _list_page(ctx, q, cursor or None)


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(UPLOAD_CHUNK):
        yield chunk


def _import_format(chosen: str, upload: UploadFile) -> ImportFormat:
    if chosen not in IMPORT_FORMATS:
        raise unprocessable(("body", "format"), "choose CSV or NDJSON")
    fmt = IMPORT_FORMATS[chosen] or format_of(upload.content_type or "", upload.filename)
    if fmt is None:
        raise unprocessable(
            ("body", "format"),
            "cannot tell the file format from its name or type: choose CSV or NDJSON",
        )
    return fmt


# A customer's properties form posts to /ui/customers/{id}/properties, so this path is never
# a customer's, whatever the customer's id (one named "import" included).
@router.post("/import", max_body_size=UI_UPLOAD_BODY_LIMIT)
async def import_customers(ctx: Admin) -> Response:
    """The import of ``POST /v1/customers/import`` from a multipart ``file``, streamed in
    chunks. The browser shows the transfer's progress (htmx ``xhr:progress``); an htmx request
    gets the report in place of the form's result area, any other the customers page."""
    form = await ctx.request.form()
    upload = form.get("file")
    chosen = str(form.get("format") or "auto")
    dry_run = form.get("dry_run") in ("on", "true", "1")
    submitted = {"format": chosen, "dry_run": dry_run}
    fragment = bool(ctx.request.headers.get("hx-request"))
    try:
        async with ctx.attempt():
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise unprocessable(("body", "file"), "choose a file to import", "missing")
            report = await customer_service.import_stream(
                ctx.session,
                ctx.principal,
                _chunks(upload),
                _import_format(chosen, upload),
                dry_run=dry_run,
            )
    except OpenPromoError as exc:
        if fragment:
            return render(
                ctx.request, "customers/import_report.html", ctx, errors=FormErrors.of(exc)
            )
        return await _list_page(ctx, errors=FormErrors.of(exc), submitted=submitted)
    if fragment:
        return render(
            ctx.request, "customers/import_report.html", ctx, report=report, dry_run=dry_run
        )
    return await _list_page(ctx, report=report, submitted=submitted)


async def _page(
    ctx: UiContext,
    customer_id: str,
    submitted: dict[str, Any] | None = None,
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
        names=await GrantNames.of(ctx.session, ctx.principal, grants.items),
        customer_properties=await schema_properties(ctx.session, ctx.tenant_id, ["customer"]),
        values=submitted or {},
    )


@router.get("/{customer_id:path}")
async def customer_page(customer_id: str, ctx: Viewer) -> Response:
    return await _page(ctx, customer_id)


@router.post("/{customer_id:path}/properties")
async def put_customer_properties(customer_id: str, ctx: Admin) -> Response:
    """The values filled in the schema-built form, over those of the JSON field (the
    advanced way, and the only one to remove a value: ``null``); an empty input leaves the
    stored value as it is."""
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            loc = ("body", "properties")
            text = str(form.get("properties") or "")
            values: dict[str, Any] = parse_as(dict[str, Any], parse_json(text, loc) or {}, loc)
            properties = await schema_properties(ctx.session, ctx.tenant_id, ["customer"])
            values.update(form_values(form, properties, "customer", ctx.zone))
            if not values:
                raise unprocessable(loc, "fill in at least one value to save", "missing")
            await customer_service.put(ctx.session, ctx.principal, customer_id, values)
    except OpenPromoError as exc:
        return await _page(ctx, customer_id, form, FormErrors.of(exc))
    return redirect(ctx.request, f"/ui/customers/{customer_id}", "Properties saved.")


@router.post("/{customer_id:path}/grants/{grant_id}/reverse")
async def reverse_customer_grant(customer_id: str, grant_id: str, ctx: Admin) -> Response:
    release = (await ctx.request.form()).get("release_code") == "on"
    grant = await grant_service.get(ctx.session, ctx.principal, grant_id)
    if grant.customer_id != customer_id:
        raise NotFound(detail=f"grant {grant_id} not found")
    await grant_service.reverse(ctx.session, ctx.principal, grant_id, release_code=release)
    return redirect(ctx.request, f"/ui/customers/{customer_id}", "Grant reversed.")
