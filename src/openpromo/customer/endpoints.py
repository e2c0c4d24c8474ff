from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from openpromo.api.deps import DEFAULT_PAGE_LIMIT, Cursor, IntegrationWrite, Limit, Read
from openpromo.api.limits import UPLOAD_BODY_LIMIT
from openpromo.api.problems import COMMON_ERRORS, MEDIA_TYPE
from openpromo.customer.ingest import format_of
from openpromo.customer.schemas import Customer, CustomerPut, CustomerPutResult, ImportReport
from openpromo.customer.service import CustomerView, customer_service
from openpromo.errors import FieldError, UnsupportedMediaType, unprocessable
from openpromo.kit.pagination import Page

router = APIRouter(prefix="/v1/customers", tags=["customer"], responses=COMMON_ERRORS)

CustomerId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=128,
        description="The customer's id, percent-encoded (it may contain '/')",
    ),
]
READ_CHUNK = 256 * 1024


def _customer_out(view: CustomerView) -> dict[str, Any]:
    """The SPEC §12 shape; ``grants`` only when the grants domain provides a summary."""
    out = Customer.model_validate(view, from_attributes=True).model_dump(mode="json")
    if view.grants is None:
        out.pop("grants")
    return out


@router.get("", summary="List customers (q: customer_id prefix)", response_model=Page[Customer])
async def list_customers(
    ctx: Read,
    limit: Limit = DEFAULT_PAGE_LIMIT,
    cursor: Cursor = None,
    q: Annotated[str | None, Query(max_length=128, description="customer_id prefix")] = None,
) -> JSONResponse:
    page = await customer_service.list(ctx.session, ctx.principal, limit=limit, cursor=cursor, q=q)
    return JSONResponse(
        {"items": [_customer_out(v) for v in page.items], "next_cursor": page.next_cursor}
    )


_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "NDJSON (one object per line: customer_id and property values) or CSV "
        "(a header row with a customer_id column), as the raw body or a multipart `file`.",
        "content": {
            "application/x-ndjson": {"schema": {"type": "string"}},
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


async def _read_upload(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(READ_CHUNK):
        yield chunk


@router.post(
    "/import",
    summary="Import customers from a streamed NDJSON or CSV file",
    response_model=ImportReport,
    openapi_extra=_IMPORT_BODY,
    max_body_size=UPLOAD_BODY_LIMIT,
    responses=MEDIA_TYPE,
)
async def import_customers(
    request: Request,
    ctx: IntegrationWrite,
    dry_run: Annotated[bool, Query(description="Validate and report; store nothing")] = False,
    format: Annotated[
        Literal["csv", "ndjson"] | None,
        Query(description="Overrides the format told by the Content-Type or file name"),
    ] = None,
) -> ImportReport:
    content_type = request.headers.get("content-type", "")
    chunks: AsyncIterator[bytes]
    multipart = content_type.lower().startswith("multipart/form-data")
    if multipart:
        form = await request.form(max_files=1, max_fields=10, max_part_size=1024 * 1024)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise unprocessable(("body", "file"), "a multipart upload needs a `file` part")
        fmt = format or format_of(upload.content_type or "", upload.filename)
        chunks = _read_upload(upload)
    else:
        fmt = format or format_of(content_type)
        chunks = request.stream()
    if fmt is None:
        # A media type we do not read is the client's header (or file part) at fault: 415,
        # naming where the type came from, with ?format= as the way out.
        message = (
            "cannot tell the file format: send Content-Type text/csv or application/x-ndjson, "
            "or add ?format=csv|ndjson"
        )
        loc = ("body", "file") if multipart else ("header", "content-type")
        raise UnsupportedMediaType(
            detail=message, errors=[FieldError(loc, message, "unsupported_media_type")]
        )
    report = await customer_service.import_stream(
        ctx.session, ctx.principal, chunks, fmt, dry_run=dry_run
    )
    return ImportReport.of(report, dry_run)


@router.get("/{customer_id:path}", summary="Get a customer's properties", response_model=Customer)
async def get_customer(customer_id: CustomerId, ctx: Read) -> JSONResponse:
    return JSONResponse(
        _customer_out(await customer_service.get(ctx.session, ctx.principal, customer_id))
    )


@router.put(
    "/{customer_id:path}",
    summary="Create or update a customer (validated; merges the given properties)",
    response_model=CustomerPutResult,
)
async def put_customer(
    customer_id: CustomerId, body: CustomerPut, ctx: IntegrationWrite
) -> JSONResponse:
    view, not_stored = await customer_service.put(
        ctx.session, ctx.principal, customer_id, body.properties
    )
    out = _customer_out(view)
    out["not_synchronised"] = not_stored
    out["warnings"] = [
        f"property '{key}' is in the customer schema but not synchronised: not stored"
        for key in not_stored
    ]
    return JSONResponse(out)
