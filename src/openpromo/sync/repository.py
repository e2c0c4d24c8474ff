"""All SQL of the synchronisation: configuration, runs, leases and staged rows.

Per-tenant repositories are built with ``(session, tenant_id)``; the few cross-tenant queries
the scheduler needs (what is due, what is queued, which runs were abandoned) are module
functions named for what they return.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.models import CustomerSyncConfig, CustomerSyncLease, CustomerSyncRun, Tenant
from openpromo.models.base import UTCDateTime
from openpromo.repository import TenantScopedRepository

ACTIVE = ("queued", "running")


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


class SyncConfigRepository(TenantScopedRepository):
    async def get(self) -> CustomerSyncConfig | None:
        return await self.session.get(CustomerSyncConfig, self.tenant_id)

    async def add(self, config: CustomerSyncConfig) -> CustomerSyncConfig:
        config.tenant_id = self.tenant_id
        self.session.add(config)
        await self.session.flush()
        return config

    async def advance_next_run(self, expected: datetime, next_run_at: datetime | None) -> bool:
        """Claim a due schedule slot: only the worker whose UPDATE matches the old slot wins."""
        result = await self.session.execute(
            self._update(CustomerSyncConfig)
            .where(
                CustomerSyncConfig.next_run_at == expected,
            )
            .values(next_run_at=next_run_at)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1


class SyncRunRepository(TenantScopedRepository):
    async def add(self, run: CustomerSyncRun) -> CustomerSyncRun:
        run.tenant_id = self.tenant_id
        self.session.add(run)
        await self.session.flush()
        return run

    async def get(self, run_id: str) -> CustomerSyncRun | None:
        return await self.session.scalar(
            self._select(CustomerSyncRun).where(CustomerSyncRun.id == run_id)
        )

    async def active(self) -> CustomerSyncRun | None:
        return await self.session.scalar(
            self._select(CustomerSyncRun).where(CustomerSyncRun.status.in_(ACTIVE))
        )

    async def list_page(self, *, before_id: str | None, limit: int) -> Sequence[CustomerSyncRun]:
        """Newest first."""
        query = self._select(CustomerSyncRun)
        if before_id is not None:
            query = query.where(CustomerSyncRun.id < before_id)
        return (
            await self.session.scalars(query.order_by(CustomerSyncRun.id.desc()).limit(limit))
        ).all()

    async def claim(self, run_id: str, now: datetime) -> bool:
        """queued → running, once."""
        result = await self.session.execute(
            self._update(CustomerSyncRun)
            .where(
                CustomerSyncRun.id == run_id,
                CustomerSyncRun.status == "queued",
            )
            .values(status="running", started_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def progress(self, run_id: str, rows_read: int, upserted: int, rejected: int) -> None:
        await self.session.execute(
            self._update(CustomerSyncRun)
            .where(CustomerSyncRun.id == run_id)
            .values(rows_read=rows_read, rows_upserted=upserted, rows_rejected=rejected)
            .execution_options(synchronize_session=False)
        )

    async def finish(
        self,
        run_id: str,
        *,
        status: str,
        now: datetime,
        rows_read: int,
        rows_upserted: int,
        rows_rejected: int,
        errors: list[dict[str, Any]],
        error: str | None,
    ) -> None:
        await self.session.execute(
            self._update(CustomerSyncRun)
            .where(
                CustomerSyncRun.id == run_id,
                CustomerSyncRun.status.in_(ACTIVE),
            )
            .values(
                status=status,
                finished_at=now,
                rows_read=rows_read,
                rows_upserted=rows_upserted,
                rows_rejected=rows_rejected,
                errors=errors,
                error=error,
            )
            .execution_options(synchronize_session=False)
        )


class SyncLeaseRepository(TenantScopedRepository):
    """The per-tenant run lease: one guarded upsert takes it, only where it has expired."""

    async def acquire(self, holder: str, now: datetime, expires_at: datetime) -> bool:
        statement = text(
            """
            INSERT INTO customer_sync_leases (tenant_id, holder, expires_at)
            VALUES (:tenant_id, :holder, :expires_at)
            ON CONFLICT (tenant_id) DO UPDATE
                SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE customer_sync_leases.expires_at < :now
            """
        ).bindparams(
            bindparam("expires_at", type_=UTCDateTime()), bindparam("now", type_=UTCDateTime())
        )
        result = await self.session.execute(
            statement,
            {"tenant_id": self.tenant_id, "holder": holder, "expires_at": expires_at, "now": now},
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def renew(self, holder: str, expires_at: datetime) -> bool:
        result = await self.session.execute(
            self._update(CustomerSyncLease)
            .where(CustomerSyncLease.holder == holder)
            .values(expires_at=expires_at)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def release(self, holder: str) -> None:
        await self.session.execute(
            self._delete(CustomerSyncLease)
            .where(CustomerSyncLease.holder == holder)
            .execution_options(synchronize_session=False)
        )

    async def is_held(self, now: datetime) -> bool:
        return bool(
            await self.session.scalar(
                select(
                    exists().where(
                        self.owns(CustomerSyncLease),
                        CustomerSyncLease.expires_at >= now,
                    )
                )
            )
        )


_PG_STAGE = text(
    """
    INSERT INTO customer_sync_staging (run_id, customer_id, properties)
    SELECT :run_id, r.customer_id, CAST(r.properties AS jsonb)
    FROM unnest(CAST(:customer_ids AS text[]), CAST(:properties AS text[]))
        AS r(customer_id, properties)
    ON CONFLICT (run_id, customer_id) DO UPDATE SET properties = EXCLUDED.properties
    """
)
_SQLITE_STAGE = text(
    """
    INSERT INTO customer_sync_staging (run_id, customer_id, properties)
    SELECT :run_id, json_extract(value, '$[0]'), json_extract(value, '$[1]')
    FROM json_each(:rows) WHERE true
    ON CONFLICT (run_id, customer_id) DO UPDATE SET properties = excluded.properties
    """
)


class SyncStagingRepository:
    """Rows of one run (the run id is tenant-scoped already)."""

    def __init__(self, session: AsyncSession, run_id: str) -> None:
        self.session = session
        self.run_id = run_id

    async def stage(self, batch: Mapping[str, dict[str, Any]]) -> None:
        """A customer staged twice in one run keeps its later row."""
        if not batch:
            return
        dumps = json.dumps
        if _dialect(self.session) == "postgresql":
            await self.session.execute(
                _PG_STAGE,
                {
                    "run_id": self.run_id,
                    "customer_ids": list(batch),
                    "properties": [dumps(v) for v in batch.values()],
                },
            )
        else:
            rows = ",".join(f"[{dumps(cid)},{dumps(values)}]" for cid, values in batch.items())
            await self.session.execute(_SQLITE_STAGE, {"run_id": self.run_id, "rows": f"[{rows}]"})

    async def clear(self) -> None:
        await self.session.execute(
            text("DELETE FROM customer_sync_staging WHERE run_id = :run_id"),
            {"run_id": self.run_id},
        )


# -- cross-tenant queries for the scheduler -------------------------------------------------


async def find_run(session: AsyncSession, run_id: str) -> CustomerSyncRun | None:
    """A run by id whatever its tenant (the background executor starts from an id only)."""
    return await session.get(CustomerSyncRun, run_id, populate_existing=True)


async def queued_run_ids(session: AsyncSession, limit: int = 100) -> list[tuple[str, str]]:
    rows = await session.execute(  # cross-tenant: the executor's queue of every tenant
        select(CustomerSyncRun.id, CustomerSyncRun.tenant_id)
        .where(CustomerSyncRun.status == "queued")
        .order_by(CustomerSyncRun.id)
        .limit(limit)
    )
    return [(run_id, tenant_id) for run_id, tenant_id in rows]


async def due_schedules(
    session: AsyncSession, now: datetime, limit: int = 100
) -> list[tuple[str, datetime, str, str, str]]:
    """(tenant_id, next_run_at, schedule_time, timezone, mode) of enabled, due schedules."""
    rows = await session.execute(  # cross-tenant: the scheduler's scan of every tenant
        select(
            CustomerSyncConfig.tenant_id,
            CustomerSyncConfig.next_run_at,
            CustomerSyncConfig.schedule_time,
            Tenant.timezone,
            CustomerSyncConfig.mode,
        )
        .join(Tenant, Tenant.id == CustomerSyncConfig.tenant_id)
        .where(
            CustomerSyncConfig.enabled.is_(True),
            CustomerSyncConfig.next_run_at.is_not(None),
            CustomerSyncConfig.next_run_at <= now,
        )
        .order_by(CustomerSyncConfig.next_run_at)
        .limit(limit)
    )
    return [(t, n, s or "", tz, m) for t, n, s, tz, m in rows if n is not None]


async def abandoned_runs(session: AsyncSession, now: datetime) -> list[tuple[str, str]]:
    """Running runs whose tenant lease expired (the process running them died)."""
    live = (  # cross-tenant: every tenant's expired leases
        select(CustomerSyncLease.tenant_id)
        .where(
            CustomerSyncLease.tenant_id == CustomerSyncRun.tenant_id,
            CustomerSyncLease.expires_at >= now,
        )
        .exists()
    )
    rows = await session.execute(  # cross-tenant: every tenant's abandoned runs
        select(CustomerSyncRun.id, CustomerSyncRun.tenant_id).where(
            CustomerSyncRun.status == "running", ~live
        )
    )
    return [(run_id, tenant_id) for run_id, tenant_id in rows]


async def stale_staging_run_ids(session: AsyncSession) -> list[str]:
    """Runs that ended but still have staged rows (a crash between staging and cleanup)."""
    rows = await session.execute(  # cross-tenant: housekeeping of every tenant's runs
        text(
            "SELECT DISTINCT s.run_id FROM customer_sync_staging AS s "
            "JOIN customer_sync_runs AS r ON r.id = s.run_id "
            "WHERE r.status IN ('succeeded', 'failed')"
        )
    )
    return [row[0] for row in rows]
