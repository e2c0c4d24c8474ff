from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Select, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from openpromo.models import Promotion
from openpromo.repository import TenantScopedRepository


class PromotionRepository(TenantScopedRepository):
    """All promotion SQL, scoped to one tenant in ``_scoped``."""

    def _scoped(self) -> Select[Promotion]:
        return self._select(Promotion)

    async def add(self, promotion: Promotion) -> Promotion:
        promotion.tenant_id = self.tenant_id
        self.session.add(promotion)
        await self.session.flush()
        return promotion

    async def get(self, promotion_id: str) -> Promotion | None:
        return await self.session.scalar(self._scoped().where(Promotion.id == promotion_id))

    async def get_for_update(self, promotion_id: str) -> Promotion | None:
        """The row locked until the end of the transaction (PostgreSQL; SQLite write
        transactions are serialised anyway), so concurrent edits queue instead of one
        silently overwriting the other. Refreshed, in case the session held a stale copy."""
        return await self.session.scalar(
            self._scoped()
            .where(Promotion.id == promotion_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def active_ids(self) -> list[str]:
        rows = await self.session.scalars(
            self._select(Promotion.id).where(Promotion.status == "active").order_by(Promotion.id)
        )
        return list(rows)

    async def list_page(
        self,
        *,
        after_id: str | None,
        limit: int,
        status: str | None = None,
        search: str | None = None,
    ) -> Sequence[Promotion]:
        query = self._scoped()
        if after_id is not None:
            query = query.where(Promotion.id > after_id)
        if status is not None:
            query = query.where(Promotion.status == status)
        if search:
            pattern = search.lower()
            query = query.where(
                or_(
                    func.lower(Promotion.name).contains(pattern, autoescape=True),
                    func.lower(Promotion.code).contains(pattern, autoescape=True),
                )
            )
        return (await self.session.scalars(query.order_by(Promotion.id).limit(limit))).all()

    async def list_all(self, *, status: str | None = None) -> Sequence[Promotion]:
        query = self._scoped()
        if status is not None:
            query = query.where(Promotion.status == status)
        return (await self.session.scalars(query.order_by(Promotion.id))).all()

    async def live_code_taken(self, code: str, *, except_id: str | None = None) -> bool:
        query = select(
            exists().where(
                self.owns(Promotion),
                Promotion.status != "archived",
                func.lower(Promotion.code) == code.lower(),
                *([Promotion.id != except_id] if except_id else []),
            )
        )
        return bool(await self.session.scalar(query))

    async def live_by_code(self, code: str, *, except_id: str | None = None) -> Promotion | None:
        """The non-archived promotion that has ``code`` (case-insensitively), if any."""
        return await self.session.scalar(
            self._select(Promotion).where(
                Promotion.status != "archived",
                func.lower(Promotion.code) == code.lower(),
                *([Promotion.id != except_id] if except_id else []),
            )
        )

    async def live_codes_starting_with(self, prefix: str) -> set[str]:
        """Lower-cased codes of non-archived promotions that start with ``prefix``."""
        rows = await self.session.scalars(
            select(func.lower(Promotion.code)).where(
                self.owns(Promotion),
                Promotion.status != "archived",
                func.lower(Promotion.code).startswith(prefix.lower(), autoescape=True),
            )
        )
        return set(rows.all())

    async def bump_version(self, promotion: Promotion) -> None:
        """``version = version + 1`` in SQL (never read-modify-write), then reloads the row."""
        promotion.version = Promotion.version + 1
        await self.session.flush()
        await self.session.refresh(promotion)

    async def referencing(
        self, *, property_ref: str | None = None, reward_type: str | None = None
    ) -> list[tuple[str, str, str]]:
        """(id, code, name) of non-archived promotions whose denormalised reference lists contain
        ``property_ref`` ("scope.key") or ``reward_type``: one indexed-by-tenant query."""
        conditions: list[ColumnElement[bool]] = []
        if property_ref is not None:
            conditions.append(
                self._json_list_contains(Promotion.referenced_properties, property_ref)
            )
        if reward_type is not None:
            conditions.append(
                self._json_list_contains(Promotion.referenced_reward_types, reward_type)
            )
        if not conditions:
            return []
        rows = await self.session.execute(
            select(Promotion.id, Promotion.code, Promotion.name)
            .where(self.owns(Promotion), Promotion.status != "archived")
            .where(or_(*conditions))
            .order_by(Promotion.name, Promotion.id)
        )
        return [(row.id, row.code, row.name) for row in rows]

    def _json_list_contains(self, column: Any, value: str) -> ColumnElement[bool]:
        bind = self.session.get_bind()
        if bind.dialect.name == "postgresql":
            return cast(ColumnElement[bool], column.op("@>")(literal([value], JSONB)))
        items = func.json_each(column).table_valued("value")
        return exists(select(literal(1)).select_from(items).where(items.c.value == value))
