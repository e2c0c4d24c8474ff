from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, or_

from openpromo.models import Campaign
from openpromo.repository import TenantScopedRepository


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CampaignRepository(TenantScopedRepository):
    """All campaign SQL, scoped to one tenant in ``_scoped``."""

    def _scoped(self) -> Select[Campaign]:
        return self._select(Campaign)

    def add(self, campaign: Campaign) -> Campaign:
        campaign.tenant_id = self.tenant_id
        self.session.add(campaign)
        return campaign

    async def get(self, campaign_id: str) -> Campaign | None:
        return await self.session.scalar(self._scoped().where(Campaign.id == campaign_id))

    async def get_by_external_id(self, external_id: str) -> Campaign | None:
        return await self.session.scalar(self._scoped().where(Campaign.external_id == external_id))

    async def list_page(
        self,
        *,
        after_id: str | None,
        limit: int,
        status: str | None = None,
        channel: str | None = None,
        search: str | None = None,
    ) -> Sequence[Campaign]:
        query = self._scoped()
        if after_id is not None:
            query = query.where(Campaign.id > after_id)
        if status is not None:
            query = query.where(Campaign.status == status)
        if channel is not None:
            query = query.where(Campaign.channel == channel)
        if search:
            pattern = f"%{like_escape(search)}%"
            query = query.where(
                or_(
                    Campaign.name.ilike(pattern, escape="\\"),
                    Campaign.external_id.ilike(pattern, escape="\\"),
                )
            )
        return (await self.session.scalars(query.order_by(Campaign.id).limit(limit))).all()
