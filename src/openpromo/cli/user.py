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


def _update(tenant: str, email: str, *, role: str | None, active: bool | None) -> User:
    async def work(session: AsyncSession) -> User:
        principal = Principal.cli(tenant)
        user = await user_service.get_by_email(session, principal, email)
        return await user_service.update(session, principal, user.id, role=role, active=active)

    return run_in_unit_of_work(work)


@app.command("set-role")
def set_role(
    tenant: str = typer.Option(..., "--tenant", help="Tenant id"),
    email: str = typer.Option(..., "--email", help="The user's e-mail"),
    role: str = typer.Option(..., "--role", help=f"One of {', '.join(USER_ROLES)}"),
) -> None:
    """Change a user's role (the tenant keeps at least one active admin)."""
    user = _update(tenant, email, role=role, active=None)
    info(f"user {user.id} <{user.email}> is now {user.role}")


@app.command()
def deactivate(
    tenant: str = typer.Option(..., "--tenant", help="Tenant id"),
    email: str = typer.Option(..., "--email", help="The user's e-mail"),
) -> None:
    """Deactivate a user: no login, and their sessions stop at their next request."""
    user = _update(tenant, email, role=None, active=False)
    info(f"user {user.id} <{user.email}> deactivated")


@app.command()
def reactivate(
    tenant: str = typer.Option(..., "--tenant", help="Tenant id"),
    email: str = typer.Option(..., "--email", help="The user's e-mail"),
) -> None:
    """Let a deactivated user log in again."""
    user = _update(tenant, email, role=None, active=True)
    info(f"user {user.id} <{user.email}> reactivated")


@app.command("reset-password")
def reset_password(
    tenant: str = typer.Option(..., "--tenant", help="Tenant id"),
    email: str = typer.Option(..., "--email", help="The user's e-mail"),
    password: str | None = typer.Option(
        None, "--password", help="The new password (at least 10 characters); generated if omitted"
    ),
) -> None:
    """Set a user's password (a generated one is printed once)."""

    async def work(session: AsyncSession) -> tuple[User, str]:
        principal = Principal.cli(tenant)
        user = await user_service.get_by_email(session, principal, email)
        return await user_service.reset_password(session, principal, user.id, password)

    user, plain = run_in_unit_of_work(work)
    info(f"password of user {user.id} <{user.email}> changed")
    if password is None:
        info("generated password (shown once):")
        typer.echo(plain)
