"""All SQL on ``customers``, scoped by tenant here and nowhere else.

Writes are set-based: one statement per batch of up to a few thousand customers, merging the
given values into the stored ones in the database (PostgreSQL ``jsonb ||``, SQLite
``json_patch``), so concurrent writers never lose each other's properties. A JSON ``null``
in a batch removes that property (``jsonb_strip_nulls`` / RFC 7396 merge-patch semantics);
a brand-new customer may keep such a null, which readers treat as "no value".

Provenance is stored compactly: ``stamp`` is the source and time of the write that last set
the row (``"i1764092466151982"``, see ``ingest.source_stamp``) and applies to every property
that ``sources`` does not name; ``sources`` holds the stamps of the properties an earlier
write set and a later write did not touch (usually none: NULL). A merge moves the untouched
properties' stamps into ``sources`` and gives the row the new stamp — computed in the same
statement, so it is as concurrent-safe as the merge itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from openpromo.kit import rawpg
from openpromo.models import Customer, CustomerSyncConfig
from openpromo.models.base import UTCDateTime
from openpromo.repository import TenantScopedRepository, tenant_bound

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
        tenant_bound(_C),
        _C.customer_id == any_(bindparam("ids", type_=ARRAY(String))),
    ),
    False: select(_C.customer_id, _C.properties).where(
        tenant_bound(_C),
        _C.customer_id.in_(bindparam("ids", expanding=True)),
    ),
}

# The ON CONFLICT part shared by imports, API writes and sync runs: merge the values, keep the
# stamps of the stored properties the write leaves alone, take the write's stamp.
_PG_MERGE = """
    ON CONFLICT (tenant_id, customer_id) DO UPDATE SET
        properties = jsonb_strip_nulls(customers.properties || EXCLUDED.properties),
        sources = (
            SELECT jsonb_object_agg(k, COALESCE(customers.sources -> k, to_jsonb(customers.stamp)))
            FROM jsonb_each(customers.properties) AS p(k, v)
            WHERE v <> 'null'::jsonb AND NOT EXCLUDED.properties ? k
        ),
        stamp = EXCLUDED.stamp,
        updated_at = EXCLUDED.updated_at
"""
_SQLITE_MERGE = """
    ON CONFLICT (tenant_id, customer_id) DO UPDATE SET
        properties = json_patch(customers.properties, excluded.properties),
        sources = (
            SELECT nullif(json_group_object(
                p.key, coalesce(json_extract(customers.sources, '$."' || p.key || '"'),
                                customers.stamp)), '{{}}')
            FROM json_each(customers.properties) AS p
            WHERE p.type <> 'null'
            AND json_type(excluded.properties, '$."' || p.key || '"') IS NULL
        ),
        stamp = excluded.stamp,
        updated_at = excluded.updated_at
"""

_PG_INSERT_SQL = """
    INSERT INTO customers
        (tenant_id, customer_id, properties, sources, stamp, created_at, updated_at)
    SELECT :tenant_id, r.customer_id, CAST(r.properties AS jsonb) {strip_id}, NULL, :stamp,
           :now, :now
    FROM unnest(CAST(:customer_ids AS text[]), CAST(:properties AS text[]))
        AS r(customer_id, properties)
"""
_PG_UPSERT_SQL = _PG_INSERT_SQL + _PG_MERGE

_SQLITE_UPSERT_SQL = (
    """
    INSERT INTO customers
        (tenant_id, customer_id, properties, sources, stamp, created_at, updated_at)
    SELECT :tenant_id, json_extract(value, '$[0]'), {properties}, NULL, :stamp, :now, :now
    FROM json_each(:rows) WHERE true
    """  # noqa: S608 - constant SQL fragments only
    + _SQLITE_MERGE
)


def _statement(sql: str) -> Any:
    return text(sql).bindparams(bindparam("now", type_=UTCDateTime()))


# Verbatim NDJSON lines still hold their customer_id member: the *_VERBATIM statements drop it.
_PG_UPSERT = _statement(_PG_UPSERT_SQL.format(strip_id=""))
_PG_UPSERT_VERBATIM = _statement(_PG_UPSERT_SQL.format(strip_id="- 'customer_id'"))
# New customers only (see ``insert_new_batch``): no ON CONFLICT.
_PG_INSERT = _statement(_PG_INSERT_SQL.format(strip_id=""))
_PG_INSERT_VERBATIM = _statement(_PG_INSERT_SQL.format(strip_id="- 'customer_id'"))
_SQLITE_UPSERT = _statement(_SQLITE_UPSERT_SQL.format(properties="json_extract(value, '$[1]')"))
_SQLITE_UPSERT_VERBATIM = _statement(
    _SQLITE_UPSERT_SQL.format(
        properties="json_remove(json_extract(value, '$[1]'), '$.customer_id')"
    )
)


class CustomerRepository(TenantScopedRepository):
    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def upsert_batch(
        self, batch: dict[str, dict[str, Any]], stamp: str, now: datetime
    ) -> None:
        """Merge each customer's values into the stored ones; one statement for the batch."""
        if not batch:
            return
        raw: dict[str, str] = getattr(batch, "raw", {})
        if self.dialect == "postgresql":
            statement = _PG_UPSERT_VERBATIM if raw else _PG_UPSERT
            await self.session.execute(statement, self._pg_params(batch, stamp, now))
        else:
            dumps = json.dumps
            rows = ",".join(
                f"[{dumps(cid)},{raw.get(cid) or dumps(values)}]" for cid, values in batch.items()
            )
            await self.session.execute(
                _SQLITE_UPSERT_VERBATIM if raw else _SQLITE_UPSERT,
                {"tenant_id": self.tenant_id, "now": now, "stamp": stamp, "rows": f"[{rows}]"},
            )

    async def insert_new_batch(
        self, batch: dict[str, dict[str, Any]], stamp: str, now: datetime
    ) -> None:
        """PostgreSQL: insert customers that must not exist yet — a plain INSERT, without the
        upsert's speculative insertion (a third less database time for a fresh import). Raises
        ``IntegrityError`` (unique violation) if one exists; the caller runs this in a
        savepoint and falls back to ``upsert_batch``."""
        raw: dict[str, str] = getattr(batch, "raw", {})
        statement = _PG_INSERT_VERBATIM if raw else _PG_INSERT
        await self.session.execute(statement, self._pg_params(batch, stamp, now))

    def _pg_params(
        self, batch: dict[str, dict[str, Any]], stamp: str, now: datetime
    ) -> dict[str, Any]:
        dumps = json.dumps
        raw: dict[str, str] = getattr(batch, "raw", {})
        return {
            "tenant_id": self.tenant_id,
            "now": now,
            "stamp": stamp,
            "customer_ids": list(batch),
            "properties": [raw.get(cid) or dumps(values) for cid, values in batch.items()],
        }

    async def synchronised_properties(self) -> list[str] | None:
        """The sync configuration's property list (None: no configuration yet)."""
        properties = await self.session.scalar(
            select(CustomerSyncConfig.properties).where(self.owns(CustomerSyncConfig))
        )
        return None if properties is None else list(properties)

    async def get(self, customer_id: str) -> Customer | None:
        return await self.session.scalar(
            self._select(Customer).where(Customer.customer_id == customer_id)
        )

    async def list_page(
        self, *, after: str | None, limit: int, prefix: str | None
    ) -> Sequence[Customer]:
        query = self._select(Customer)
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

    async def upsert_from_staging(self, run_id: str, stamp: str, now: datetime) -> None:
        merge = _PG_MERGE if self.dialect == "postgresql" else _SQLITE_MERGE.replace("{{}}", "{}")
        statement = text(
            """
            INSERT INTO customers
                (tenant_id, customer_id, properties, sources, stamp, created_at, updated_at)
            SELECT :tenant_id, s.customer_id, s.properties, NULL, :stamp, :now, :now
            FROM customer_sync_staging AS s WHERE s.run_id = :run_id
            """  # noqa: S608 - constant SQL fragments only
            + merge
        ).bindparams(bindparam("now", type_=UTCDateTime()))
        await self.session.execute(
            statement,
            {"tenant_id": self.tenant_id, "now": now, "stamp": stamp, "run_id": run_id},
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
