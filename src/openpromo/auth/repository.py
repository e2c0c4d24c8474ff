from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.kit.clock import utcnow
from openpromo.models import ApiKey
from openpromo.repository import TenantScopedRepository


class ApiKeyRepository(TenantScopedRepository):
    async def add(self, key: ApiKey) -> ApiKey:
        key.tenant_id = self.tenant_id
        self.session.add(key)
        await self.session.flush()
        return key

    async def get(self, key_id: str) -> ApiKey | None:
        return await self.session.scalar(self._select(ApiKey).where(ApiKey.id == key_id))

    async def list_page(self, *, after_id: str | None, limit: int) -> Sequence[ApiKey]:
        query = self._select(ApiKey)
        if after_id is not None:
            query = query.where(ApiKey.id > after_id)
        return (await self.session.scalars(query.order_by(ApiKey.id).limit(limit))).all()

    async def revoke(self, key_id: str) -> None:
        await self.session.execute(
            self._update(ApiKey)
            .where(ApiKey.id == key_id)
            .where(ApiKey.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


async def find_active_key_by_hash(session: AsyncSession, key_hash: str) -> ApiKey | None:
    """The one cross-tenant lookup: resolving which tenant a presented key belongs to."""
    return await session.scalar(  # cross-tenant: the key names its tenant
        select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    )
