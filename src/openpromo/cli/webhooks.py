"""``openpromo webhooks …``: endpoints, deliveries, redelivery, test events, pause all."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.cli.common import emit_json, run_in_unit_of_work
from openpromo.cli.promotions import _tenant_id
from openpromo.promotion.service import promotion_service
from openpromo.webhook.schemas import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointCreate,
)
from openpromo.webhook.service import envelope, webhook_service

app = typer.Typer(help="Webhook endpoints and deliveries.", no_args_is_help=True)

TENANT = typer.Option(None, "--tenant", help="Tenant id (optional when there is only one)")
JSON = typer.Option(False, "--json", help="Print one JSON object")


def _endpoint(row: Any) -> dict[str, Any]:
    return WebhookEndpoint.model_validate(row).model_dump(mode="json")


@app.command("create")
def create(
    url: str = typer.Argument(..., help="https:// URL of the receiver"),
    events: str = typer.Option("*", "--events", help='Comma-separated event types, or "*"'),
    description: str = typer.Option("", "--description"),
    tenant: str | None = TENANT,
    as_json: bool = JSON,
) -> None:
    """Create an endpoint; prints its signing secret (shown only now)."""

    async def work(session: AsyncSession) -> dict[str, Any]:
        tenant_id = await _tenant_id(session, tenant)
        body = WebhookEndpointCreate(
            url=url,
            description=description,
            event_types=[e.strip() for e in events.split(",") if e.strip()],
        )
        endpoint, secret = await webhook_service.create(session, Principal.cli(tenant_id), body)
        return {**_endpoint(endpoint), "secret": secret}

    created = run_in_unit_of_work(work)
    if as_json:
        emit_json(created)
        return
    typer.echo(f"created {created['id']}  {created['url']}")
    typer.echo(f"secret (shown once): {created['secret']}")


@app.command("list")
def list_endpoints(tenant: str | None = TENANT, as_json: bool = JSON) -> None:
    """List the tenant's endpoints."""

    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        tenant_id = await _tenant_id(session, tenant)
        rows = await webhook_service.list_endpoints(session, Principal.cli(tenant_id))
        return [_endpoint(r) for r in rows]

    rows = run_in_unit_of_work(work, write=False)
    if as_json:
        emit_json({"items": rows})
        return
    for r in rows:
        state = "enabled" if r["enabled"] else "disabled"
        typer.echo(f"{r['id']}  {state:<8}  {r['url']}  {','.join(r['event_types'])}")


@app.command("deliveries")
def deliveries(
    endpoint_id: str = typer.Argument(..., help="Endpoint id"),
    status: str | None = typer.Option(None, "--status", help="pending|succeeded|failed"),
    limit: int = typer.Option(50, "--limit", min=1, max=200),
    tenant: str | None = TENANT,
    as_json: bool = JSON,
) -> None:
    """An endpoint's deliveries, newest first."""

    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        tenant_id = await _tenant_id(session, tenant)
        page = await webhook_service.deliveries(
            session, Principal.cli(tenant_id), endpoint_id, limit=limit, cursor=None, status=status
        )
        return [WebhookDelivery.model_validate(d).model_dump(mode="json") for d in page.items]

    rows = run_in_unit_of_work(work, write=False)
    if as_json:
        emit_json({"items": rows})
        return
    for d in rows:
        typer.echo(
            f"{d['id']}  {d['status']:<9}  {d['event_type']:<28}  attempts {d['attempt_count']}"
            f"  last {d['last_status_code'] or d['last_error'] or '-'}"
        )


@app.command("attempts")
def attempts(
    delivery_id: str = typer.Argument(..., help="Delivery id"),
    tenant: str | None = TENANT,
    as_json: bool = JSON,
) -> None:
    """One delivery's event and every attempt (status, time, response excerpt)."""

    async def work(session: AsyncSession) -> dict[str, Any]:
        tenant_id = await _tenant_id(session, tenant)
        delivery, event, rows = await webhook_service.delivery(
            session, Principal.cli(tenant_id), delivery_id
        )
        return {
            **WebhookDelivery.model_validate(delivery).model_dump(mode="json"),
            "event": envelope(event),
            "attempts": [WebhookAttempt.model_validate(a).model_dump(mode="json") for a in rows],
        }

    found = run_in_unit_of_work(work, write=False)
    if as_json:
        emit_json(found)
        return
    typer.echo(f"{found['event_type']}  {found['status']}  event {found['event_id']}")
    for a in found["attempts"]:
        typer.echo(
            f"  #{a['number']}  {a['started_at']}  {a['status_code'] or a['error']}"
            f"  {a['duration_ms']} ms  {(a['response_excerpt'] or '')[:60]}"
        )


@app.command("redeliver")
def redeliver(
    target: str = typer.Argument(..., help="A delivery id, or an endpoint id with --since"),
    since: datetime | None = typer.Option(
        None, "--since", help="With an endpoint id: every delivery that failed since then"
    ),
    tenant: str | None = TENANT,
    as_json: bool = JSON,
) -> None:
    """Redeliver one delivery, or every failed delivery of an endpoint since a time."""

    async def work(session: AsyncSession) -> int:
        tenant_id = await _tenant_id(session, tenant)
        principal = Principal.cli(tenant_id)
        if since is None:
            await webhook_service.redeliver(session, principal, target)
            return 1
        moment = since if since.tzinfo is not None else since.astimezone()
        return await webhook_service.redeliver_failed(session, principal, target, moment)

    count = run_in_unit_of_work(work)
    if as_json:
        emit_json({"redelivered": count})
        return
    typer.echo(f"redelivering {count} deliver{'y' if count == 1 else 'ies'}")


@app.command("test")
def send_test(
    endpoint_id: str = typer.Argument(..., help="Endpoint id"),
    tenant: str | None = TENANT,
    as_json: bool = JSON,
) -> None:
    """Queue a webhook.test event for one endpoint (the worker sends it)."""

    async def work(session: AsyncSession) -> dict[str, str]:
        tenant_id = await _tenant_id(session, tenant)
        event_id, delivery_id = await webhook_service.send_test(
            session, Principal.cli(tenant_id), endpoint_id
        )
        return {"event_id": event_id, "delivery_id": delivery_id}

    queued = run_in_unit_of_work(work)
    if as_json:
        emit_json(queued)
        return
    typer.echo(f"queued test event {queued['event_id']} (delivery {queued['delivery_id']})")


@app.command("pause-all")
def pause_all(tenant: str | None = TENANT, as_json: bool = JSON) -> None:
    """Kill switch: deactivate every active promotion of the tenant."""

    async def work(session: AsyncSession) -> list[str]:
        tenant_id = await _tenant_id(session, tenant)
        return await promotion_service.pause_all(session, Principal.cli(tenant_id))

    paused = run_in_unit_of_work(work)
    if as_json:
        emit_json({"paused": paused})
        return
    typer.echo(f"paused {len(paused)} promotion{'' if len(paused) == 1 else 's'}")
    for promotion_id in paused:
        typer.echo(f"  {promotion_id}")
