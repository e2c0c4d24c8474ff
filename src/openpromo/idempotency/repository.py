from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.models import IdempotencyKey
from openpromo.repository import TenantScopedRepository


class IdempotencyRepository(TenantScopedRepository):
    async def get_live(self, key: str, now: datetime) -> IdempotencyKey | None:
        return await self.session.scalar(
            self._select(IdempotencyKey).where(
                IdempotencyKey.key == key,
                IdempotencyKey.expires_at > now,
            )
        )

    async def delete_expired(self, key: str, now: datetime) -> None:
        await self.session.execute(
            self._delete(IdempotencyKey).where(
                IdempotencyKey.key == key,
                IdempotencyKey.expires_at <= now,
            )
        )

    async def claim(self, row: IdempotencyKey) -> bool:
        """Insert the key in a savepoint; False if another request holds it already.

        On PostgreSQL a concurrent holder makes this insert wait until the holder commits or
        rolls back, so a False answer means the holder's response is now readable.
        """
        row.tenant_id = self.tenant_id
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError:
            return False
        return True


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    """Background housekeeping across tenants."""
    result = await session.execute(  # cross-tenant: housekeeping of every tenant's keys
        delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now)
    )
    return int(getattr(result, "rowcount", 0) or 0)
