from __future__ import annotations

from fastapi import APIRouter

from openpromo.api.deps import AdminWrite, Read
from openpromo.api.problems import COMMON_ERRORS
from openpromo.tenant.schemas import Tenant, TenantUpdate
from openpromo.tenant.service import tenant_service

router = APIRouter(prefix="/v1/tenant", tags=["tenant"], responses=COMMON_ERRORS)


@router.get("", summary="Get the tenant's metadata", response_model=Tenant)
async def get_tenant(ctx: Read) -> Tenant:
    return Tenant.model_validate(await tenant_service.get(ctx.session, ctx.tenant_id))


@router.patch("", summary="Update the tenant's metadata (partial, all-or-nothing)")
async def update_tenant(body: TenantUpdate, ctx: AdminWrite) -> Tenant:
    return Tenant.model_validate(await tenant_service.update(ctx.session, ctx.principal, body))
