from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal
from openpromo.campaign.repository import CampaignRepository
from openpromo.campaign.schemas import Campaign as CampaignOut
from openpromo.campaign.schemas import CampaignCreate, CampaignUpdate
from openpromo.errors import Conflict, ConflictRef, FieldError, NotFound, unprocessable
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.models import Campaign


@dataclass
class DuplicateExternalId(Conflict):
    code: str = "duplicate_external_id"


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    return CampaignOut.model_validate(campaign).model_dump(mode="json", exclude={"updated_at"})


def _utc(values: dict[str, Any]) -> dict[str, Any]:
    """Timestamps as UTC, so the response shows what is stored."""
    return {
        key: value.astimezone(UTC) if isinstance(value, datetime) else value
        for key, value in values.items()
    }


def _check_dates(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise unprocessable(("body", "ends_at"), "ends_at must be after starts_at", "date_order")


class CampaignService:
    async def get(self, session: AsyncSession, principal: Principal, campaign_id: str) -> Campaign:
        campaign = await CampaignRepository(session, principal.tenant_id).get(campaign_id)
        if campaign is None:
            raise NotFound(detail=f"campaign {campaign_id} not found")
        return campaign

    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        limit: int,
        cursor: str | None,
        status: str | None = None,
        channel: str | None = None,
        search: str | None = None,
    ) -> Slice[Campaign]:
        rows = await CampaignRepository(session, principal.tenant_id).list_page(
            after_id=decode_cursor(cursor) if cursor else None,
            limit=limit + 1,
            status=status,
            channel=channel,
            search=search,
        )
        return slice_rows(rows, limit, lambda c: c.id)

    async def create(
        self, session: AsyncSession, principal: Principal, body: CampaignCreate
    ) -> Campaign:
        _check_dates(body.starts_at, body.ends_at)
        repo = CampaignRepository(session, principal.tenant_id)
        campaign = Campaign(**_utc(body.model_dump()))
        await self._save(session, repo, campaign.external_id, lambda: repo.add(campaign))
        audit_service.record(
            session,
            principal,
            "campaign.create",
            "campaign",
            campaign.id,
            after=_snapshot(campaign),
        )
        return campaign

    async def update(
        self, session: AsyncSession, principal: Principal, campaign_id: str, body: CampaignUpdate
    ) -> Campaign:
        campaign = await self.get(session, principal, campaign_id)
        before = _snapshot(campaign)
        changes = _utc(body.model_dump(exclude_unset=True))
        for required in ("name", "status"):
            if required in changes and changes[required] is None:
                raise unprocessable(("body", required), "cannot be null", "null_not_allowed")
        _check_dates(
            changes.get("starts_at", campaign.starts_at), changes.get("ends_at", campaign.ends_at)
        )

        def apply() -> None:
            for field, value in changes.items():
                setattr(campaign, field, value)

        repo = CampaignRepository(session, principal.tenant_id)
        await self._save(session, repo, changes.get("external_id"), apply)
        await session.refresh(campaign)
        audit_service.record(
            session,
            principal,
            "campaign.update",
            "campaign",
            campaign.id,
            before=before,
            after=_snapshot(campaign),
        )
        return campaign

    async def _save(
        self,
        session: AsyncSession,
        repo: CampaignRepository,
        external_id: str | None,
        apply: Callable[[], object],
    ) -> None:
        """Apply the change inside a savepoint (``begin_nested`` flushes what is pending
        first), so a duplicate external id, even one inserted concurrently, is a 409."""
        try:
            async with session.begin_nested():
                apply()
                await session.flush()
        except IntegrityError as exc:
            other = await repo.get_by_external_id(external_id) if external_id else None
            raise DuplicateExternalId(
                detail=f"external_id {external_id!r} is already used by campaign "
                f"{other.id if other else '?'}",
                errors=[
                    FieldError(("body", "external_id"), "already used", "duplicate_external_id")
                ],
                conflicts=[ConflictRef("campaign", other.id, other.external_id, other.name)]
                if other is not None
                else [],
                conflicts_total=1,
            ) from exc


campaign_service = CampaignService()
