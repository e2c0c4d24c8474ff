"""Webhook wire shapes: endpoints, events (every type documented), deliveries and attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from openpromo.kit.schema import InputModel, OutputModel, Text

# Every event type, with what its ``data`` holds. ``grants.created`` is sent only to endpoints
# that name it (volume); ``"*"`` in an endpoint's ``event_types`` means every other type.
EVENT_TYPES: dict[str, str] = {
    "promotion.activated": "A promotion became active. data: {promotion_id, code, name, "
    "status, version, actor_type, actor_id}",
    "promotion.deactivated": "A promotion was deactivated (by a person, the API, `pause all` "
    "or a kill switch). data: as promotion.activated, plus reason "
    "(manual | pause_all | kill_switch) and, for a kill switch, the limit.",
    "promotion.archived": "A promotion was archived. data: as promotion.activated.",
    "promotion.changed": "A promotion's configuration changed (metadata, properties, tiers, "
    "constraints, budgets). data: as promotion.activated, plus action (e.g. "
    "promotion.set_budgets).",
    "limit.threshold_reached": "An audience cap or reward budget reached one of its alert "
    "thresholds in a calendar window (once per window and threshold). data: {promotion_id, "
    "limit: {kind: audience_cap | reward_budget, reward_type, window, window_start, limit, "
    "used}, threshold (a fraction such as 0.8)}",
    "limit.exhausted": "An audience cap or reward budget is used up in its window (once per "
    "window). data: as limit.threshold_reached, threshold 1.0.",
    "grant.reversed": "A grant was reversed. data: {grant_id, promotion_id, customer_id, "
    "reward_type, value, reference}",
    "promocode.pool_low": "An allocating commit left a bulk promocode with at most its "
    "pool_low_threshold unallocated values (once per pool: again after an upload or "
    "generation). data: {promocode_id, promotion_id, remaining, threshold}",
    "promocode.pool_exhausted": "A bulk promocode had no unallocated value left for a "
    "customer (once per promocode). data: {promocode_id, promotion_id}",
    "promocode.upload_finished": "An upload of promocode values finished. data: "
    "{promocode_id, added, rejected}",
    "promocode.generation_finished": "A generation of promocode values finished. data: "
    "{promocode_id, generated}",
    "customer.import_finished": "A customer import finished. data: {created, updated, rejected}",
    "customer_sync.succeeded": "A customer synchronisation run succeeded. data: {run_id, "
    "trigger, report}",
    "customer_sync.failed": "A customer synchronisation run failed. data: {run_id, trigger, error}",
    "grants.created": "Opt-in (name it explicitly): the grants one committed validation "
    "request made, one event per request. data: {promotion_id, promocode_id, campaign_id, "
    "grants: [{grant_id, customer_id, reward_type, value_minor, reference}]}",
    "reservation.expired": "A reservation was released because it was neither confirmed nor "
    "released in time; everything it held is available again. data: {reservation_id, "
    "promotion_id, customer_id, reference, reserved_until, rewards: [{reward_type, "
    "value_minor}]}",
    "webhook.test": "Sent by `send a test event` to one endpoint only. data: {message}",
}
OPT_IN_TYPES = frozenset({"grants.created"})
SUBSCRIBABLE = frozenset(EVENT_TYPES) - {"webhook.test"}
# An event type as a subscription names it (checked against EVENT_TYPES by the service).
EventTypeName = Annotated[Text, Field(min_length=1, max_length=100)]


class WebhookEndpointCreate(InputModel):
    url: Text = Field(
        min_length=1,
        max_length=2000,
        description="https:// (http:// only if the operator allows it); the host must resolve "
        "to public addresses unless the operator allows private ones.",
    )
    description: Text = Field(default="", max_length=500)
    event_types: list[EventTypeName] = Field(
        min_length=1,
        max_length=50,
        description='Event types to receive; "*" for every type except the opt-in '
        "grants.created, which must be named.",
    )
    enabled: bool = True


class WebhookEndpointUpdate(InputModel):
    url: Text | None = Field(default=None, min_length=1, max_length=2000)
    description: Text | None = Field(default=None, max_length=500)
    event_types: list[EventTypeName] | None = Field(default=None, min_length=1, max_length=50)
    enabled: bool | None = None


class WebhookEndpoint(OutputModel):
    id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    previous_secret_expires_at: datetime | None = Field(
        description="Until then the previous secret also signs (after a rotation)."
    )
    failed_deliveries_in_a_row: int
    created_at: datetime
    updated_at: datetime


class WebhookEndpointWithSecret(WebhookEndpoint):
    secret: str = Field(
        description="The signing secret (whsec_…, Standard Webhooks). Shown only here: on "
        "create and on rotation."
    )


class SecretRotation(InputModel):
    overlap_hours: float | None = Field(
        default=None,
        ge=0,
        le=24 * 7,
        description="How long the previous secret keeps signing (default: the operator's "
        "setting, 24 h).",
    )


class EventEnvelope(BaseModel):
    """The body of every webhook request (signed with Standard Webhooks: headers
    webhook-id = id, webhook-timestamp, webhook-signature)."""

    id: str = Field(description="Stable across retries and redeliveries: deduplicate on it.")
    type: str = Field(description="One of the event types listed in docs/webhooks.md.")
    timestamp: datetime = Field(description="When the event happened (its transaction).")
    tenant_id: str
    data: dict[str, Any]


class WebhookEventType(BaseModel):
    type: str
    description: str
    opt_in: bool


DeliveryStatus = Literal["pending", "succeeded", "failed"]


class WebhookDelivery(OutputModel):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: str
    attempt_count: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    completed_at: datetime | None


class WebhookAttempt(OutputModel):
    number: int
    started_at: datetime
    duration_ms: int
    status_code: int | None
    succeeded: bool
    error: str | None
    response_excerpt: str | None


class WebhookDeliveryDetail(WebhookDelivery):
    event: EventEnvelope
    attempts: list[WebhookAttempt]


class RedeliverRequest(InputModel):
    since: datetime = Field(description="Redeliver every delivery that ended failed since then.")


class RedeliverResult(BaseModel):
    redelivered: int


class TestEventResult(BaseModel):
    event_id: str
    delivery_id: str
