from __future__ import annotations

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.cli.common import emit_json, info, run_in_unit_of_work
from openpromo.tenant.service import BootstrappedTenant, tenant_service

app = typer.Typer(help="Tenants.", no_args_is_help=True)


@app.command()
def create(
    name: str = typer.Argument(..., help="Tenant name"),
    timezone: str = typer.Option("UTC", help="IANA time zone"),
    currency: str = typer.Option("EUR", help="Default currency (ISO 4217)"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
) -> None:
    """Create a tenant, its first admin API key and its first UI admin (printed once)."""

    async def work(session: AsyncSession) -> BootstrappedTenant:
        return await tenant_service.create(
            session, name, timezone=timezone, default_currency=currency
        )

    created = run_in_unit_of_work(work)
    if as_json:
        emit_json(
            {
                "tenant_id": created.tenant.id,
                "api_key": created.plain_key,
                "admin_email": created.admin_email,
                "admin_password": created.admin_password,
            }
        )
    else:
        info(f"tenant {created.tenant.id} ({created.tenant.name}) created")
        info(f"admin API key (shown once): {created.plain_key}")
        info(f"UI login (shown once): {created.admin_email} / {created.admin_password}")


@app.command("list")
def list_tenants(as_json: bool = typer.Option(False, "--json")) -> None:
    """List tenants."""

    async def work(session: AsyncSession) -> list[dict[str, str]]:
        return [
            {"id": t.id, "name": t.name, "timezone": t.timezone}
            for t in await tenant_service.list_all(session)
        ]

    tenants = run_in_unit_of_work(work, write=False)
    if as_json:
        emit_json({"items": tenants})
        return
    for tenant in tenants:
        typer.echo(f"{tenant['id']}  {tenant['name']}  {tenant['timezone']}")
