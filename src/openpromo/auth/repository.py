from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.kit.clock import utcnow
from openpromo.models import ApiKey


class ApiKeyRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id

    async def add(self, key: ApiKey) -> ApiKey:
        key.tenant_id = self.tenant_id
        self.session.add(key)
        await self.session.flush()
        return key

    async def get(self, key_id: str) -> ApiKey | None:
        return await self.session.scalar(
            select(ApiKey).where(ApiKey.tenant_id == self.tenant_id, ApiKey.id == key_id)
        )

    async def list_page(self, *, after_id: str | None, limit: int) -> Sequence[ApiKey]:
        query = select(ApiKey).where(ApiKey.tenant_id == self.tenant_id)
        if after_id is not None:
            query = query.where(ApiKey.id > after_id)
        return (await self.session.scalars(query.order_by(ApiKey.id).limit(limit))).all()

    async def revoke(self, key_id: str) -> None:
        await self.session.execute(
            update(ApiKey)
            .where(ApiKey.tenant_id == self.tenant_id, ApiKey.id == key_id)
            .where(ApiKey.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


async def find_active_key_by_hash(session: AsyncSession, key_hash: str) -> ApiKey | None:
    """The one cross-tenant lookup: resolving which tenant a presented key belongs to."""
    return await session.scalar(
        select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    )
