"""Customers: stored values of the synchronised customer-schema properties (SPEC §8).

Which properties are stored: the sync configuration's ``properties`` list. When no sync
configuration exists yet, or its list is empty, every customer-schema property is stored
(so pushing values works before anyone configures a synchronisation, and a new schema
property is synchronised without a second step). Schema properties outside a non-empty list
are reported back as ``not_synchronised`` and not stored; keys outside the schema are
errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.customer.fresh_import import FreshFirstWriter
from openpromo.customer.ingest import (
    BadHeader,
    Batch,
    ImportFormat,
    IngestReport,
    LineTooLong,
    RowProcessor,
    Source,
    customer_id_error,
    feed,
    parse_source_stamp,
    source_stamp,
)
from openpromo.customer.repository import CustomerRepository
from openpromo.errors import FieldError, NotFound, Unprocessable, unprocessable
from openpromo.kit.clock import utcnow
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.models import Customer
from openpromo.rules import PropertyType
from openpromo.schema.service import schema_service
from openpromo.schema.values import PropertyDefinition, from_json_value
from openpromo.webhook.service import webhook_service

# The grants domain comes later in the build order; it registers a provider here and
# GET /v1/customers/{id} then includes its summary as `grants`.
GrantsSummaryProvider = Callable[[AsyncSession, str, str], Awaitable[dict[str, Any]]]
_grants_summary_provider: GrantsSummaryProvider | None = None


def register_grants_summary_provider(provider: GrantsSummaryProvider | None) -> None:
    """(session, tenant_id, customer_id) -> the customer's grants summary (a JSON object)."""
    global _grants_summary_provider
    _grants_summary_provider = provider


@dataclass
class CustomerView:
    customer_id: str
    properties: dict[str, Any]
    sources: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    grants: dict[str, Any] | None = None


def view_of(customer: Customer) -> CustomerView:
    """Nulls are "no value": never shown. A property's source is its own stamp in ``sources``
    if it has one, else the row's ``stamp`` (see ``models.Customer``)."""
    properties = {k: v for k, v in (customer.properties or {}).items() if v is not None}
    own = customer.sources or {}
    return CustomerView(
        customer_id=customer.customer_id,
        properties=properties,
        sources={
            key: parsed
            for key in properties
            if (parsed := parse_source_stamp(own.get(key) or customer.stamp)) is not None
        },
        created_at=customer.created_at,
        updated_at=customer.updated_at,
    )


@dataclass
class WritePlan:
    """Everything a write needs to know about the tenant's schema and sync configuration."""

    definitions: list[PropertyDefinition]
    stored_keys: list[str]


class CustomerService:
    async def write_plan(
        self, session: AsyncSession, tenant_id: str, *, synchronised: Sequence[str] | None = None
    ) -> WritePlan:
        definitions = list(await schema_service.definitions(session, tenant_id, "customer"))
        keys = [d.key for d in definitions]
        if synchronised is None:
            synchronised = await CustomerRepository(session, tenant_id).synchronised_properties()
        if synchronised:
            known = set(keys)
            keys = [k for k in synchronised if k in known]
        return WritePlan(definitions, keys)

    def processor(
        self,
        session: AsyncSession,
        tenant_id: str,
        plan: WritePlan,
        *,
        source: Source,
        now: datetime,
        dry_run: bool = False,
        report: IngestReport | None = None,
    ) -> RowProcessor:
        """A row processor whose batches are merged into ``customers`` (or dropped: dry run)."""
        if dry_run:
            return RowProcessor(plan.definitions, plan.stored_keys, sink=None, report=report)
        repository = CustomerRepository(session, tenant_id)
        stamp = source_stamp(source, now)
        fresh = source == "import" and repository.dialect == "postgresql"
        write = FreshFirstWriter(session, repository, stamp, now) if fresh else None
        # Pipelined: a batch's statement runs in the database while the next batch is
        # parsed and validated here (one statement in flight at a time on the session).
        in_flight: list[asyncio.Task[None]] = []

        async def drain() -> None:
            while in_flight:
                await in_flight.pop()

        async def sink(batch: Batch) -> None:
            await drain()
            work = write(batch) if write else repository.upsert_batch(batch, stamp, now)
            in_flight.append(asyncio.create_task(work))
            await asyncio.sleep(0)  # let it send the statement

        return RowProcessor(
            plan.definitions,
            plan.stored_keys,
            sink=sink,
            drain=drain,
            close=write.close if write else None,
            report=report,
        )

    async def put(
        self,
        session: AsyncSession,
        principal: Principal,
        customer_id: str,
        properties: dict[str, Any],
    ) -> tuple[CustomerView, list[str]]:
        """Validated upsert that merges; returns the customer and the keys not stored."""
        if (problem := customer_id_error(customer_id)) is not None:
            raise unprocessable(("path", "customer_id"), problem)
        now = utcnow()
        plan = await self.write_plan(session, principal.tenant_id)
        processor = self.processor(session, principal.tenant_id, plan, source="api", now=now)
        stored, errors = processor.validate(properties, ("body", "properties"))
        if stored is None:
            raise Unprocessable(detail="; ".join(e.msg for e in errors), errors=errors)
        await CustomerRepository(session, principal.tenant_id).upsert_batch(
            {customer_id: stored}, source_stamp("api", now), now
        )
        await session.flush()
        customer = await self._get(session, principal.tenant_id, customer_id, populate=True)
        return view_of(customer), sorted(processor.report.not_synchronised)

    async def _get(
        self, session: AsyncSession, tenant_id: str, customer_id: str, *, populate: bool = False
    ) -> Customer:
        repository = CustomerRepository(session, tenant_id)
        customer = await repository.get(customer_id)
        if customer is None:
            raise NotFound(detail=f"customer '{customer_id}' not found")
        if populate:
            await session.refresh(customer)
        return customer

    async def get(
        self, session: AsyncSession, principal: Principal, customer_id: str
    ) -> CustomerView:
        view = view_of(await self._get(session, principal.tenant_id, customer_id))
        if _grants_summary_provider is not None:
            view.grants = await _grants_summary_provider(session, principal.tenant_id, customer_id)
        return view

    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        limit: int,
        cursor: str | None,
        q: str | None = None,
    ) -> Slice[CustomerView]:
        after = decode_cursor(cursor) if cursor else None
        if after is not None and not isinstance(after, str):
            raise unprocessable(("query", "cursor"), "not a cursor this API issued")
        rows = await CustomerRepository(session, principal.tenant_id).list_page(
            after=after, limit=limit + 1, prefix=q
        )
        page = slice_rows(rows, limit, lambda c: c.customer_id)
        return Slice(items=[view_of(c) for c in page.items], next_cursor=page.next_cursor)

    async def import_stream(
        self,
        session: AsyncSession,
        principal: Principal,
        chunks: AsyncIterator[bytes],
        format_: ImportFormat,
        *,
        dry_run: bool = False,
    ) -> IngestReport:
        """Stream an NDJSON or CSV file into the store, in batches, in this transaction."""
        now = utcnow()
        plan = await self.write_plan(session, principal.tenant_id)
        processor = self.processor(
            session, principal.tenant_id, plan, source="import", now=now, dry_run=dry_run
        )
        try:
            await feed(chunks, format_, processor)
        except BadHeader as exc:
            raise Unprocessable(
                detail=str(exc), errors=[FieldError(("body",), str(exc), "invalid_header")]
            ) from exc
        except LineTooLong as exc:
            raise Unprocessable(
                detail=str(exc), errors=[FieldError(("body", exc.line), str(exc), "line_too_long")]
            ) from exc
        except UnicodeDecodeError as exc:
            msg = f"the file is not UTF-8 text ({exc.reason})"
            raise Unprocessable(
                detail=msg, errors=[FieldError(("body",), msg, "invalid_encoding")]
            ) from exc
        if not dry_run:
            report = processor.report
            await webhook_service.emit(
                session,
                principal.tenant_id,
                "customer.import_finished",
                {
                    "format": format_,
                    "rows_read": report.rows_read,
                    "rows_upserted": report.rows_upserted,
                    "rows_rejected": report.rows_rejected,
                },
            )
        return processor.report

    async def load_properties(
        self,
        session: AsyncSession,
        tenant_id: str,
        customer_ids: Sequence[str],
        *,
        types: Mapping[str, PropertyType] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """customer_id → {key: typed Python value} for the ids that exist (validation's input).

        Values of properties no longer in the customer schema, or that no longer read as
        their (changed) type, are left out. ``types`` (key → type of the customer schema)
        spares the schema query when the caller has it already.
        """
        if not customer_ids:
            return {}
        if types is None:
            definitions = await schema_service.definitions(session, tenant_id, "customer")
            types = {d.key: d.type for d in definitions}
        stored = await CustomerRepository(session, tenant_id).properties_for(customer_ids)
        result: dict[str, dict[str, Any]] = {}
        for customer_id, values in stored.items():
            typed: dict[str, Any] = {}
            for key, value in values.items():
                type_ = types.get(key)
                if type_ is None or value is None:
                    continue
                try:
                    typed[key] = from_json_value(type_, value)
                except (ValueError, TypeError, ArithmeticError):
                    continue
            result[customer_id] = typed
        return result

    async def apply_staged(
        self,
        session: AsyncSession,
        tenant_id: str,
        run_id: str,
        stamp: str,
        now: datetime,
        *,
        remove_unstaged: Sequence[str] | None = None,
    ) -> None:
        """A synchronisation run's staged rows applied to the customers; in replace mode,
        customers absent from the run lose the ``remove_unstaged`` keys."""
        repo = CustomerRepository(session, tenant_id)
        await repo.upsert_from_staging(run_id, stamp, now)
        if remove_unstaged is not None:
            await repo.remove_keys_unless_staged(run_id, remove_unstaged, now)


customer_service = CustomerService()
