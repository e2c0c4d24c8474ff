"""Who is acting: a tenant, a role and an actor (API key, UI user, CLI or the system)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "integration", "read_only"]
ROLES: tuple[Role, ...] = ("admin", "integration", "read_only")

ADMIN: frozenset[str] = frozenset({"admin"})
INTEGRATION: frozenset[str] = frozenset({"admin", "integration"})
ANY_ROLE: frozenset[str] = frozenset(ROLES)


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    role: Role
    actor_type: Literal["api_key", "user", "cli", "system"]
    actor_id: str | None = None

    @classmethod
    def cli(cls, tenant_id: str) -> Principal:
        return cls(tenant_id=tenant_id, role="admin", actor_type="cli", actor_id=None)

    @classmethod
    def system(cls, tenant_id: str) -> Principal:
        return cls(tenant_id=tenant_id, role="admin", actor_type="system", actor_id=None)
