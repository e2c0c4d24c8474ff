from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from openpromo.api.deps import DEFAULT_PAGE_LIMIT, Cursor, Limit, Read
from openpromo.api.problems import COMMON_ERRORS
from openpromo.audit.schemas import AuditEntry
from openpromo.audit.service import audit_service
from openpromo.kit.pagination import Page

router = APIRouter(prefix="/v1/audit-log", tags=["audit"], responses=COMMON_ERRORS)


@router.get("", summary="List audit entries, newest first", response_model=Page[AuditEntry])
async def list_audit_log(
    ctx: Read,
    limit: Limit = DEFAULT_PAGE_LIMIT,
    cursor: Cursor = None,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    actor_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditEntry]:
    page = await audit_service.list(
        ctx.session,
        ctx.principal,
        limit=limit,
        cursor=cursor,
        object_type=object_type,
        object_id=object_id,
        action=action,
        actor_id=actor_id,
        since=since,
        until=until,
    )
    return Page[AuditEntry](
        items=[AuditEntry.model_validate(e) for e in page.items], next_cursor=page.next_cursor
    )
