"""All SQL on ``customers``, scoped by tenant here and nowhere else.

Writes are set-based: one statement per batch of up to a few thousand customers, merging the
given values into the stored ones in the database (PostgreSQL ``jsonb ||``, SQLite
``json_patch``), so concurrent writers never lose each other's properties. A JSON ``null``
in a batch removes that property (``jsonb_strip_nulls`` / RFC 7396 merge-patch semantics);
a brand-new customer may keep such a null, which readers treat as "no value".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.customer.ingest import SourcesCache
from openpromo.kit import rawpg
from openpromo.models import Customer, CustomerSyncConfig
from openpromo.models.base import UTCDateTime

IN_CHUNK = 1_000

_C = Customer.__table__.c
RAW_READ_MAX = 100
_PROPERTIES_PG = (
    "SELECT customer_id, properties FROM customers WHERE tenant_id = $1 "
    "AND customer_id = ANY($2::varchar[])"
)
# Built once (validation's hot path).
_PROPERTIES_FOR = {
    # PostgreSQL: one array parameter (no statement rewriting per call); elsewhere an
    # expanding IN.
    True: select(_C.customer_id, _C.properties).where(
        _C.tenant_id == bindparam("tenant_id"),
        _C.customer_id == any_(bindparam("ids", type_=ARRAY(String))),
    ),
    False: select(_C.customer_id, _C.properties).where(
        _C.tenant_id == bindparam("tenant_id"),
        _C.customer_id.in_(bindparam("ids", expanding=True)),
    ),
}

# Rows of a batch share a handful of ``sources`` documents (one per set of keys): they travel
# once, as a jsonb[] parameter, and each row carries an index into it — no per-row parsing.
_PG_UPSERT_SQL = """
    INSERT INTO customers (tenant_id, customer_id, properties, sources, created_at, updated_at)
    SELECT :tenant_id, r.customer_id, CAST(r.properties AS jsonb) {strip_id},
           (CAST(:shapes AS jsonb[]))[r.shape], :now, :now
    FROM unnest(CAST(:customer_ids AS text[]), CAST(:properties AS text[]),
                CAST(:shape_of AS int[])) AS r(customer_id, properties, shape)
    ON CONFLICT (tenant_id, customer_id) DO UPDATE SET
        properties = jsonb_strip_nulls(customers.properties || EXCLUDED.properties),
        sources = jsonb_strip_nulls(customers.sources || EXCLUDED.sources),
        updated_at = EXCLUDED.updated_at
    """

_SQLITE_UPSERT_SQL = """
    INSERT INTO customers (tenant_id, customer_id, properties, sources, created_at, updated_at)
    SELECT :tenant_id, json_extract(value, '$[0]'), {properties},
           json_extract(value, '$[2]'), :now, :now
    FROM json_each(:rows) WHERE true
    ON CONFLICT (tenant_id, customer_id) DO UPDATE SET
        properties = json_patch(customers.properties, excluded.properties),
        sources = json_patch(customers.sources, excluded.sources),
        updated_at = excluded.updated_at
    """


def _statement(sql: str) -> Any:
    return text(sql).bindparams(bindparam("now", type_=UTCDateTime()))


# Verbatim NDJSON lines still hold their customer_id member: the *_VERBATIM statements drop it.
_PG_UPSERT = _statement(_PG_UPSERT_SQL.format(strip_id=""))
_PG_UPSERT_VERBATIM = _statement(_PG_UPSERT_SQL.format(strip_id="- 'customer_id'"))
_SQLITE_UPSERT = _statement(_SQLITE_UPSERT_SQL.format(properties="json_extract(value, '$[1]')"))
_SQLITE_UPSERT_VERBATIM = _statement(
    _SQLITE_UPSERT_SQL.format(
        properties="json_remove(json_extract(value, '$[1]'), '$.customer_id')"
    )
)


class CustomerRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def upsert_batch(
        self, batch: dict[str, dict[str, Any]], sources: SourcesCache, now: datetime
    ) -> None:
        """Merge each customer's values into the stored ones; one statement for the batch."""
        if not batch:
            return
        dumps = json.dumps
        raw: dict[str, str] = getattr(batch, "raw", {})
        if self.dialect == "postgresql":
            shapes: dict[str, int] = {}
            shape_of: list[int] = []
            for values in batch.values():
                doc = sources.for_values(values)
                index = shapes.get(doc)
                if index is None:
                    index = shapes[doc] = len(shapes) + 1
                shape_of.append(index)
            await self.session.execute(
                _PG_UPSERT_VERBATIM if raw else _PG_UPSERT,
                {
                    "tenant_id": self.tenant_id,
                    "now": now,
                    "customer_ids": list(batch),
                    "properties": [raw.get(cid) or dumps(values) for cid, values in batch.items()],
                    "shapes": list(shapes),
                    "shape_of": shape_of,
                },
            )
        else:
            rows = ",".join(
                f"[{dumps(cid)},{raw.get(cid) or dumps(values)},{sources.for_values(values)}]"
                for cid, values in batch.items()
            )
            await self.session.execute(
                _SQLITE_UPSERT_VERBATIM if raw else _SQLITE_UPSERT,
                {"tenant_id": self.tenant_id, "now": now, "rows": f"[{rows}]"},
            )

    async def synchronised_properties(self) -> list[str] | None:
        """The sync configuration's property list (None: no configuration yet)."""
        properties = await self.session.scalar(
            select(CustomerSyncConfig.properties).where(
                CustomerSyncConfig.tenant_id == self.tenant_id
            )
        )
        return None if properties is None else list(properties)

    async def get(self, customer_id: str) -> Customer | None:
        return await self.session.scalar(
            select(Customer).where(
                Customer.tenant_id == self.tenant_id, Customer.customer_id == customer_id
            )
        )

    async def list_page(
        self, *, after: str | None, limit: int, prefix: str | None
    ) -> Sequence[Customer]:
        query = select(Customer).where(Customer.tenant_id == self.tenant_id)
        if prefix:
            query = query.where(Customer.customer_id.startswith(prefix, autoescape=True))
        if after is not None:
            query = query.where(Customer.customer_id > after)
        return (await self.session.scalars(query.order_by(Customer.customer_id).limit(limit))).all()

    async def properties_for(self, customer_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Stored JSON values by customer id (chunks of 1,000 ids per IN list)."""
        found: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(customer_ids))
        postgres = self.session.get_bind().dialect.name == "postgresql"
        if postgres and len(unique) <= RAW_READ_MAX:
            # The hot path (a few customers): straight through asyncpg.
            for customer_id, properties in await rawpg.fetch(
                self.session, _PROPERTIES_PG, self.tenant_id, unique
            ):
                found[customer_id] = properties or {}
            return found
        conn = await self.session.connection()
        statement = _PROPERTIES_FOR[postgres]
        size = max(len(unique), 1) if postgres else IN_CHUNK  # an array has no such limit
        for start in range(0, len(unique), size):
            chunk = unique[start : start + size]
            rows = await conn.execute(statement, {"tenant_id": self.tenant_id, "ids": list(chunk)})
            for customer_id, properties in rows:
                found[customer_id] = properties or {}
        return found

    # -- applying a synchronisation run's staged rows (see openpromo.sync) -------------------

    async def upsert_from_staging(self, run_id: str, now: datetime) -> None:
        merge = (
            "jsonb_strip_nulls(customers.{c} || EXCLUDED.{c})"
            if self.dialect == "postgresql"
            else "json_patch(customers.{c}, excluded.{c})"
        )
        statement = text(
            f"""
            INSERT INTO customers
                (tenant_id, customer_id, properties, sources, created_at, updated_at)
            SELECT :tenant_id, s.customer_id, s.properties, s.sources, :now, :now
            FROM customer_sync_staging AS s WHERE s.run_id = :run_id
            ON CONFLICT (tenant_id, customer_id) DO UPDATE SET
                properties = {merge.format(c="properties")},
                sources = {merge.format(c="sources")},
                updated_at = excluded.updated_at
            """  # noqa: S608 - no user input in the statement text
        ).bindparams(bindparam("now", type_=UTCDateTime()))
        await self.session.execute(
            statement, {"tenant_id": self.tenant_id, "now": now, "run_id": run_id}
        )

    async def remove_keys_unless_staged(
        self, run_id: str, keys: Sequence[str], now: datetime
    ) -> int:
        """Replace mode: customers absent from the run's rows lose the synchronised ``keys``."""
        if not keys:
            return 0
        absent = (
            "NOT EXISTS (SELECT 1 FROM customer_sync_staging AS s "
            "WHERE s.run_id = :run_id AND s.customer_id = customers.customer_id)"
        )
        params: dict[str, Any] = {"tenant_id": self.tenant_id, "run_id": run_id, "now": now}
        if self.dialect == "postgresql":
            statement = text(
                f"""
                UPDATE customers SET properties = properties - CAST(:keys AS text[]),
                    sources = sources - CAST(:keys AS text[]), updated_at = :now
                WHERE tenant_id = :tenant_id AND properties ?| CAST(:keys AS text[])
                AND {absent}
                """  # noqa: S608
            )
            params["keys"] = list(keys)
        else:
            paths = [f":path{i}" for i in range(len(keys))]
            has_any = " OR ".join(f"json_type(properties, {p}) IS NOT NULL" for p in paths)
            statement = text(
                f"""
                UPDATE customers SET properties = json_remove(properties, {", ".join(paths)}),
                    sources = json_remove(sources, {", ".join(paths)}), updated_at = :now
                WHERE tenant_id = :tenant_id AND ({has_any}) AND {absent}
                """  # noqa: S608
            )
            params.update({f"path{i}": f'$."{key}"' for i, key in enumerate(keys)})
        result = await self.session.execute(
            statement.bindparams(bindparam("now", type_=UTCDateTime())), params
        )
        return int(getattr(result, "rowcount", 0) or 0)
