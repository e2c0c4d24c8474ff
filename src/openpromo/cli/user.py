from __future__ import annotations

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.cli.common import emit_json, info, run_in_unit_of_work
from openpromo.models import User
from openpromo.tenant.service import tenant_service
from openpromo.user.schemas import USER_ROLES
from openpromo.user.service import user_service

app = typer.Typer(help="Admin UI users.", no_args_is_help=True)


@app.command()
def create(
    tenant: str = typer.Option(..., "--tenant", help="Tenant id"),
    email: str = typer.Option(..., "--email", help="Login e-mail (unique across tenants)"),
    role: str = typer.Option("admin", help=f"One of {', '.join(USER_ROLES)}"),
    password: str | None = typer.Option(
        None, "--password", help="Password (at least 10 characters); generated when omitted"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
) -> None:
    """Create a UI user (a generated password is printed once)."""

    async def work(session: AsyncSession) -> tuple[User, str]:
        await tenant_service.get(session, tenant)
        return await user_service.create(session, Principal.cli(tenant), email, role, password)

    user, plain = run_in_unit_of_work(work)
    if as_json:
        emit_json({"id": user.id, "email": user.email, "password": plain, "role": user.role})
    else:
        info(f"user {user.id} <{user.email}> ({user.role}) created")
        if password is None:
            info("generated password (shown once):")
            typer.echo(plain)
