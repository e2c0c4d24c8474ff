from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal
from openpromo.auth.service import api_key_service
from openpromo.errors import FieldError, NotFound, Unprocessable
from openpromo.models import ApiKey, Tenant
from openpromo.tenant.repository import TenantRepository
from openpromo.tenant.schemas import Tenant as TenantOut
from openpromo.tenant.schemas import TenantUpdate
from openpromo.tenant.validation import currency_error, locale_error, timezone_error
from openpromo.user.service import user_service


@dataclass
class BootstrappedTenant:
    tenant: Tenant
    api_key: ApiKey
    plain_key: str
    admin_email: str
    admin_password: str


def _validate(update: TenantUpdate) -> None:
    problems: list[FieldError] = []
    if update.timezone is not None and (
        err := timezone_error(update.timezone, ("body", "timezone"))
    ):
        problems.append(err)
    if update.default_currency is not None and (
        err := currency_error(update.default_currency, ("body", "default_currency"))
    ):
        problems.append(err)
    if update.locale is not None and (err := locale_error(update.locale, ("body", "locale"))):
        problems.append(err)
    if problems:
        raise Unprocessable(detail="; ".join(p.msg for p in problems), errors=problems)


def _snapshot(tenant: Tenant) -> dict[str, Any]:
    return TenantOut.model_validate(tenant).model_dump(mode="json", exclude={"updated_at"})


class TenantService:
    async def create(
        self,
        session: AsyncSession,
        name: str,
        *,
        timezone: str = "UTC",
        default_currency: str = "EUR",
        week_start: str = "monday",
        locale: str = "en",
        admin_email: str | None = None,
    ) -> BootstrappedTenant:
        """A new tenant with its first admin API key (the only way to get a first key) and its
        first admin UI user (``admin@<slug of the name>.local`` unless given; random password)."""
        _validate(
            TenantUpdate(
                name=name, timezone=timezone, default_currency=default_currency, locale=locale
            )
        )
        tenant = await TenantRepository(session).add(
            Tenant(
                name=name,
                timezone=timezone,
                default_currency=default_currency,
                week_start=week_start,
                locale=locale,
            )
        )
        principal = Principal.system(tenant.id)
        audit_service.record(
            session, principal, "tenant.create", "tenant", tenant.id, after=_snapshot(tenant)
        )
        key, plain = await api_key_service.create(session, principal, "initial admin key", "admin")
        user, password = await user_service.create_first_admin(
            session, principal, name, admin_email
        )
        return BootstrappedTenant(
            tenant=tenant,
            api_key=key,
            plain_key=plain,
            admin_email=user.email,
            admin_password=password,
        )

    async def get(self, session: AsyncSession, tenant_id: str) -> Tenant:
        tenant = await TenantRepository(session).get(tenant_id)
        if tenant is None:
            raise NotFound(detail="tenant not found")
        return tenant

    async def update(
        self, session: AsyncSession, principal: Principal, update: TenantUpdate
    ) -> Tenant:
        _validate(update)
        tenant = await self.get(session, principal.tenant_id)
        before = _snapshot(tenant)
        for field, value in update.model_dump(exclude_unset=True).items():
            if value is None:
                raise Unprocessable(
                    detail=f"{field} cannot be null",
                    errors=[FieldError(("body", field), "cannot be null", "null_not_allowed")],
                )
            setattr(tenant, field, value)
        if tenant.reservation_default_seconds > tenant.reservation_max_seconds:
            field = (
                "reservation_default_seconds"
                if update.reservation_default_seconds is not None
                else "reservation_max_seconds"
            )
            msg = "the default reservation hold cannot exceed the maximum"
            raise Unprocessable(
                detail=msg, errors=[FieldError(("body", field), msg, "value_error")]
            )
        await session.flush()
        await session.refresh(tenant)
        audit_service.record(
            session,
            principal,
            "tenant.update",
            "tenant",
            tenant.id,
            before=before,
            after=_snapshot(tenant),
        )
        return tenant

    async def count(self, session: AsyncSession) -> int:
        return await TenantRepository(session).count()

    async def list_all(self, session: AsyncSession) -> Sequence[Tenant]:
        return await TenantRepository(session).list_all()


tenant_service = TenantService()
