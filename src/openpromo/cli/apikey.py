from __future__ import annotations

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import ROLES, Principal
from openpromo.auth.service import api_key_service
from openpromo.cli.common import emit_json, info, run_in_unit_of_work
from openpromo.models import ApiKey
from openpromo.tenant.service import tenant_service

app = typer.Typer(help="API keys.", no_args_is_help=True)


@app.command()
def create(
    tenant: str = typer.Option(..., "--tenant", help="Tenant id"),
    role: str = typer.Option("admin", help=f"One of {', '.join(ROLES)}"),
    name: str = typer.Option("", help="A label for the key"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
) -> None:
    """Create an API key (printed once)."""

    async def work(session: AsyncSession) -> tuple[ApiKey, str]:
        await tenant_service.get(session, tenant)
        return await api_key_service.create(session, Principal.cli(tenant), name, role)

    key, plain = run_in_unit_of_work(work)
    if as_json:
        emit_json({"id": key.id, "api_key": plain, "role": key.role})
    else:
        info(f"API key {key.id} ({key.role}) created; shown once:")
        typer.echo(plain)


@app.command()
def revoke(
    key_id: str = typer.Argument(..., help="API key id"),
    tenant: str = typer.Option(..., "--tenant", help="Tenant id"),
) -> None:
    """Revoke an API key."""

    async def work(session: AsyncSession) -> ApiKey:
        return await api_key_service.revoke(session, Principal.cli(tenant), key_id)

    key = run_in_unit_of_work(work)
    info(f"API key {key.id} revoked")
