from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.models import IdempotencyKey


class IdempotencyRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id

    async def get_live(self, key: str, now: datetime) -> IdempotencyKey | None:
        return await self.session.scalar(
            select(IdempotencyKey).where(
                IdempotencyKey.tenant_id == self.tenant_id,
                IdempotencyKey.key == key,
                IdempotencyKey.expires_at > now,
            )
        )

    async def delete_expired(self, key: str, now: datetime) -> None:
        await self.session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.tenant_id == self.tenant_id,
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
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
