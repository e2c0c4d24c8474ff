"""Webhooks: endpoints, the transactional outbox of events, deliveries and their attempts, and
the marks that make a threshold event fire once per window (see docs/webhooks.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import (
    Base,
    JSONDoc,
    UTCDateTime,
    created_at_column,
    id_column,
    tenant_column,
    updated_at_column,
)


class WebhookEndpoint(Base):
    """Where a tenant wants its events sent, which ones, and the secret that signs them.

    Secrets are stored encrypted (Fernet, key derived from the process's secret key). During a
    rotation's overlap both the new and the previous secret sign every message."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = id_column()
    tenant_id: Mapped[str] = tenant_column()
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    event_types: Mapped[list[str]] = mapped_column(JSONDoc)
    enabled: Mapped[bool] = mapped_column(Boolean(), default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    secret_enc: Mapped[str] = mapped_column(Text())
    previous_secret_enc: Mapped[str | None] = mapped_column(Text(), nullable=True)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )
    # Deliveries that ended failed since the last successful attempt: past the operator's
    # limit the endpoint is disabled.
    failed_deliveries_in_a_row: Mapped[int] = mapped_column(Integer(), default=0)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()


class WebhookEvent(Base):
    """The outbox: one row per event, written in the transaction of the change that causes
    it; the worker fans it out to the subscribed endpoints (``dispatched_at``)."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        Index(
            "ix_webhook_events_undispatched",
            "id",
            postgresql_where=text("dispatched_at IS NULL"),
            sqlite_where=text("dispatched_at IS NULL"),
        ),
        Index("ix_webhook_events_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[str] = id_column()
    # No foreign key to tenants: written by validation commits (as the ledger, migration 0012).
    tenant_id: Mapped[str] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[Any] = mapped_column(JSONDoc)
    # Deliveries of one endpoint with the same key are sent in event order.
    ordering_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Only for this endpoint (a test event, a redelivery target), not fanned out to all.
    endpoint_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookDelivery(Base):
    """One event to one endpoint: pending until an attempt succeeds (2xx) or the retry
    schedule runs out (failed)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
        Index("ix_webhook_deliveries_order", "endpoint_id", "ordering_key", "status"),
        # Retention purges an event once none of its deliveries is left (migration 0020).
        Index("ix_webhook_deliveries_event", "event_id"),
    )

    id: Mapped[str] = id_column()
    tenant_id: Mapped[str] = tenant_column()
    endpoint_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("webhook_events.id", ondelete="CASCADE")
    )
    event_type: Mapped[str] = mapped_column(String(64))
    ordering_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|succeeded|failed
    attempt_count: Mapped[int] = mapped_column(Integer(), default=0)
    # Attempts made before the last redelivery: the retry schedule restarts from there.
    schedule_offset: Mapped[int] = mapped_column(Integer(), default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A worker's claim: nobody else sends it until then (a dead worker's claim expires).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(36), nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookAttempt(Base):
    """One HTTP attempt of a delivery: when, how long, the status and an excerpt."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "number"),)

    id: Mapped[str] = id_column()
    tenant_id: Mapped[str] = tenant_column()
    delivery_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int] = mapped_column(Integer())
    status_code: Mapped[int | None] = mapped_column(Integer(), nullable=True)
    succeeded: Mapped[bool] = mapped_column(Boolean())
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    response_excerpt: Mapped[str | None] = mapped_column(Text(), nullable=True)


class WebhookThresholdMark(Base):
    """A threshold of one limit reached in one window: inserted with ON CONFLICT DO NOTHING
    in the commit that crosses it, so its event is written exactly once."""

    __tablename__ = "webhook_threshold_marks"

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    promotion_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    limit_key: Mapped[str] = mapped_column(String(400), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    threshold: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[datetime] = created_at_column()
