"""Customer synchronisation: configuration, run triggers and run history (SPEC §8).

The run itself is executed by ``openpromo.sync.runner`` (in the API process right after a
manual trigger, and by every scheduler — ``openpromo worker`` or ``serve``'s in-process
one — which also starts scheduled runs and picks up queued ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal
from openpromo.customer.ingest import (
    BadHeader,
    Batch,
    IngestReport,
    LineTooLong,
    RowProcessor,
    feed,
)
from openpromo.customer.service import customer_service
from openpromo.errors import Conflict, ConflictRef, FieldError, NotFound, Unprocessable
from openpromo.kit.clock import utcnow
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.models import CustomerSyncConfig, CustomerSyncRun
from openpromo.schema.service import schema_service
from openpromo.sync.crypto import decrypt_secret, encrypt_secret
from openpromo.sync.repository import (
    SyncConfigRepository,
    SyncRunRepository,
    SyncStagingRepository,
    abandoned_runs,
    due_schedules,
    queued_run_ids,
    stale_staging_run_ids,
)
from openpromo.sync.schedule import next_daily_run
from openpromo.sync.schemas import CustomerSyncConfigIn, FileSource, SqlSource
from openpromo.sync.sources import (
    SourceError,
    driver_is_async,
    feed_sql,
    file_chunks,
    first_lines,
    parse_source_url,
)
from openpromo.tenant.service import tenant_service
from openpromo.webhook.service import webhook_service

MASK = "***"
SOURCE_TEST_ROWS = 5


@dataclass
class SourceTest:
    """What trying a source found: whether it could be read, in words, and its first rows."""

    ok: bool
    message: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def describe_source_error(exc: Exception) -> str:
    """Why a source could not be read, in one line (no traceback)."""
    if isinstance(exc, SourceError | BadHeader | LineTooLong):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return f"the file is not UTF-8 text ({exc.reason})"
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        # The database's own message, without SQLAlchemy's wrapping and the statement.
        answer = str(exc.orig).splitlines()[0] if str(exc.orig) else type(exc.orig).__name__
        return f"the database answered: {answer}"[:2_000]
    if isinstance(exc, OSError):
        return f"cannot connect: {exc.strerror or exc}"[:2_000]
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}"[:2_000]


def mask_url(url: str) -> tuple[str, str | None]:
    """``(url with the password shown as ***, the password)``."""
    parsed = make_url(url)
    if parsed.password is None:
        return url, None
    password = str(parsed.password)
    # SQLAlchemy renders a hidden password as *** (exactly our mask).
    return parsed.render_as_string(hide_password=True), password


def config_out(config: CustomerSyncConfig | None) -> dict[str, Any]:
    """The configuration as the API shows it (never a password)."""
    if config is None:
        return {
            "enabled": False,
            "properties": [],
            "source": None,
            "schedule": None,
            "mode": "upsert",
            "next_run_at": None,
            "updated_at": None,
        }
    return {
        "enabled": config.enabled,
        "properties": list(config.properties or []),
        "source": config.source,
        "schedule": {"time": config.schedule_time} if config.schedule_time else None,
        "mode": config.mode,
        "next_run_at": config.next_run_at,
        "updated_at": config.updated_at,
    }


def _snapshot(config: CustomerSyncConfig | None) -> dict[str, Any]:
    out = config_out(config)
    out.pop("updated_at")
    out.pop("next_run_at")
    return out


class SyncService:
    async def get_config(self, session: AsyncSession, principal: Principal) -> dict[str, Any]:
        return config_out(await SyncConfigRepository(session, principal.tenant_id).get())

    async def put_config(
        self, session: AsyncSession, principal: Principal, body: CustomerSyncConfigIn
    ) -> dict[str, Any]:
        repository = SyncConfigRepository(session, principal.tenant_id)
        config = await repository.get()
        before = _snapshot(config) if config is not None else None
        errors: list[FieldError] = []

        definitions = await schema_service.definitions(session, principal.tenant_id, "customer")
        known = {d.key for d in definitions}
        seen: set[str] = set()
        for index, key in enumerate(body.properties):
            if key not in known:
                errors.append(
                    FieldError(
                        ("body", "properties", index),
                        f"'{key}' is not a property of the customer schema",
                        "unknown_property",
                    )
                )
            elif key in seen:
                errors.append(
                    FieldError(
                        ("body", "properties", index), f"'{key}' is listed twice", "duplicate"
                    )
                )
            seen.add(key)

        source_doc: dict[str, Any] | None = None
        secret: str | None = None
        source = body.source
        if isinstance(source, SqlSource):
            source_doc, secret = self._sql_source(source, config, errors)
        elif isinstance(source, FileSource):
            source_doc = self._file_source(source, errors)
        if body.enabled and source is None:
            errors.append(
                FieldError(
                    ("body", "source"), "an enabled synchronisation needs a source", "missing"
                )
            )
        if errors:
            raise Unprocessable(detail="; ".join(e.msg for e in errors), errors=errors)

        if config is None:
            config = CustomerSyncConfig(tenant_id=principal.tenant_id)
            session.add(config)
        config.enabled = body.enabled
        config.properties = list(body.properties)
        config.source = source_doc
        config.source_secret = secret
        config.schedule_time = body.schedule.time if body.schedule else None
        config.mode = body.mode
        config.next_run_at = await self._next_run(session, principal.tenant_id, config, utcnow())
        await session.flush()
        await session.refresh(config)
        audit_service.record(
            session,
            principal,
            "customer_sync.update",
            "customer_sync",
            principal.tenant_id,
            before=before,
            after=_snapshot(config),
        )
        return config_out(config)

    def _sql_source(
        self,
        source: SqlSource,
        current: CustomerSyncConfig | None,
        errors: list[FieldError],
    ) -> tuple[dict[str, Any] | None, str | None]:
        loc = ("body", "source", "url")
        try:
            parsed = parse_source_url(source.url)
            driver_is_async(parsed)
            masked, password = mask_url(source.url)
        except (SourceError, ArgumentError, ValueError) as exc:
            errors.append(FieldError(loc, f"not a usable database URL: {exc}", "invalid_url"))
            return None, None
        secret: str | None = None
        if password == MASK:
            if current is None or current.source_secret is None:
                errors.append(
                    FieldError(
                        loc, "the URL's password is *** but no password is stored", "missing"
                    )
                )
                return None, None
            secret = current.source_secret
        elif password is not None:
            secret = encrypt_secret(password)
        return {"kind": "sql", "url": masked, "query": source.query}, secret

    def _file_source(self, source: FileSource, errors: list[FieldError]) -> dict[str, Any] | None:
        if bool(source.path) == bool(source.url):
            errors.append(
                FieldError(("body", "source"), "give exactly one of path and url", "invalid_source")
            )
            return None
        if source.url and not source.url.lower().startswith(("http://", "https://")):
            errors.append(
                FieldError(
                    ("body", "source", "url"), "the URL must be http:// or https://", "invalid_url"
                )
            )
            return None
        doc: dict[str, Any] = {"kind": "file", "format": source.format}
        doc["path" if source.path else "url"] = source.path or source.url
        return doc

    async def _next_run(
        self, session: AsyncSession, tenant_id: str, config: CustomerSyncConfig, now: datetime
    ) -> datetime | None:
        if not (config.enabled and config.schedule_time and config.source):
            return None
        tenant = await tenant_service.get(session, tenant_id)
        return next_daily_run(now, config.schedule_time, tenant.timezone)

    def effective_source(self, config: CustomerSyncConfig) -> dict[str, Any]:
        """The source with its real password (for the runner only; never returned)."""
        if config.source is None:
            raise Conflict(detail="no sync source is configured", code="sync_not_configured")
        source = dict(config.source)
        if source.get("kind") == "sql" and config.source_secret is not None:
            url = make_url(source["url"]).set(password=decrypt_secret(config.source_secret))
            source["url"] = url.render_as_string(hide_password=False)
        return source

    async def test_source(
        self,
        session: AsyncSession,
        principal: Principal,
        source: SqlSource | FileSource,
        *,
        properties: Sequence[str] = (),
        rows: int = SOURCE_TEST_ROWS,
    ) -> SourceTest:
        """Try ``source`` without importing anything: connect and read its first ``rows`` rows
        (a file: open it and read its header and first rows), checking them against the
        customer schema as a run would. A URL whose password is ``***`` uses the stored one.
        A source that cannot be read is a ``SourceTest`` with ``ok`` false and the reason, not
        an error; a source that is not valid configuration raises 422 like ``put_config``."""
        config = await SyncConfigRepository(session, principal.tenant_id).get()
        errors: list[FieldError] = []
        doc: dict[str, Any] | None
        if isinstance(source, SqlSource):
            doc, secret = self._sql_source(source, config, errors)
        else:
            doc, secret = self._file_source(source, errors), None
        if errors or doc is None:
            raise Unprocessable(detail="; ".join(e.msg for e in errors), errors=errors)
        if doc["kind"] == "sql" and secret is not None:
            doc["url"] = make_url(doc["url"]).set(password=decrypt_secret(secret))
            doc["url"] = doc["url"].render_as_string(hide_password=False)
        plan = await customer_service.write_plan(
            session, principal.tenant_id, synchronised=list(properties)
        )
        sample: list[dict[str, Any]] = []

        async def keep(batch: Batch) -> None:
            for customer_id, values in batch.items():
                if len(sample) < rows:
                    sample.append({"customer_id": customer_id, **values})

        report = IngestReport()
        processor = RowProcessor(plan.definitions, plan.stored_keys, sink=keep, report=report)
        try:
            if doc["kind"] == "sql":
                await feed_sql(processor, doc["url"], doc["query"], limit=rows)
            else:
                # The first rows, and a CSV's header row.
                lines = rows + 1 if doc["format"] == "csv" else rows
                chunks = first_lines(file_chunks(doc.get("path"), doc.get("url")), lines)
                await feed(chunks, doc["format"], processor)
            await processor.flush()
        except Exception as exc:  # whatever the source or its driver raise: the reason
            return SourceTest(ok=False, message=describe_source_error(exc))
        if report.rows_read == 0:
            return SourceTest(ok=True, message="Connected, but the source has no rows yet.")
        message = f"Connected: read {report.rows_read} row{'s' if report.rows_read > 1 else ''}"
        if report.rows_rejected:
            message += f", {report.rows_rejected} of them would be rejected"
        return SourceTest(
            ok=True,
            message=message + ". Nothing was imported.",
            rows=sample,
            errors=[e.as_dict() for e in report.errors],
            warnings=report.warnings,
        )

    async def trigger_run(
        self, session: AsyncSession, principal: Principal, trigger: str = "manual"
    ) -> CustomerSyncRun:
        """Queue a run now; 409 while another run of the tenant is queued or running."""
        config = await SyncConfigRepository(session, principal.tenant_id).get()
        if config is None or config.source is None:
            raise Conflict(
                detail="configure a sync source first (PUT /v1/customer-sync)",
                code="sync_not_configured",
            )
        runs = SyncRunRepository(session, principal.tenant_id)
        if (active := await runs.active()) is not None:
            raise self._busy(active)
        try:
            async with session.begin_nested():
                run = await runs.add(CustomerSyncRun(trigger=trigger, mode=config.mode))
        except IntegrityError:
            # Another trigger won the race (the partial unique index on active runs).
            active = await runs.active()
            raise self._busy(active) from None
        if principal.actor_type != "system":
            audit_service.record(
                session,
                principal,
                "customer_sync.run",
                "customer_sync_run",
                run.id,
                after={"trigger": trigger, "mode": run.mode},
            )
        return run

    def _busy(self, active: CustomerSyncRun | None) -> Conflict:
        detail = "a synchronisation run of this tenant is already queued or running"
        if active is not None:
            detail += f" (run {active.id}, {active.status})"
        return Conflict(
            detail=detail,
            code="sync_run_in_progress",
            extra={"run_id": active.id if active else None},
            conflicts=[ConflictRef("customer_sync_run", active.id, None, active.status)]
            if active is not None
            else [],
            conflicts_total=1,
        )

    async def list_runs(
        self, session: AsyncSession, principal: Principal, *, limit: int, cursor: str | None
    ) -> Slice[CustomerSyncRun]:
        before = decode_cursor(cursor) if cursor else None
        rows = await SyncRunRepository(session, principal.tenant_id).list_page(
            before_id=before if isinstance(before, str) else None, limit=limit + 1
        )
        return slice_rows(rows, limit, lambda run: run.id)

    async def get_run(
        self, session: AsyncSession, principal: Principal, run_id: str
    ) -> CustomerSyncRun:
        run = await SyncRunRepository(session, principal.tenant_id).get(run_id)
        if run is None:
            raise NotFound(detail=f"sync run '{run_id}' not found")
        return run

    # -- background work (called by the scheduler, one unit of work each) ------------------

    async def start_due_scheduled_runs(self, session: AsyncSession, now: datetime) -> list[str]:
        """Queue a run for every due schedule; each slot is claimed by exactly one worker.

        A tenant whose previous run is still queued or running skips this occurrence.
        """
        started: list[str] = []
        for tenant_id, slot, at, timezone, _mode in await due_schedules(session, now):
            following = next_daily_run(now, at, timezone) if at else None
            if not await SyncConfigRepository(session, tenant_id).advance_next_run(slot, following):
                continue  # another worker took this slot
            try:
                run = await self.trigger_run(session, Principal.system(tenant_id), "schedule")
            except Conflict:
                continue
            started.append(run.id)
        return started

    async def fail_abandoned_runs(self, session: AsyncSession, now: datetime) -> list[str]:
        """Runs left ``running`` by a process that died (its lease expired): mark them failed."""
        failed: list[str] = []
        for run_id, tenant_id in await abandoned_runs(session, now):
            await SyncStagingRepository(session, run_id).clear()
            await SyncRunRepository(session, tenant_id).finish(
                run_id,
                status="failed",
                now=now,
                rows_read=0,
                rows_upserted=0,
                rows_rejected=0,
                errors=[],
                error="interrupted: the process running it stopped (its lease expired)",
            )
            await webhook_service.emit(
                session,
                tenant_id,
                "customer_sync.failed",
                {"run_id": run_id, "error": "interrupted", "rows_read": 0},
            )
            failed.append(run_id)
        for run_id in await stale_staging_run_ids(session):
            await SyncStagingRepository(session, run_id).clear()
        return failed

    async def queued_runs(self, session: AsyncSession) -> list[str]:
        return [run_id for run_id, _tenant in await queued_run_ids(session)]


sync_service = SyncService()
