from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.models import AuditEntry


class AuditRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def add(self, entry: AuditEntry) -> None:
        entry.tenant_id = self.tenant_id
        self.session.add(entry)

    async def list_page(
        self,
        *,
        after_id: str | None,
        limit: int,
        object_type: str | None = None,
        object_id: str | None = None,
        action: str | None = None,
        actor_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Sequence[AuditEntry]:
        # Newest first: ids are time-ordered, so the cursor walks ids downwards.
        query = select(AuditEntry).where(AuditEntry.tenant_id == self.tenant_id)
        if after_id is not None:
            query = query.where(AuditEntry.id < after_id)
        if object_type:
            query = query.where(AuditEntry.object_type == object_type)
        if object_id:
            query = query.where(AuditEntry.object_id == object_id)
        if action:
            query = query.where(AuditEntry.action == action)
        if actor_id:
            query = query.where(AuditEntry.actor_id == actor_id)
        if since:
            query = query.where(AuditEntry.created_at >= since)
        if until:
            query = query.where(AuditEntry.created_at < until)
        return (await self.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit))).all()
