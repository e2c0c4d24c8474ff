"""Webhook endpoints, deliveries and event types (admin only); the event types are also in the
OpenAPI document's ``webhooks`` section (``docs_router``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from openpromo.api.deps import DEFAULT_PAGE_LIMIT, AdminRead, AdminWrite, Cursor, Limit
from openpromo.api.problems import COMMON_ERRORS, CONFLICT
from openpromo.kit.pagination import Page
from openpromo.webhook.schemas import (
    EVENT_TYPES,
    OPT_IN_TYPES,
    DeliveryStatus,
    EventEnvelope,
    RedeliverRequest,
    RedeliverResult,
    SecretRotation,
    TestEventResult,
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryDetail,
    WebhookEndpoint,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
    WebhookEventType,
)
from openpromo.webhook.service import envelope, webhook_service

router = APIRouter(tags=["webhooks"], responses={**COMMON_ERRORS, **CONFLICT})
ENDPOINTS = "/v1/webhook-endpoints"


def _with_secret(endpoint: Any, secret: str) -> WebhookEndpointWithSecret:
    return WebhookEndpointWithSecret.model_validate(
        {**WebhookEndpoint.model_validate(endpoint).model_dump(), "secret": secret}
    )


@router.get(
    "/v1/webhook-event-types",
    summary="Every webhook event type and what its data holds",
    response_model=list[WebhookEventType],
)
async def list_webhook_event_types(ctx: AdminRead) -> list[WebhookEventType]:
    return [
        WebhookEventType(type=t, description=d, opt_in=t in OPT_IN_TYPES)
        for t, d in EVENT_TYPES.items()
    ]


@router.post(
    ENDPOINTS,
    status_code=201,
    summary="Create a webhook endpoint (its secret is shown once, here)",
    response_model=WebhookEndpointWithSecret,
)
async def create_webhook_endpoint(
    body: WebhookEndpointCreate, ctx: AdminWrite
) -> WebhookEndpointWithSecret:
    endpoint, secret = await webhook_service.create(ctx.session, ctx.principal, body)
    return _with_secret(endpoint, secret)


@router.get(ENDPOINTS, summary="List webhook endpoints", response_model=list[WebhookEndpoint])
async def list_webhook_endpoints(ctx: AdminRead) -> list[WebhookEndpoint]:
    rows = await webhook_service.list_endpoints(ctx.session, ctx.principal)
    return [WebhookEndpoint.model_validate(r) for r in rows]


@router.get(
    ENDPOINTS + "/{endpoint_id}", summary="Get a webhook endpoint", response_model=WebhookEndpoint
)
async def get_webhook_endpoint(endpoint_id: str, ctx: AdminRead) -> WebhookEndpoint:
    return WebhookEndpoint.model_validate(
        await webhook_service.get(ctx.session, ctx.principal, endpoint_id)
    )


@router.patch(
    ENDPOINTS + "/{endpoint_id}",
    summary="Change a webhook endpoint (enabling it again resets its failure count)",
    response_model=WebhookEndpoint,
)
async def update_webhook_endpoint(
    endpoint_id: str, body: WebhookEndpointUpdate, ctx: AdminWrite
) -> WebhookEndpoint:
    return WebhookEndpoint.model_validate(
        await webhook_service.update(ctx.session, ctx.principal, endpoint_id, body)
    )


@router.delete(
    ENDPOINTS + "/{endpoint_id}",
    status_code=204,
    summary="Delete a webhook endpoint and its deliveries",
)
async def delete_webhook_endpoint(endpoint_id: str, ctx: AdminWrite) -> Response:
    await webhook_service.delete(ctx.session, ctx.principal, endpoint_id)
    return Response(status_code=204)


@router.post(
    ENDPOINTS + "/{endpoint_id}/rotate-secret",
    summary="Rotate the signing secret; the previous one signs too during the overlap",
    response_model=WebhookEndpointWithSecret,
)
async def rotate_webhook_secret(
    endpoint_id: str, ctx: AdminWrite, body: SecretRotation | None = None
) -> WebhookEndpointWithSecret:
    endpoint, secret = await webhook_service.rotate_secret(
        ctx.session, ctx.principal, endpoint_id, body.overlap_hours if body else None
    )
    return _with_secret(endpoint, secret)


@router.get(
    ENDPOINTS + "/{endpoint_id}/deliveries",
    summary="List an endpoint's deliveries, newest first",
    response_model=Page[WebhookDelivery],
)
async def list_webhook_deliveries(
    endpoint_id: str,
    ctx: AdminRead,
    limit: Limit = DEFAULT_PAGE_LIMIT,
    cursor: Cursor = None,
    status: Annotated[DeliveryStatus | None, Query(description="Only this status.")] = None,
) -> Page[WebhookDelivery]:
    page = await webhook_service.deliveries(
        ctx.session, ctx.principal, endpoint_id, limit=limit, cursor=cursor, status=status
    )
    return Page[WebhookDelivery](
        items=[WebhookDelivery.model_validate(d) for d in page.items],
        next_cursor=page.next_cursor,
    )


@router.post(
    ENDPOINTS + "/{endpoint_id}/redeliver",
    summary="Redeliver every delivery of the endpoint that ended failed since a time",
    response_model=RedeliverResult,
)
async def redeliver_failed_webhooks(
    endpoint_id: str, body: RedeliverRequest, ctx: AdminWrite
) -> RedeliverResult:
    count = await webhook_service.redeliver_failed(
        ctx.session, ctx.principal, endpoint_id, body.since
    )
    return RedeliverResult(redelivered=count)


@router.post(
    ENDPOINTS + "/{endpoint_id}/test",
    status_code=202,
    summary="Send a webhook.test event to this endpoint",
    response_model=TestEventResult,
)
async def send_webhook_test(endpoint_id: str, ctx: AdminWrite) -> TestEventResult:
    event_id, delivery_id = await webhook_service.send_test(ctx.session, ctx.principal, endpoint_id)
    return TestEventResult(event_id=event_id, delivery_id=delivery_id)


@router.get(
    "/v1/webhook-deliveries/{delivery_id}",
    summary="A delivery with its event and every attempt",
    response_model=WebhookDeliveryDetail,
)
async def get_webhook_delivery(delivery_id: str, ctx: AdminRead) -> WebhookDeliveryDetail:
    delivery, event, attempts = await webhook_service.delivery(
        ctx.session, ctx.principal, delivery_id
    )
    return WebhookDeliveryDetail.model_validate(
        {
            **WebhookDelivery.model_validate(delivery).model_dump(),
            "event": envelope(event),
            "attempts": [WebhookAttempt.model_validate(a) for a in attempts],
        }
    )


@router.post(
    "/v1/webhook-deliveries/{delivery_id}/redeliver",
    summary="Send a finished delivery again (same event id, a fresh retry schedule)",
    response_model=WebhookDelivery,
)
async def redeliver_webhook(delivery_id: str, ctx: AdminWrite) -> WebhookDelivery:
    return WebhookDelivery.model_validate(
        await webhook_service.redeliver(ctx.session, ctx.principal, delivery_id)
    )


# The OpenAPI document's ``webhooks`` section: what each event's request looks like.
docs_router = APIRouter()


def _document(event_type: str, description: str) -> None:
    async def receive(body: EventEnvelope) -> None:
        """(documentation only)"""

    docs_router.add_api_route(
        event_type,
        receive,
        methods=["POST"],
        name=f"webhook_{event_type.replace('.', '_')}",
        summary=event_type,
        description=description
        + ("\n\nOpt-in: sent only to endpoints that name it." if event_type in OPT_IN_TYPES else "")
        + "\n\nSigned with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); "
        "answer 2xx within the timeout, or it is retried with backoff for about 24 h.",
        status_code=200,
    )


for _type, _description in EVENT_TYPES.items():
    _document(_type, _description)
