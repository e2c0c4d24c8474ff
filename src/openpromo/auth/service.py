from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.service import audit_service
from openpromo.auth.key_cache import forget_all_keys
from openpromo.auth.keys import generate_key, hash_key
from openpromo.auth.principal import ROLES, Principal
from openpromo.auth.repository import ApiKeyRepository, find_active_key_by_hash
from openpromo.db import after_commit
from openpromo.errors import NotFound, unprocessable
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.models import ApiKey


def _snapshot(key: ApiKey) -> dict[str, str | None]:
    return {"id": key.id, "name": key.name, "role": key.role, "prefix": key.prefix}


class ApiKeyService:
    async def find_active_by_hash(self, session: AsyncSession, key_hash: str) -> ApiKey | None:
        """The unrevoked key with this hash, whatever its tenant (authentication starts here)."""
        return await find_active_key_by_hash(session, key_hash)

    async def create(
        self, session: AsyncSession, principal: Principal, name: str, role: str
    ) -> tuple[ApiKey, str]:
        """Returns the stored key and the plain key, which is never retrievable again."""
        if role not in ROLES:
            raise unprocessable(("body", "role"), f"role must be one of {', '.join(ROLES)}")
        plain, prefix = generate_key()
        key = await ApiKeyRepository(session, principal.tenant_id).add(
            ApiKey(name=name, role=role, prefix=prefix, key_hash=hash_key(plain))
        )
        audit_service.record(
            session, principal, "api_key.create", "api_key", key.id, after=_snapshot(key)
        )
        return key, plain

    async def list(
        self, session: AsyncSession, principal: Principal, *, limit: int, cursor: str | None
    ) -> Slice[ApiKey]:
        after_id = decode_cursor(cursor) if cursor else None
        rows = await ApiKeyRepository(session, principal.tenant_id).list_page(
            after_id=after_id, limit=limit + 1
        )
        return slice_rows(rows, limit, lambda k: k.id)

    async def revoke(self, session: AsyncSession, principal: Principal, key_id: str) -> ApiKey:
        repo = ApiKeyRepository(session, principal.tenant_id)
        key = await repo.get(key_id)
        if key is None:
            raise NotFound(detail=f"API key {key_id} not found")
        if key.revoked_at is None:
            await repo.revoke(key_id)
            after_commit(session, forget_all_keys)
            await session.refresh(key)
            audit_service.record(
                session, principal, "api_key.revoke", "api_key", key.id, before=_snapshot(key)
            )
        return key


api_key_service = ApiKeyService()
