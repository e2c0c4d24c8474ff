from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from openpromo.models import AuditEntry
from openpromo.repository import TenantScopedRepository


class AuditRepository(TenantScopedRepository):
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
        query = self._select(AuditEntry)
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
