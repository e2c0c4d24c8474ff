from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.models import User
from openpromo.repository import TenantScopedRepository


class UserRepository(TenantScopedRepository):
    async def add(self, user: User) -> User:
        user.tenant_id = self.tenant_id
        self.session.add(user)
        await self.session.flush()
        return user

    async def get(self, user_id: str) -> User | None:
        return await self.session.scalar(self._select(User).where(User.id == user_id))

    async def list_page(self, *, after_id: str | None, limit: int) -> Sequence[User]:
        query = self._select(User)
        if after_id is not None:
            query = query.where(User.id > after_id)
        return (await self.session.scalars(query.order_by(User.id).limit(limit))).all()

    async def get_many(self, user_ids: Sequence[str]) -> Sequence[User]:
        if not user_ids:
            return []
        return (await self.session.scalars(self._select(User).where(User.id.in_(user_ids)))).all()

    async def get_for_update(self, user_id: str) -> User | None:
        return await self.session.scalar(
            self._select(User).where(User.id == user_id).with_for_update()
        )

    async def lock_active_admins(self) -> list[str]:
        """The ids of the tenant's active admins, locked until the transaction ends (on
        PostgreSQL; SQLite's write transactions are serialised already): two admins demoting
        each other at once cannot both see the other one as the remaining admin."""
        rows = await self.session.scalars(
            self._select(User.id)
            .where(User.role == "admin", User.active.is_(True))
            .order_by(User.id)
            .with_for_update()
        )
        return list(rows)

    async def count(self) -> int:
        return int(
            await self.session.scalar(select(func.count()).select_from(User).where(self.owns(User)))
            or 0
        )

    async def record_login(self, user_id: str, at: datetime, password_hash: str | None) -> None:
        values: dict[str, object] = {"last_login_at": at}
        if password_hash is not None:
            values["password_hash"] = password_hash
        await self.session.execute(self._update(User).where(User.id == user_id).values(values))


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    """The one cross-tenant lookup: login is by e-mail alone, which names the tenant."""
    return await session.scalar(select(User).where(User.email == email))  # cross-tenant: login
