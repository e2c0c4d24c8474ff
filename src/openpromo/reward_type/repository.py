from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select

from openpromo.models import RewardType, RewardTypeImage
from openpromo.repository import TenantScopedRepository


class RewardTypeRepository(TenantScopedRepository):
    """All SQL of reward types, scoped to one tenant in ``_scoped``."""

    def _scoped(self) -> Select[RewardType]:
        return self._select(RewardType)

    async def get_by_key(self, key: str) -> RewardType | None:
        return await self.session.scalar(self._scoped().where(RewardType.key == key))

    async def get_by_key_for_update(self, key: str) -> RewardType | None:
        """Locks the row (PostgreSQL) so that concurrent writes to one type queue up."""
        return await self.session.scalar(
            self._scoped().where(RewardType.key == key).with_for_update()
        )

    async def list_page(
        self, *, after_id: str | None, limit: int, status: str | None
    ) -> Sequence[RewardType]:
        query = self._scoped()
        if status is not None:
            query = query.where(RewardType.status == status)
        if after_id is not None:
            query = query.where(RewardType.id > after_id)
        return (await self.session.scalars(query.order_by(RewardType.id).limit(limit))).all()

    async def list_all(self) -> Sequence[RewardType]:
        return (await self.session.scalars(self._scoped().order_by(RewardType.id))).all()

    async def add(self, reward_type: RewardType) -> RewardType:
        reward_type.tenant_id = self.tenant_id
        self.session.add(reward_type)
        await self.session.flush()
        return reward_type

    async def delete(self, reward_type: RewardType) -> None:
        # The image row goes with it (ON DELETE CASCADE); delete it explicitly too, so that
        # SQLite without foreign keys enforced cannot leave an orphan.
        await self.session.execute(
            self._delete(RewardTypeImage).where(
                RewardTypeImage.reward_type_id == reward_type.id,
            )
        )
        await self.session.delete(reward_type)
        await self.session.flush()

    async def get_image(self, reward_type_id: str) -> RewardTypeImage | None:
        return await self.session.scalar(
            self._select(RewardTypeImage).where(
                RewardTypeImage.reward_type_id == reward_type_id,
            )
        )

    async def put_image(
        self, reward_type_id: str, content_type: str, data: bytes, sha256: str
    ) -> RewardTypeImage:
        image = await self.get_image(reward_type_id)
        if image is None:
            image = RewardTypeImage(reward_type_id=reward_type_id, tenant_id=self.tenant_id)
            self.session.add(image)
        image.content_type = content_type
        image.data = data
        image.size = len(data)
        image.sha256 = sha256
        await self.session.flush()
        return image
