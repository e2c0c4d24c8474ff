from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select

from openpromo.models import PropertyDefinition
from openpromo.repository import TenantScopedRepository


class PropertyDefinitionRepository(TenantScopedRepository):
    """All SQL of property schemas, scoped to one tenant in ``_scoped``."""

    def _scoped(self) -> Select[PropertyDefinition]:
        return self._select(PropertyDefinition)

    async def list_scope(self, scope: str) -> Sequence[PropertyDefinition]:
        query = self._scoped().where(PropertyDefinition.scope == scope)
        return (
            await self.session.scalars(
                query.order_by(PropertyDefinition.position, PropertyDefinition.key)
            )
        ).all()

    async def list_all(self) -> Sequence[PropertyDefinition]:
        return (
            await self.session.scalars(
                self._scoped().order_by(
                    PropertyDefinition.scope, PropertyDefinition.position, PropertyDefinition.key
                )
            )
        ).all()

    async def get(self, scope: str, key: str) -> PropertyDefinition | None:
        return await self.session.scalar(
            self._scoped().where(PropertyDefinition.scope == scope, PropertyDefinition.key == key)
        )

    async def next_position(self, scope: str) -> int:
        highest = await self.session.scalar(
            select(func.max(PropertyDefinition.position)).where(
                self.owns(PropertyDefinition), PropertyDefinition.scope == scope
            )
        )
        return 0 if highest is None else int(highest) + 1

    def add(self, definition: PropertyDefinition) -> None:
        definition.tenant_id = self.tenant_id
        self.session.add(definition)

    async def delete(self, definition: PropertyDefinition) -> None:
        await self.session.delete(definition)

    async def flush(self) -> None:
        await self.session.flush()
