"""All SQL of webhooks: endpoints, the outbox, deliveries, attempts and threshold marks.

Per-tenant statements go through ``TenantScopedRepository``; the delivery worker's scans of
every tenant's outbox and due deliveries are module functions, marked ``# cross-tenant``.
On PostgreSQL the worker's claims use ``FOR UPDATE SKIP LOCKED``: two workers never claim
one row; on SQLite write transactions are serialised (``BEGIN IMMEDIATE``) anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from openpromo.kit.clock import utcnow
from openpromo.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookThresholdMark,
)
from openpromo.repository import TenantScopedRepository


class WebhookRepository(TenantScopedRepository):
    # -- endpoints ----------------------------------------------------------------------------

    def add(self, row: Any) -> None:
        row.tenant_id = self.tenant_id
        self.session.add(row)

    async def get_endpoint(
        self, endpoint_id: str, *, for_update: bool = False
    ) -> WebhookEndpoint | None:
        query = self._select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).first()

    async def list_endpoints(self) -> Sequence[WebhookEndpoint]:
        query = self._select(WebhookEndpoint).order_by(WebhookEndpoint.id)
        return (await self.session.scalars(query)).all()

    async def delete_endpoint(self, endpoint: WebhookEndpoint) -> None:
        await self.session.delete(endpoint)

    async def subscribed_types(self) -> set[str]:
        """Every event type some enabled endpoint of the tenant subscribes to."""
        rows = await self.session.scalars(
            self._select(WebhookEndpoint.event_types).where(WebhookEndpoint.enabled.is_(True))
        )
        return {t for types in rows for t in types}

    # -- events -------------------------------------------------------------------------------

    async def insert_events(self, rows: list[dict[str, Any]]) -> None:
        """Outbox rows written with the change (one statement for a group commit's many)."""
        for row in rows:
            row["tenant_id"] = self.tenant_id
        await self.session.execute(insert(WebhookEvent), rows)

    async def get_event(self, event_id: str) -> WebhookEvent | None:
        return (
            await self.session.scalars(
                self._select(WebhookEvent).where(WebhookEvent.id == event_id)
            )
        ).first()

    async def mark_threshold(
        self, promotion_id: str, limit_key: str, window_start: datetime, threshold: str
    ) -> bool:
        """The guarded insert: true for the one transaction that reaches the threshold first
        in this window (a concurrent one waits for it on the unique key, then inserts
        nothing)."""
        values = {
            "tenant_id": self.tenant_id,
            "promotion_id": promotion_id,
            "limit_key": limit_key,
            "window_start": window_start,
            "threshold": threshold,
        }
        postgres = self.session.get_bind().dialect.name == "postgresql"
        maker = pg_insert if postgres else sqlite_insert
        statement = (
            maker(WebhookThresholdMark)  # tenant-scoped: tenant_id is in the inserted values
            .values(**values, created_at=utcnow())
            .on_conflict_do_nothing()
            .returning(WebhookThresholdMark.threshold)
        )
        return (await self.session.execute(statement)).first() is not None

    # -- deliveries ---------------------------------------------------------------------------

    async def list_deliveries(
        self,
        endpoint_id: str,
        *,
        after_id: str | None,
        limit: int,
        status: str | None = None,
    ) -> Sequence[WebhookDelivery]:
        query = self._select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        if after_id is not None:
            query = query.where(WebhookDelivery.id < after_id)
        if status is not None:
            query = query.where(WebhookDelivery.status == status)
        return (
            await self.session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit))
        ).all()

    async def get_delivery(
        self, delivery_id: str, *, for_update: bool = False
    ) -> WebhookDelivery | None:
        query = self._select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).first()

    async def attempts(self, delivery_id: str) -> Sequence[WebhookAttempt]:
        query = (
            self._select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.number)
        )
        return (await self.session.scalars(query)).all()

    async def failed_since(self, endpoint_id: str, since: datetime) -> Sequence[WebhookDelivery]:
        query = (
            self._select(WebhookDelivery)
            .where(
                WebhookDelivery.endpoint_id == endpoint_id,
                WebhookDelivery.status == "failed",
                WebhookDelivery.completed_at >= since,
            )
            .with_for_update()
        )
        return (await self.session.scalars(query)).all()

    async def count_deliveries(self, endpoint_id: str) -> dict[str, int]:
        rows = await self.session.execute(
            self._select(WebhookDelivery.status, func.count())
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .group_by(WebhookDelivery.status)
        )
        return {status: int(count) for status, count in rows}


# -- cross-tenant statements of the delivery worker ----------------------------------------------


async def undispatched_events(session: AsyncSession, limit: int) -> Sequence[WebhookEvent]:
    """The oldest events not yet fanned out, locked (skipping those another worker holds)."""
    query = (
        select(WebhookEvent)  # cross-tenant: the worker fans out every tenant's outbox
        .where(WebhookEvent.dispatched_at.is_(None))
        .order_by(WebhookEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(query)).all()


async def enabled_endpoints(
    session: AsyncSession, tenant_ids: Sequence[str]
) -> Sequence[WebhookEndpoint]:
    query = (
        select(WebhookEndpoint)  # cross-tenant: the endpoints of the events being fanned out
        .where(WebhookEndpoint.tenant_id.in_(list(tenant_ids)), WebhookEndpoint.enabled.is_(True))
        .order_by(WebhookEndpoint.id)
    )
    return (await session.scalars(query)).all()


async def insert_deliveries(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        # tenant-scoped: each row carries its event's tenant_id
        await session.execute(insert(WebhookDelivery), rows)


async def mark_dispatched(session: AsyncSession, event_ids: Sequence[str], now: datetime) -> None:
    await session.execute(
        update(WebhookEvent)  # cross-tenant: events fanned out by this worker, by id
        .where(WebhookEvent.id.in_(list(event_ids)))
        .values(dispatched_at=now)
    )


async def claim_due(
    session: AsyncSession, now: datetime, lease_until: datetime, token: str, limit: int
) -> list[str]:
    """Claim up to ``limit`` due deliveries for this worker until ``lease_until``. A delivery
    waits while one of an older event (event ids are time-ordered) to its endpoint with the
    same ordering key is still pending."""
    earlier = aliased(WebhookDelivery)
    blocked = exists().where(  # cross-tenant: the same endpoint's earlier deliveries
        earlier.endpoint_id == WebhookDelivery.endpoint_id,
        earlier.ordering_key == WebhookDelivery.ordering_key,
        earlier.status == "pending",
        earlier.event_id < WebhookDelivery.event_id,
    )
    live = exists().where(  # cross-tenant: the delivery's own endpoint
        WebhookEndpoint.id == WebhookDelivery.endpoint_id, WebhookEndpoint.enabled.is_(True)
    )
    query = (
        select(WebhookDelivery.id)  # cross-tenant: the worker sends every tenant's deliveries
        .where(
            WebhookDelivery.status == "pending",
            # A disabled endpoint's deliveries wait for it (a test event is sent anyway).
            or_(WebhookDelivery.event_type == "webhook.test", live),
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
            or_(WebhookDelivery.ordering_key.is_(None), ~blocked),
        )
        .order_by(WebhookDelivery.event_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list((await session.scalars(query)).all())
    if ids:
        await session.execute(
            update(WebhookDelivery)  # cross-tenant: the rows just locked above, by id
            .where(WebhookDelivery.id.in_(ids))
            .values(locked_until=lease_until, claim_token=token)
        )
    return ids


async def claimed(
    session: AsyncSession, ids: Sequence[str]
) -> list[tuple[WebhookDelivery, WebhookEvent, WebhookEndpoint]]:
    query = (
        select(WebhookDelivery, WebhookEvent, WebhookEndpoint)  # cross-tenant: claimed ids
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.id.in_(list(ids)))
        .order_by(WebhookDelivery.event_id)
    )
    return [(d, e, p) for d, e, p in (await session.execute(query)).all()]


async def deliveries_with_claim(
    session: AsyncSession, ids: Sequence[str], token: str
) -> dict[str, WebhookDelivery]:
    """The deliveries this worker's claim still holds, locked until the transaction ends."""
    query = (
        select(WebhookDelivery)  # cross-tenant: the worker's own claimed rows, by id and token
        .where(WebhookDelivery.id.in_(list(ids)), WebhookDelivery.claim_token == token)
        .order_by(WebhookDelivery.id)
        .with_for_update()
    )
    return {row.id: row for row in (await session.scalars(query)).all()}


async def endpoints_for_update(
    session: AsyncSession, endpoint_ids: Sequence[str]
) -> dict[str, WebhookEndpoint]:
    if not endpoint_ids:
        return {}
    query = (
        select(WebhookEndpoint)  # cross-tenant: the endpoints of the worker's claimed rows
        .where(WebhookEndpoint.id.in_(list(endpoint_ids)))
        .order_by(WebhookEndpoint.id)
        .with_for_update()
    )
    return {row.id: row for row in (await session.scalars(query)).all()}


async def release_claims(session: AsyncSession, ids: Sequence[str], token: str) -> None:
    await session.execute(
        update(WebhookDelivery)  # cross-tenant: the worker's own claimed rows, by id and token
        .where(WebhookDelivery.id.in_(list(ids)), WebhookDelivery.claim_token == token)
        .values(locked_until=None, claim_token=None)
    )


async def mark_succeeded(
    session: AsyncSession, ids: Sequence[str], token: str, status_code: int, now: datetime
) -> dict[str, tuple[int, str, str]]:
    """Deliveries this worker still holds, succeeded: id -> (attempt number, tenant, endpoint)."""
    table = WebhookDelivery.__table__
    rows = await session.execute(
        update(WebhookDelivery)  # cross-tenant: the worker's own claimed rows, by id and token
        .where(WebhookDelivery.id.in_(list(ids)), WebhookDelivery.claim_token == token)
        .values(
            status="succeeded",
            attempt_count=WebhookDelivery.attempt_count + 1,
            last_status_code=status_code,
            last_error=None,
            locked_until=None,
            claim_token=None,
            completed_at=now,
        )
        .returning(table.c.id, table.c.attempt_count, table.c.tenant_id, table.c.endpoint_id)
    )
    return {row[0]: (int(row[1]), row[2], row[3]) for row in rows}


async def insert_attempts(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        # tenant-scoped: each attempt carries its delivery's tenant_id
        await session.execute(insert(WebhookAttempt), rows)


async def reset_failure_runs(session: AsyncSession, endpoint_ids: Sequence[str]) -> None:
    if endpoint_ids:
        await session.execute(
            update(WebhookEndpoint)  # cross-tenant: the endpoints of the worker's successes
            .where(
                WebhookEndpoint.id.in_(list(endpoint_ids)),
                WebhookEndpoint.failed_deliveries_in_a_row != 0,
            )
            .values(failed_deliveries_in_a_row=0)
        )


def add_attempt(session: AsyncSession, attempt: WebhookAttempt) -> None:
    session.add(attempt)  # tenant-scoped: the attempt carries its delivery's tenant_id


# -- retention (the worker's housekeeping) --------------------------------------------------------

FINISHED = ("succeeded", "failed")


async def purge_deliveries(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    """Up to ``limit`` deliveries that finished (succeeded or failed) before ``cutoff``, with
    their attempts, deleted; how many. Oldest first (ids are time-ordered, so the scan walks
    the primary key from its start, where nearly every row is finished); rows another
    transaction holds (a redelivery in progress) are skipped."""
    query = (
        select(WebhookDelivery.id)  # cross-tenant: retention applies to every tenant alike
        .where(WebhookDelivery.status.in_(FINISHED), WebhookDelivery.completed_at < cutoff)
        .order_by(WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list((await session.scalars(query)).all())
    if ids:
        await session.execute(
            delete(WebhookAttempt).where(  # cross-tenant: the attempts of the rows locked above
                WebhookAttempt.delivery_id.in_(ids)
            )
        )
        await session.execute(
            delete(WebhookDelivery).where(  # cross-tenant: the rows locked above, by id
                WebhookDelivery.id.in_(ids)
            )
        )
    return len(ids)


async def purge_events(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    """Up to ``limit`` events written before ``cutoff``, fanned out, with no delivery left
    (purged, or none was ever due), deleted; how many."""
    remaining = exists().where(  # cross-tenant: the event's own deliveries (by event id)
        WebhookDelivery.event_id == WebhookEvent.id
    )
    query = (
        select(WebhookEvent.id)  # cross-tenant: retention applies to every tenant alike
        .where(
            WebhookEvent.dispatched_at.is_not(None),
            WebhookEvent.created_at < cutoff,
            ~remaining,
        )
        .order_by(WebhookEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list((await session.scalars(query)).all())
    if ids:
        await session.execute(
            delete(WebhookEvent).where(  # cross-tenant: the rows locked above, by id
                WebhookEvent.id.in_(ids)
            )
        )
    return len(ids)
