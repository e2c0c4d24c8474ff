"""The audit log: every configuration change, with who, when, and the state before and after.

Entries are written in the same transaction as the change, so a rolled-back change leaves no
entry and a committed one always has its entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.repository import AuditRepository
from openpromo.auth.principal import Principal
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.models import AuditEntry


class AuditService:
    def record(
        self,
        session: AsyncSession,
        principal: Principal,
        action: str,
        object_type: str,
        object_id: str | None,
        *,
        before: Any = None,
        after: Any = None,
    ) -> None:
        AuditRepository(session, principal.tenant_id).add(
            AuditEntry(
                actor_type=principal.actor_type,
                actor_id=principal.actor_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                before=before,
                after=after,
            )
        )

    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        limit: int,
        cursor: str | None,
        object_type: str | None = None,
        object_id: str | None = None,
        action: str | None = None,
        actor_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Slice[AuditEntry]:
        after_id = decode_cursor(cursor) if cursor else None
        rows = await AuditRepository(session, principal.tenant_id).list_page(
            after_id=after_id,
            limit=limit + 1,
            object_type=object_type,
            object_id=object_id,
            action=action,
            actor_id=actor_id,
            since=since,
            until=until,
        )
        return slice_rows(rows, limit, lambda entry: entry.id)


audit_service = AuditService()
