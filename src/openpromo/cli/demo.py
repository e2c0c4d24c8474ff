from __future__ import annotations

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.cli.common import emit_json, info, run_in_unit_of_work
from openpromo.demo.seed import DEFAULT_TENANT_NAME, DemoTenant, seed_demo

app = typer.Typer(help="A demo tenant for a first look.", no_args_is_help=True)


def print_login(demo: DemoTenant, where: str = "the UI") -> None:
    info("=" * 72)
    info(f"Demo tenant '{demo.tenant_name}': {demo.tenant_id}")
    info(
        f"{demo.customers} customers, {len(demo.promotions)} promotions, "
        f"{len(demo.promocodes)} promocodes, {demo.grants} grants over the last 30 days"
    )
    info(f"Admin API key (shown once): {demo.api_key}")
    info(
        f"Log in to {where} (shown once): e-mail {demo.admin_email}  password {demo.admin_password}"
    )
    info("=" * 72)


def run_seed(tenant_name: str) -> DemoTenant:
    async def work(session: AsyncSession) -> DemoTenant:
        return await seed_demo(session, tenant_name)

    return run_in_unit_of_work(work)


@app.command()
def seed(
    tenant_name: str = typer.Option(DEFAULT_TENANT_NAME, "--tenant-name", help="Tenant name"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
) -> None:
    """Create a demo tenant: reward types, schemas, 200 customers, promotions in every state,
    promocodes and a month of grants. Refused when a tenant of that name exists."""
    demo = run_seed(tenant_name)
    if as_json:
        emit_json(demo.as_json())
    else:
        print_login(demo)
