"""All promocode SQL. Every query is scoped by ``tenant_id`` in ``_scoped`` / ``_values``
(``promocode_values`` stores the tenant's and the promocode's integer ``number`` instead of
their ids: ``self.owns`` and ``_number_of`` translate, see docs/promocodes.md).

Bulk value loading stages values in a TEMP table — with ``COPY`` on PostgreSQL, batched
``executemany`` on SQLite — and then moves them with ONE set-based ``INSERT … SELECT`` (see
``merge_staged``): the unique index on ``(tenant_no, lower(value))`` decides, so two loads at
once can never give one value to two promocodes; the loser counts it as already existing.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Sequence
from typing import Any, cast

from sqlalchemy import (
    Integer,
    Select,
    String,
    Table,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.exc import IntegrityError

from openpromo.kit.clock import utcnow
from openpromo.kit.db_errors import is_unique_violation
from openpromo.kit.lines import split_values
from openpromo.models import Promocode, PromocodeCampaign, PromocodeValue
from openpromo.models.promocode_value import ValueStatus
from openpromo.repository import TenantScopedRepository

STAGING = "promocode_values_staging"
_staging = table(STAGING, column("seq", Integer()), column("value", String()))
SQLITE_BATCH = 5_000


def like_escape(text_: str) -> str:
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class PromocodeRepository(TenantScopedRepository):
    def _scoped(self) -> Select[Promocode]:
        return self._select(Promocode)

    def _number_of(self, promocode_id: str) -> Any:
        """The promocode's ``number`` (a scalar subquery, evaluated once per statement)."""
        return (
            select(Promocode.number)
            .where(self.owns(Promocode), Promocode.id == promocode_id)
            .scalar_subquery()
        )

    def _values(self, promocode_id: str) -> Any:
        """The values of one promocode (with ``self.owns(PromocodeValue)`` beside it)."""
        return PromocodeValue.promocode_no == self._number_of(promocode_id)

    def _value_key_index(self) -> list[Any]:
        """The unique index's elements, for ``ON CONFLICT``."""
        return [PromocodeValue.tenant_no, func.lower(PromocodeValue.value)]

    async def numbers(self, promocode_id: str) -> tuple[int, int]:
        """(tenant number, promocode number) of a promocode of this tenant."""
        row = (
            await self.session.execute(
                self._select(Promocode.number)
                .add_columns(self.tenant_number())
                .where(Promocode.id == promocode_id)
            )
        ).one()
        return int(row[1]), int(row[0])

    @property
    def is_postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _insert(self) -> Any:
        return (postgresql.insert if self.is_postgres else sqlite.insert)(
            cast(Table, PromocodeValue.__table__)
        )

    # -- promocodes -----------------------------------------------------------------------

    async def add(self, promocode: Promocode) -> Promocode:
        promocode.tenant_id = self.tenant_id
        self.session.add(promocode)
        await self.session.flush()
        return promocode

    async def get(self, promocode_id: str) -> Promocode | None:
        return await self.session.scalar(self._scoped().where(Promocode.id == promocode_id))

    async def get_for_update(self, promocode_id: str) -> Promocode | None:
        """Locked until the end of the transaction (PostgreSQL; SQLite writers are serialised),
        so a type change and a concurrent redemption cannot interleave."""
        return await self.session.scalar(
            self._scoped()
            .where(Promocode.id == promocode_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def list_page(
        self,
        *,
        after_id: str | None,
        limit: int,
        type_: str | None = None,
        promotion_id: str | None = None,
        campaign_id: str | None = None,
        hidden: bool | None = None,
        search: str | None = None,
        unassigned: bool = False,
    ) -> Sequence[Promocode]:
        query = self._scoped()
        if unassigned:
            query = query.where(Promocode.promotion_id.is_(None))
        if after_id is not None:
            query = query.where(Promocode.id > after_id)
        if type_ is not None:
            query = query.where(Promocode.type == type_)
        if promotion_id is not None:
            query = query.where(Promocode.promotion_id == promotion_id)
        if campaign_id is not None:
            query = query.where(
                exists().where(
                    self.owns(PromocodeCampaign),
                    PromocodeCampaign.promocode_id == Promocode.id,
                    PromocodeCampaign.campaign_id == campaign_id,
                )
            )
        if hidden is not None:
            query = query.where(Promocode.hidden.is_(hidden))
        if search:
            # A value matches exactly (case-insensitively, through the unique index); a name
            # matches on any part.
            by_value = (
                select(PromocodeValue.promocode_no)
                .where(
                    self.owns(PromocodeValue),
                    PromocodeValue.value_key == search.lower(),
                )
                .scalar_subquery()
            )
            query = query.where(
                or_(
                    Promocode.name.ilike(f"%{like_escape(search)}%", escape="\\"),
                    Promocode.number == by_value,
                )
            )
        return (await self.session.scalars(query.order_by(Promocode.id).limit(limit))).all()

    async def counts(self, promocode_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """{promocode_id: {status: count}} in one GROUP BY."""
        if not promocode_ids:
            return {}
        rows = await self.session.execute(
            select(Promocode.id, PromocodeValue.status, func.count())
            .select_from(Promocode)
            .join(PromocodeValue, PromocodeValue.promocode_no == Promocode.number)
            .where(
                self.owns(Promocode),
                self.owns(PromocodeValue),
                Promocode.id.in_(promocode_ids),
            )
            .group_by(Promocode.id, PromocodeValue.status)
        )
        result: dict[str, dict[str, int]] = {}
        for promocode_id, status, count in rows:
            result.setdefault(promocode_id, {})[status] = int(count)
        return result

    async def single_values(self, promocode_ids: Sequence[str]) -> dict[str, str]:
        """The first value of each promocode (the value of shared/single_use ones)."""
        if not promocode_ids:
            return {}
        first = (
            select(func.min(PromocodeValue.id))
            .select_from(Promocode)
            .join(PromocodeValue, PromocodeValue.promocode_no == Promocode.number)
            .where(
                self.owns(Promocode),
                self.owns(PromocodeValue),
                Promocode.id.in_(promocode_ids),
            )
            .group_by(Promocode.id)
        )
        rows = await self.session.execute(
            self._select(Promocode.id, PromocodeValue.value)
            .join(PromocodeValue, PromocodeValue.promocode_no == Promocode.number)
            .where(PromocodeValue.id.in_(first))
        )
        return {promocode_id: value for promocode_id, value in rows}

    async def campaign_ids(self, promocode_ids: Sequence[str]) -> dict[str, list[str]]:
        if not promocode_ids:
            return {}
        rows = await self.session.execute(
            select(PromocodeCampaign.promocode_id, PromocodeCampaign.campaign_id)
            .where(
                self.owns(PromocodeCampaign),
                PromocodeCampaign.promocode_id.in_(promocode_ids),
            )
            .order_by(PromocodeCampaign.campaign_id)
        )
        result: dict[str, list[str]] = {}
        for promocode_id, campaign_id in rows:
            result.setdefault(promocode_id, []).append(campaign_id)
        return result

    async def link_campaign(self, promocode_id: str, campaign_id: str) -> bool:
        """True when the link is new."""
        insert = (postgresql.insert if self.is_postgres else sqlite.insert)(
            cast(Table, PromocodeCampaign.__table__)
        )
        result = await self.session.execute(
            insert.values(
                promocode_id=promocode_id,
                campaign_id=campaign_id,
                tenant_id=self.tenant_id,
                created_at=utcnow(),
            ).on_conflict_do_nothing(index_elements=["promocode_id", "campaign_id"])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def unlink_campaign(self, promocode_id: str, campaign_id: str) -> bool:
        result = await self.session.execute(
            self._delete(PromocodeCampaign).where(
                PromocodeCampaign.promocode_id == promocode_id,
                PromocodeCampaign.campaign_id == campaign_id,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # -- single values --------------------------------------------------------------------

    async def add_value(self, promocode_id: str, value: str) -> bool:
        """False when the value (case-insensitively) already belongs to a promocode."""
        result = await self.session.execute(
            self._insert()
            .values(
                tenant_no=self.tenant_number(),
                promocode_no=self._number_of(promocode_id),
                value=value,
                status="available",
            )
            .on_conflict_do_nothing(index_elements=self._value_key_index())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def owner_of_value(self, value: str) -> str | None:
        return await self.session.scalar(
            select(Promocode.id)
            .join(PromocodeValue, PromocodeValue.promocode_no == Promocode.number)
            .where(
                self.owns(PromocodeValue),
                PromocodeValue.value_key == value.lower(),
                self.owns(Promocode),
            )
        )

    async def resolve_value(self, value: str) -> tuple[Promocode, PromocodeValue] | None:
        row = (
            await self.session.execute(
                select(Promocode, PromocodeValue)
                .join(Promocode, Promocode.number == PromocodeValue.promocode_no)
                .where(
                    self.owns(PromocodeValue),
                    PromocodeValue.value_key == value.lower(),
                    self.owns(Promocode),
                )
            )
        ).first()
        return (row[0], row[1]) if row is not None else None

    async def value_count(self, promocode_id: str) -> int:
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(PromocodeValue)
                .where(self.owns(PromocodeValue), self._values(promocode_id))
            )
            or 0
        )

    async def used_value_count(self, promocode_id: str) -> int:
        """Values allocated or redeemed (a grant has used the promocode)."""
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(PromocodeValue)
                .where(
                    self.owns(PromocodeValue),
                    self._values(promocode_id),
                    PromocodeValue.status != "available",
                )
            )
            or 0
        )

    async def count_values_like(self, like_pattern: str) -> int:
        """Values of the tenant whose key matches a LIKE pattern (``\\`` escapes)."""
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(PromocodeValue)
                .where(
                    self.owns(PromocodeValue),
                    PromocodeValue.value_key.like(like_pattern, escape="\\"),
                )
            )
            or 0
        )

    async def values_page(
        self,
        promocode_id: str,
        *,
        after: tuple[str, int] | None,
        limit: int,
        prefix: str | None = None,
        status: str | None = None,
    ) -> Sequence[Any]:
        """Values by status, then in upload order (the order of the
        ``(promocode_id, status, id)`` index); ``after`` is the last (status, id) seen."""
        query = self._select(
            PromocodeValue.id,
            PromocodeValue.value,
            PromocodeValue.status,
            PromocodeValue.customer_id,
            PromocodeValue.allocated_at,
            PromocodeValue.redeemed_at,
        ).where(self._values(promocode_id))
        if after is not None:
            status_, id_ = after
            query = query.where(
                tuple_(PromocodeValue.status, PromocodeValue.id)
                > tuple_(literal(status_, ValueStatus()), literal(id_, Integer()))
            )
        if status is not None:
            query = query.where(PromocodeValue.status == status)
        if prefix:
            query = query.where(
                PromocodeValue.value_key.like(f"{like_escape(prefix.lower())}%", escape="\\")
            )
        # promocode_no first, like the index: see ledger.repository.POOL_ORDER.
        query = query.order_by(
            PromocodeValue.promocode_no, PromocodeValue.status, PromocodeValue.id
        ).limit(limit)
        return list((await self.session.execute(query)).all())

    # -- bulk loading ---------------------------------------------------------------------

    async def lock_values(self) -> None:
        """Serialise bulk loads of one tenant's values (PostgreSQL; SQLite serialises every
        writer). Without it, two loads inserting the same values in different orders could
        each wait for the other's row: a deadlock, which PostgreSQL resolves by failing one."""
        if self.is_postgres:
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": f"promocode_values:{self.tenant_id}"},
            )

    async def create_staging(self) -> None:
        await self.drop_staging()
        if self.is_postgres:
            await self.session.execute(
                # No sequence column: a default nextval() per row is a third of the COPY.
                # Upload order is the row's ctid (``_staged_order``).
                text(f'CREATE TEMP TABLE {STAGING} (value text COLLATE "C") ON COMMIT DROP')
            )
        else:
            await self.session.execute(
                text(f"CREATE TEMP TABLE {STAGING} (seq INTEGER PRIMARY KEY, value TEXT)")
            )

    async def drop_staging(self) -> None:
        await self.session.execute(text(f"DROP TABLE IF EXISTS {STAGING}"))

    async def truncate_staging(self) -> None:
        # TRUNCATE on PostgreSQL: the next COPY fills fresh pages in order, so ctid stays the
        # upload order (a DELETE would leave room that later rows could fill out of order).
        verb = "TRUNCATE" if self.is_postgres else "DELETE FROM"
        await self.session.execute(text(f"{verb} {STAGING}"))

    async def stage(self, blocks: AsyncIterable[bytes]) -> None:
        """Load values into the staging table; ``blocks`` are ASCII values, one per line,
        each ending with a line feed (PostgreSQL's COPY text format needs no escaping for
        them)."""
        connection = await self.session.connection()
        if self.is_postgres:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.copy_to_table(STAGING, source=blocks, columns=["value"], format="text")
            return
        batch: list[tuple[str]] = []
        async for block in blocks:
            batch.extend((value,) for value in split_values(block))
            if len(batch) >= SQLITE_BATCH:
                await connection.exec_driver_sql(f"INSERT INTO {STAGING} (value) VALUES (?)", batch)  # noqa: S608
                batch = []
        if batch:
            await connection.exec_driver_sql(f"INSERT INTO {STAGING} (value) VALUES (?)", batch)  # noqa: S608

    def _staged_order(self) -> Any:
        """The staged rows' upload order. On PostgreSQL the staging table is a fresh temp table
        that COPY only appends to (in file order) and nothing updates, so ``ctid`` is that
        order; on SQLite the rowid is."""
        return literal_column("ctid") if self.is_postgres else _staging.c.seq

    async def merge_staged(self, promocode_id: str) -> int:
        """Insert the staged values that are new in the tenant; returns how many. Values
        repeated in the staging table are inserted once: the first staged spelling wins.

        Rows go in sorted by key, so the unique index is filled in order (each leaf page
        visited once) instead of at random: on a million values, random order costs more than
        the rest of the upload together (docs/promocodes.md).

        On PostgreSQL, in savepoints, from cheapest to safest:

        1. a plain sorted INSERT of every staged row, no de-duplication and no anti-join: the
           common case (a file of new, distinct values) needs neither, and the unique index
           refuses any value that is not new — a unique violation sends us to
        2. the INSERT of the staged values that are not in the tenant yet (``DISTINCT ON`` +
           anti-join): a third cheaper than ``ON CONFLICT DO NOTHING``, whose speculative
           insertion writes every row twice. Bulk loads of a tenant are serialised
           (``lock_values``), so only a single value added meanwhile by another transaction
           can collide here; that unique violation rolls back and
        3. the same with ``ON CONFLICT DO NOTHING``.

        A file with duplicates or existing values thus pays one failed attempt of (1) more; a
        re-upload of a file fails it on its first row (rows go in key order)."""
        tenant_no, promocode_no = await self.numbers(promocode_id)
        if self.is_postgres:
            await self.session.execute(text("SET LOCAL work_mem = '128MB'"))
            for mode in ("plain", "fresh"):
                try:
                    async with self.session.begin_nested():
                        return await self._insert_staged(tenant_no, promocode_no, mode=mode)
                except IntegrityError as exc:
                    if not is_unique_violation(exc):
                        raise
        return await self._insert_staged(tenant_no, promocode_no, mode="upsert")

    async def _insert_staged(self, tenant_no: int, promocode_no: int, *, mode: str) -> int:
        key = func.lower(_staging.c.value)
        source = select(
            literal(tenant_no, Integer()),
            literal(promocode_no, Integer()),
            _staging.c.value,
        ).order_by(key, self._staged_order())
        # ``status`` is left to its default ('available'): one column less to project.
        columns = ["tenant_no", "promocode_no", "value"]
        if mode == "plain":  # PostgreSQL only: the unique index refuses what is not new
            # No tie-breaker: equal keys cannot both go in, so the order among them is moot.
            source = source.order_by(None).order_by(key)
            statement: Any = self._insert().from_select(columns, source)
        elif mode == "fresh":  # PostgreSQL only (DISTINCT ON)
            source = source.ext(distinct_on(key)).where(
                ~exists().where(self.owns(PromocodeValue), PromocodeValue.value_key == key)
            )
            statement = self._insert().from_select(columns, source)
        else:
            if not self.is_postgres:
                source = source.where(true())  # SQLite: "SELECT … ON CONFLICT" needs a WHERE
            statement = (
                self._insert()
                .from_select(columns, source)
                .on_conflict_do_nothing(index_elements=self._value_key_index())
            )
        result = await self.session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def staged_distinct_count(self) -> int:
        return int(
            await self.session.scalar(
                select(func.count(func.lower(_staging.c.value).distinct())).select_from(_staging)
            )
            or 0
        )

    async def staged_existing_count(self) -> int:
        """Distinct staged values that already exist in the tenant."""
        keys = select(func.lower(_staging.c.value).label("k")).distinct().subquery()
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(keys)
                .where(
                    exists().where(
                        self.owns(PromocodeValue),
                        PromocodeValue.value_key == keys.c.k,
                    )
                )
            )
            or 0
        )
