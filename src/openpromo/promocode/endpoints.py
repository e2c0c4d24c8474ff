from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.datastructures import UploadFile

from openpromo.api.deps import DEFAULT_PAGE_LIMIT, AdminWrite, Cursor, Limit, Read, idempotent
from openpromo.api.limits import UPLOAD_BODY_LIMIT
from openpromo.api.problems import COMMON_ERRORS, CONFLICT, MEDIA_TYPE
from openpromo.auth.principal import Principal
from openpromo.db import get_database
from openpromo.errors import FieldError, UnsupportedMediaType, unprocessable
from openpromo.kit.pagination import Page
from openpromo.promocode.csv_export import csv_header, csv_rows
from openpromo.promocode.schemas import (
    GenerateReport,
    GenerateRequest,
    Promocode,
    PromocodeCreate,
    PromocodeType,
    PromocodeTypeChange,
    PromocodeUpdate,
    PromocodeValue,
    PromotionAssignment,
    UploadReport,
    ValueStatus,
)
from openpromo.promocode.service import promocode_service

router = APIRouter(prefix="/v1/promocodes", tags=["promocode"], responses=COMMON_ERRORS)

UPLOAD_CONTENT_TYPES = ("text/plain", "text/csv", "application/octet-stream")
READ_SIZE = 256 * 1024

_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "One value per line, no header (CRLF, a UTF-8 BOM and blank lines are "
        "tolerated), as a raw body or as the `file` field of a multipart form. Streamed: any "
        "size.",
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


@router.get("", summary="List promocodes (hidden ones only when asked)")
async def list_promocodes(
    ctx: Read,
    limit: Limit = DEFAULT_PAGE_LIMIT,
    cursor: Cursor = None,
    type: PromocodeType | None = None,
    promotion_id: str | None = None,
    campaign_id: str | None = None,
    hidden: Annotated[
        bool | None, Query(description="true: only hidden ones; false: only visible ones.")
    ] = None,
    include_hidden: Annotated[
        bool, Query(description="Include hidden promocodes (excluded by default).")
    ] = False,
    q: Annotated[
        str | None,
        Query(description="A value (exact, case-insensitive) or part of the name."),
    ] = None,
) -> Page[Promocode]:
    page = await promocode_service.list(
        ctx.session,
        ctx.principal,
        limit=limit,
        cursor=cursor,
        type_=type,
        promotion_id=promotion_id,
        campaign_id=campaign_id,
        hidden=hidden,
        include_hidden=include_hidden,
        search=q,
    )
    return Page[Promocode](items=page.items, next_cursor=page.next_cursor)


@router.post(
    "", status_code=201, summary="Create a promocode", response_model=Promocode, responses=CONFLICT
)
async def create_promocode(body: PromocodeCreate, ctx: AdminWrite, request: Request) -> Response:
    async def produce() -> Promocode:
        return await promocode_service.create(ctx.session, ctx.principal, body)

    return await idempotent(request, ctx, 201, produce)


@router.get("/{promocode_id}", summary="Get a promocode")
async def get_promocode(promocode_id: str, ctx: Read) -> Promocode:
    return await promocode_service.describe(ctx.session, ctx.principal, promocode_id)


@router.patch("/{promocode_id}", summary="Update a promocode (partial)", responses=CONFLICT)
async def update_promocode(promocode_id: str, body: PromocodeUpdate, ctx: AdminWrite) -> Promocode:
    return await promocode_service.update(ctx.session, ctx.principal, promocode_id, body)


@router.put(
    "/{promocode_id}/type",
    summary="Change a promocode's type (while unused, and when its values fit)",
    responses=CONFLICT,
)
async def set_promocode_type(
    promocode_id: str, body: PromocodeTypeChange, ctx: AdminWrite
) -> Promocode:
    return await promocode_service.set_type(ctx.session, ctx.principal, promocode_id, body)


@router.put(
    "/{promocode_id}/promotion", summary="Assign the promocode to a promotion", responses=CONFLICT
)
async def assign_promocode_promotion(
    promocode_id: str, body: PromotionAssignment, ctx: AdminWrite
) -> Promocode:
    return await promocode_service.assign_promotion(
        ctx.session, ctx.principal, promocode_id, body.promotion_id
    )


@router.delete(
    "/{promocode_id}/promotion", status_code=204, summary="Unassign the promocode's promotion"
)
async def unassign_promocode_promotion(promocode_id: str, ctx: AdminWrite) -> Response:
    await promocode_service.unassign_promotion(ctx.session, ctx.principal, promocode_id)
    return Response(status_code=204)


@router.put("/{promocode_id}/campaigns/{campaign_id}", summary="Link a campaign")
async def link_promocode_campaign(
    promocode_id: str, campaign_id: str, ctx: AdminWrite
) -> Promocode:
    return await promocode_service.link_campaign(
        ctx.session, ctx.principal, promocode_id, campaign_id
    )


@router.delete(
    "/{promocode_id}/campaigns/{campaign_id}", status_code=204, summary="Unlink a campaign"
)
async def unlink_promocode_campaign(
    promocode_id: str, campaign_id: str, ctx: AdminWrite
) -> Response:
    await promocode_service.unlink_campaign(ctx.session, ctx.principal, promocode_id, campaign_id)
    return Response(status_code=204)


@router.post("/{promocode_id}/show", summary="Show a hidden promocode (usable again)")
async def show_promocode(promocode_id: str, ctx: AdminWrite) -> Promocode:
    return await promocode_service.set_hidden(ctx.session, ctx.principal, promocode_id, False)


@router.post(
    "/{promocode_id}/hide",
    summary="Hide a promocode (excluded from lists; validates with promocode_hidden)",
)
async def hide_promocode(promocode_id: str, ctx: AdminWrite) -> Promocode:
    return await promocode_service.set_hidden(ctx.session, ctx.principal, promocode_id, True)


async def _read_upload(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(READ_SIZE):
        yield chunk


@router.post(
    "/{promocode_id}/values",
    summary="Upload values to a bulk promocode (streamed text/CSV body or multipart file)",
    openapi_extra=_UPLOAD_BODY,
    responses={**CONFLICT, **MEDIA_TYPE},
    max_body_size=UPLOAD_BODY_LIMIT,
)
async def upload_promocode_values(
    promocode_id: str,
    request: Request,
    ctx: AdminWrite,
    dry_run: Annotated[bool, Query(description="Report without storing anything.")] = False,
) -> UploadReport:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        async with request.form(max_files=1, max_fields=10) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise unprocessable(
                    ("body", "file"), "the multipart form needs a 'file' field", "missing"
                )
            return await promocode_service.upload_values(
                ctx.session, ctx.principal, promocode_id, _read_upload(upload), dry_run=dry_run
            )
    if content_type and content_type not in UPLOAD_CONTENT_TYPES:
        message = (
            f"send the values as text/plain, text/csv or multipart/form-data, not {content_type}"
        )
        raise UnsupportedMediaType(
            detail=message,
            errors=[FieldError(("header", "content-type"), message, "unsupported_media_type")],
        )
    return await promocode_service.upload_values(
        ctx.session, ctx.principal, promocode_id, request.stream(), dry_run=dry_run
    )


@router.post(
    "/{promocode_id}/values/generate",
    summary="Generate random values for a bulk promocode",
    responses=CONFLICT,
)
async def generate_promocode_values(
    promocode_id: str, body: GenerateRequest, ctx: AdminWrite
) -> GenerateReport:
    return await promocode_service.generate_values(ctx.session, ctx.principal, promocode_id, body)


async def _csv_stream(
    principal: Principal, promocode_id: str, prefix: str | None, status: str | None
) -> AsyncIterator[str]:
    # Its own read transaction: the response outlives the request's unit of work.
    async with get_database().unit_of_work(write=False) as session:
        yield csv_header()
        async for rows in promocode_service.iter_values(
            session, principal, promocode_id, prefix=prefix, status=status
        ):
            yield csv_rows(rows)


@router.get(
    "/{promocode_id}/values",
    summary="List a promocode's values, or export them all as CSV",
    response_model=Page[PromocodeValue],
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "A page of values, or (with format=csv or Accept: text/csv) every "
            "value as a streamed CSV with the header "
            "value,status,customer_id,allocated_at,redeemed_at.",
        }
    },
)
async def list_promocode_values(
    promocode_id: str,
    request: Request,
    ctx: Read,
    limit: Limit = DEFAULT_PAGE_LIMIT,
    cursor: Cursor = None,
    q: Annotated[str | None, Query(description="Value prefix (case-insensitive).")] = None,
    status: ValueStatus | None = None,
    format: Annotated[
        Literal["json", "csv"] | None,
        Query(description="csv: every value as a streamed CSV (also Accept: text/csv)."),
    ] = None,
) -> Any:
    wants_csv = format == "csv" or (
        format is None and "text/csv" in request.headers.get("accept", "")
    )
    if wants_csv:
        await promocode_service.get(ctx.session, ctx.principal, promocode_id)
        return StreamingResponse(
            _csv_stream(ctx.principal, promocode_id, q, status),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="promocode-{promocode_id}-values.csv"'
            },
        )
    page = await promocode_service.list_values(
        ctx.session,
        ctx.principal,
        promocode_id,
        limit=limit,
        cursor=cursor,
        prefix=q,
        status=status,
    )
    return Page[PromocodeValue](
        items=[PromocodeValue.model_validate(row) for row in page.items],
        next_cursor=page.next_cursor,
    )
