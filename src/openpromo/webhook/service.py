"""Webhooks: endpoints (admin only), the transactional outbox, and the operations on
deliveries (list, redeliver, test). The worker that sends is ``openpromo.webhook.delivery``.

Events are rows of ``webhook_events`` added to the session of the change that causes them
(``emit``): committed with it, gone with its rollback. Other services call ``emit`` (and, on
the validation hot path, ``emit_grants_created`` and ``reach_thresholds``) — see
docs/webhooks.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal
from openpromo.config import get_settings
from openpromo.db import after_commit
from openpromo.errors import Conflict, FieldError, NotFound, Unprocessable
from openpromo.kit.clock import utcnow
from openpromo.kit.ids import new_id, new_ids, uuid_text
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from openpromo.webhook.crypto import new_secret, seal, unseal
from openpromo.webhook.repository import WebhookRepository
from openpromo.webhook.safety import UnsafeUrl, check_destination
from openpromo.webhook.schemas import (
    EVENT_TYPES,
    OPT_IN_TYPES,
    SUBSCRIBABLE,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
)

_WOKEN = "openpromo.webhook.wake"
_wakers: list[Callable[[], None]] = []
# tenant -> (valid until, monotonic seconds; event types some enabled endpoint subscribes to)
_subscriptions: dict[str, tuple[float, frozenset[str]]] = {}


_last_event_id = ["0"]


def event_ids(count: int) -> list[str]:
    """Time-ordered ids that also increase within one millisecond in this process: the
    outbox's id order is the order events were written (per-endpoint order relies on it)."""
    out = []
    for candidate in sorted(new_ids(count)):
        if candidate <= _last_event_id[0]:
            candidate = uuid_text(int(_last_event_id[0].replace("-", ""), 16) + 1)
        _last_event_id[0] = candidate
        out.append(candidate)
    return out


def on_new_events(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each commit of this process that wrote events (the delivery
    loop wakes up at once instead of at its next poll). Returns the function that stops it."""
    _wakers.append(callback)
    return lambda: _wakers.remove(callback) if callback in _wakers else None


def _wake() -> None:
    for callback in list(_wakers):
        callback()


def _after_commit_wake(session: AsyncSession) -> None:
    if not session.info.get(_WOKEN):
        session.info[_WOKEN] = True
        after_commit(session, _wake_and_reset(session))


def _wake_and_reset(session: AsyncSession) -> Callable[[], None]:
    def run() -> None:
        session.info.pop(_WOKEN, None)
        _wake()

    return run


def forget_subscriptions(tenant_id: str | None = None) -> None:
    if tenant_id is None:
        _subscriptions.clear()
    else:
        _subscriptions.pop(tenant_id, None)


def matches(event_types: Sequence[str], event_type: str) -> bool:
    """Whether an endpoint subscribed to ``event_types`` receives ``event_type``."""
    if event_type in event_types:
        return True
    return "*" in event_types and event_type not in OPT_IN_TYPES and event_type in SUBSCRIBABLE


def envelope(event: WebhookEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "tenant_id": event.tenant_id,
        "data": event.payload,
    }


@dataclass
class LimitCrossing:
    """A calendar limit of one promotion that a commit takes past ``threshold`` (0-1]."""

    promotion_id: str
    limit_key: str
    window_start: datetime
    threshold: float
    data: dict[str, Any]
    deactivate: bool = False  # the limit's kill switch is at this threshold
    alert: bool = True  # one of its alert thresholds (else only the kill switch's)


class WebhookService:
    # -- the outbox -----------------------------------------------------------------------------

    async def emit(
        self,
        session: AsyncSession,
        tenant_id: str,
        event_type: str,
        data: dict[str, Any],
        *,
        ordering_key: str | None = None,
        now: datetime | None = None,
    ) -> str:
        """Add one event to the outbox of ``session``'s transaction; its id."""
        assert event_type in EVENT_TYPES, event_type
        [event_id] = event_ids(1)
        await WebhookRepository(session, tenant_id).insert_events(
            [
                {
                    "id": event_id,
                    "type": event_type,
                    "payload": data,
                    "ordering_key": ordering_key,
                    "endpoint_id": None,
                    "created_at": now or utcnow(),
                    "dispatched_at": None,
                }
            ]
        )
        _after_commit_wake(session)
        return event_id

    async def wants(self, session: AsyncSession, tenant_id: str, event_type: str) -> bool:
        """Whether some enabled endpoint of the tenant subscribes to ``event_type`` (cached
        for ``webhook_subscription_cache_seconds``; this process forgets on every change)."""
        cached = _subscriptions.get(tenant_id)
        clock = time.monotonic()
        if cached is None or cached[0] < clock:
            types = frozenset(await WebhookRepository(session, tenant_id).subscribed_types())
            cached = (clock + get_settings().webhook_subscription_cache_seconds, types)
            _subscriptions[tenant_id] = cached
        return matches(tuple(cached[1]), event_type)

    async def emit_grants_created(
        self,
        session: AsyncSession,
        tenant_id: str,
        batches: Sequence[dict[str, Any]],
        now: datetime,
    ) -> None:
        """One ``grants.created`` per committed request (``batches``: each request's data),
        in one statement, only when some endpoint opted in."""
        batches = [b for b in batches if b["grants"]]
        if not batches or not await self.wants(session, tenant_id, "grants.created"):
            return
        ids = event_ids(len(batches))
        await WebhookRepository(session, tenant_id).insert_events(
            [
                {
                    "id": event_id,
                    "type": "grants.created",
                    "payload": data,
                    "ordering_key": None,
                    "endpoint_id": None,
                    "created_at": now,
                    "dispatched_at": None,
                }
                for event_id, data in zip(ids, batches, strict=True)
            ]
        )
        _after_commit_wake(session)

    async def reach_thresholds(
        self, session: AsyncSession, tenant_id: str, crossings: Sequence[LimitCrossing]
    ) -> list[LimitCrossing]:
        """The guarded marks of ``crossings``; for each one this transaction is the first to
        reach in its window, its event (``limit.exhausted`` at 1.0). Returns those."""
        repo = WebhookRepository(session, tenant_id)
        first: list[LimitCrossing] = []
        for crossing in crossings:
            mark = f"{crossing.threshold:g}"
            if not await repo.mark_threshold(
                crossing.promotion_id, crossing.limit_key, crossing.window_start, mark
            ):
                continue
            first.append(crossing)
            if not crossing.alert:
                continue
            data = {**crossing.data, "threshold": crossing.threshold}
            await self.emit(
                session,
                tenant_id,
                "limit.exhausted" if crossing.threshold >= 1 else "limit.threshold_reached",
                data,
                ordering_key=f"promotion:{crossing.promotion_id}",
            )
        return first

    async def pool_exhausted(
        self,
        session: AsyncSession,
        tenant_id: str,
        promotion_id: str,
        promocode_id: str,
        pool_since: datetime,
        data: dict[str, Any],
    ) -> None:
        """``promocode.pool_exhausted`` once per pool (``pool_since``: when its values last
        changed — an upload or generation starts a new pool)."""
        repo = WebhookRepository(session, tenant_id)
        if await repo.mark_threshold(promotion_id, f"pool:{promocode_id}", pool_since, "empty"):
            await self.emit(
                session,
                tenant_id,
                "promocode.pool_exhausted",
                data,
                ordering_key=f"promotion:{promotion_id}",
            )

    async def pool_low(
        self,
        session: AsyncSession,
        tenant_id: str,
        promotion_id: str,
        promocode_id: str,
        pool_since: datetime,
        data: dict[str, Any],
    ) -> bool:
        """``promocode.pool_low`` once per pool (``pool_since`` as for ``pool_exhausted``):
        the guarded mark makes concurrent commits that all see the pool low send it once."""
        repo = WebhookRepository(session, tenant_id)
        if not await repo.mark_threshold(promotion_id, f"pool:{promocode_id}", pool_since, "low"):
            return False
        await self.emit(
            session,
            tenant_id,
            "promocode.pool_low",
            data,
            ordering_key=f"promotion:{promotion_id}",
        )
        return True

    # -- endpoints ----------------------------------------------------------------------------

    async def create(
        self, session: AsyncSession, principal: Principal, body: WebhookEndpointCreate
    ) -> tuple[WebhookEndpoint, str]:
        """The new endpoint and its secret (shown once)."""
        await self._check(body.url, body.event_types)
        secret = new_secret()
        endpoint = WebhookEndpoint(
            id=new_id(),
            url=body.url,
            description=body.description,
            event_types=list(dict.fromkeys(body.event_types)),
            enabled=body.enabled,
            secret_enc=seal(secret),
            failed_deliveries_in_a_row=0,
        )
        repo = WebhookRepository(session, principal.tenant_id)
        repo.add(endpoint)
        await session.flush()
        forget_subscriptions(principal.tenant_id)
        audit_service.record(
            session,
            principal,
            "webhook_endpoint.create",
            "webhook_endpoint",
            endpoint.id,
            after=_snapshot(endpoint),
        )
        return endpoint, secret

    async def list_endpoints(
        self, session: AsyncSession, principal: Principal
    ) -> Sequence[WebhookEndpoint]:
        return await WebhookRepository(session, principal.tenant_id).list_endpoints()

    async def get(
        self, session: AsyncSession, principal: Principal, endpoint_id: str, *, lock: bool = False
    ) -> WebhookEndpoint:
        endpoint = await WebhookRepository(session, principal.tenant_id).get_endpoint(
            endpoint_id, for_update=lock
        )
        if endpoint is None:
            raise NotFound(detail=f"webhook endpoint {endpoint_id} not found")
        return endpoint

    async def update(
        self,
        session: AsyncSession,
        principal: Principal,
        endpoint_id: str,
        body: WebhookEndpointUpdate,
    ) -> WebhookEndpoint:
        endpoint = await self.get(session, principal, endpoint_id, lock=True)
        changes = body.model_dump(exclude_unset=True)
        nulls = [
            FieldError(("body", k), "cannot be null", "null_not_allowed")
            for k, v in changes.items()
            if v is None
        ]
        if nulls:
            raise Unprocessable(
                detail="; ".join(f"{e.loc[-1]}: {e.msg}" for e in nulls), errors=nulls
            )
        await self._check(changes.get("url"), changes.get("event_types"))
        before = _snapshot(endpoint)
        for key, value in changes.items():
            if key == "event_types":
                value = list(dict.fromkeys(value))
            setattr(endpoint, key, value)
        if changes.get("enabled") is True:
            endpoint.disabled_reason = None
            endpoint.failed_deliveries_in_a_row = 0
        await session.flush()
        forget_subscriptions(principal.tenant_id)
        audit_service.record(
            session,
            principal,
            "webhook_endpoint.update",
            "webhook_endpoint",
            endpoint.id,
            before=before,
            after=_snapshot(endpoint),
        )
        return endpoint

    async def delete(self, session: AsyncSession, principal: Principal, endpoint_id: str) -> None:
        endpoint = await self.get(session, principal, endpoint_id, lock=True)
        before = _snapshot(endpoint)
        await WebhookRepository(session, principal.tenant_id).delete_endpoint(endpoint)
        await session.flush()
        forget_subscriptions(principal.tenant_id)
        audit_service.record(
            session,
            principal,
            "webhook_endpoint.delete",
            "webhook_endpoint",
            endpoint_id,
            before=before,
        )

    async def rotate_secret(
        self,
        session: AsyncSession,
        principal: Principal,
        endpoint_id: str,
        overlap_hours: float | None = None,
        *,
        now: datetime | None = None,
    ) -> tuple[WebhookEndpoint, str]:
        """A new secret (returned once); the previous one keeps signing for the overlap."""
        endpoint = await self.get(session, principal, endpoint_id, lock=True)
        hours = (
            get_settings().webhook_secret_overlap_hours if overlap_hours is None else overlap_hours
        )
        secret = new_secret()
        if hours > 0:
            endpoint.previous_secret_enc = endpoint.secret_enc
            endpoint.previous_secret_expires_at = (now or utcnow()) + timedelta(hours=hours)
        else:
            endpoint.previous_secret_enc = None
            endpoint.previous_secret_expires_at = None
        endpoint.secret_enc = seal(secret)
        await session.flush()
        audit_service.record(
            session,
            principal,
            "webhook_endpoint.rotate_secret",
            "webhook_endpoint",
            endpoint.id,
            after={"previous_secret_expires_at": _iso(endpoint.previous_secret_expires_at)},
        )
        return endpoint, secret

    # -- deliveries ---------------------------------------------------------------------------

    async def deliveries(
        self,
        session: AsyncSession,
        principal: Principal,
        endpoint_id: str,
        *,
        limit: int,
        cursor: str | None,
        status: str | None = None,
    ) -> Slice[WebhookDelivery]:
        await self.get(session, principal, endpoint_id)
        rows = await WebhookRepository(session, principal.tenant_id).list_deliveries(
            endpoint_id,
            after_id=decode_cursor(cursor) if cursor else None,
            limit=limit + 1,
            status=status,
        )
        return slice_rows(rows, limit, lambda d: d.id)

    async def delivery(
        self, session: AsyncSession, principal: Principal, delivery_id: str
    ) -> tuple[WebhookDelivery, WebhookEvent, Sequence[WebhookAttempt]]:
        repo = WebhookRepository(session, principal.tenant_id)
        delivery = await repo.get_delivery(delivery_id)
        if delivery is None:
            raise NotFound(detail=f"webhook delivery {delivery_id} not found")
        event = await repo.get_event(delivery.event_id)
        assert event is not None
        return delivery, event, await repo.attempts(delivery_id)

    async def counts(
        self, session: AsyncSession, principal: Principal, endpoint_id: str
    ) -> dict[str, int]:
        return await WebhookRepository(session, principal.tenant_id).count_deliveries(endpoint_id)

    async def redeliver(
        self,
        session: AsyncSession,
        principal: Principal,
        delivery_id: str,
        *,
        now: datetime | None = None,
    ) -> WebhookDelivery:
        """Send a finished delivery again (same event id), with a fresh retry schedule."""
        delivery = await WebhookRepository(session, principal.tenant_id).get_delivery(
            delivery_id, for_update=True
        )
        if delivery is None:
            raise NotFound(detail=f"webhook delivery {delivery_id} not found")
        if delivery.status == "pending":
            raise Conflict(
                detail="the delivery is still pending (it is retried on its schedule)",
                code="delivery_pending",
            )
        _restart(delivery, now or utcnow())
        await session.flush()
        _after_commit_wake(session)
        return delivery

    async def redeliver_failed(
        self,
        session: AsyncSession,
        principal: Principal,
        endpoint_id: str,
        since: datetime,
        *,
        now: datetime | None = None,
    ) -> int:
        await self.get(session, principal, endpoint_id)
        rows = await WebhookRepository(session, principal.tenant_id).failed_since(
            endpoint_id, since
        )
        moment = now or utcnow()
        for delivery in rows:
            _restart(delivery, moment)
        await session.flush()
        if rows:
            _after_commit_wake(session)
        return len(rows)

    async def send_test(
        self,
        session: AsyncSession,
        principal: Principal,
        endpoint_id: str,
        *,
        now: datetime | None = None,
    ) -> tuple[str, str]:
        """A ``webhook.test`` event for this endpoint only (enabled or not): (event, delivery)."""
        endpoint = await self.get(session, principal, endpoint_id)
        moment = now or utcnow()
        repo = WebhookRepository(session, principal.tenant_id)
        [event_id], delivery_id = event_ids(1), new_id()
        await repo.insert_events(
            [
                {
                    "id": event_id,
                    "type": "webhook.test",
                    "payload": {
                        "message": "a test event from openpromo",
                        "endpoint_id": endpoint.id,
                    },
                    "ordering_key": None,
                    "endpoint_id": endpoint.id,
                    "created_at": moment,
                    "dispatched_at": moment,
                }
            ]
        )
        repo.add(
            WebhookDelivery(
                id=delivery_id,
                endpoint_id=endpoint.id,
                event_id=event_id,
                event_type="webhook.test",
                ordering_key=None,
                status="pending",
                attempt_count=0,
                schedule_offset=0,
                next_attempt_at=moment,
            )
        )
        await session.flush()
        _after_commit_wake(session)
        return event_id, delivery_id

    def secrets_of(self, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
        """The secrets that sign now: the current one, and the previous during its overlap."""
        found = [unseal(endpoint.secret_enc)]
        if (
            endpoint.previous_secret_enc
            and endpoint.previous_secret_expires_at is not None
            and endpoint.previous_secret_expires_at > now
        ):
            found.append(unseal(endpoint.previous_secret_enc))
        return found

    @staticmethod
    async def _check(url: str | None, event_types: Sequence[str] | None) -> None:
        errors: list[FieldError] = []
        if url is not None:
            try:
                await check_destination(url)
            except UnsafeUrl as exc:
                errors.append(FieldError(("body", "url"), f"the URL {exc}", "unsafe_url"))
        for index, event_type in enumerate(event_types or []):
            if event_type != "*" and event_type not in SUBSCRIBABLE:
                errors.append(
                    FieldError(
                        ("body", "event_types", index),
                        f"unknown event type {event_type!r} (see GET /v1/webhook-event-types)",
                        "unknown_event_type",
                    )
                )
        if errors:
            first = errors[0]
            raise Unprocessable(
                detail=f"{'.'.join(str(p) for p in first.loc[1:])}: {first.msg}", errors=errors
            )


def _restart(delivery: WebhookDelivery, now: datetime) -> None:
    delivery.status = "pending"
    delivery.schedule_offset = delivery.attempt_count
    delivery.next_attempt_at = now
    delivery.locked_until = None
    delivery.claim_token = None
    delivery.completed_at = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "enabled": endpoint.enabled,
    }


webhook_service = WebhookService()
