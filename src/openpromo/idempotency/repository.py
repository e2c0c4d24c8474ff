from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, tuple_
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


PURGE_BATCH = 5_000


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    """Background housekeeping across tenants: up to ``PURGE_BATCH`` expired keys.

    Safe in any number of processes at once: the rows are taken ``FOR UPDATE SKIP LOCKED``
    (PostgreSQL), so two purges delete different keys and neither waits for the other's
    locks; a bounded batch keeps each transaction short (a day of keys of a busy tenant
    purged in one statement held its row locks for as long as that took)."""
    doomed = (
        select(IdempotencyKey.tenant_id, IdempotencyKey.key)  # cross-tenant: housekeeping
        .where(IdempotencyKey.expires_at <= now)
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(  # cross-tenant: housekeeping of every tenant's keys
        delete(IdempotencyKey).where(
            tuple_(IdempotencyKey.tenant_id, IdempotencyKey.key).in_(doomed)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
