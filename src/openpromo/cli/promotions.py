from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.cli.common import emit_json, run_in_unit_of_work
from openpromo.errors import Unprocessable
from openpromo.promotion.schemas import Promotion as PromotionOut
from openpromo.promotion.service import promotion_service
from openpromo.tenant.service import tenant_service

app = typer.Typer(help="Promotions.", no_args_is_help=True)

STATUSES = ("draft", "active", "deactivated", "archived")


async def _tenant_id(session: AsyncSession, tenant: str | None) -> str:
    """The given tenant (checked), or the only one when the database has exactly one."""
    if tenant is not None:
        return (await tenant_service.get(session, tenant)).id
    tenants = await tenant_service.list_all(session)
    if len(tenants) != 1:
        raise Unprocessable(
            detail=f"there are {len(tenants)} tenants: say which one with --tenant ID"
        )
    return tenants[0].id


@app.command("list")
def list_promotions(
    tenant: str | None = typer.Option(
        None, "--tenant", help="Tenant id (optional when there is only one)"
    ),
    status: str | None = typer.Option(None, "--status", help="draft|active|deactivated|archived"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
) -> None:
    """List a tenant's promotions, oldest first."""
    if status is not None and status not in STATUSES:
        typer.echo(f"error: --status must be one of {', '.join(STATUSES)}", err=True)
        raise typer.Exit(1)

    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        tenant_id = await _tenant_id(session, tenant)
        return [
            PromotionOut.model_validate(p).model_dump(mode="json")
            for p in await promotion_service.list_all(session, tenant_id, status=status)
        ]

    promotions = run_in_unit_of_work(work, write=False)
    if as_json:
        emit_json({"items": promotions})
        return
    for p in promotions:
        typer.echo(f"{p['id']}  {p['status']:<11}  v{p['version']:<3}  {p['code']}  {p['name']}")


@app.command("show")
def show_promotion(
    promotion_id: str = typer.Argument(..., help="Promotion id"),
    tenant: str | None = typer.Option(
        None, "--tenant", help="Tenant id (optional when there is only one)"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
) -> None:
    """Show one promotion: metadata, properties, tiers, constraints and budgets."""

    async def work(session: AsyncSession) -> dict[str, Any]:
        tenant_id = await _tenant_id(session, tenant)
        promotion = await promotion_service.get(session, Principal.cli(tenant_id), promotion_id)
        return PromotionOut.model_validate(promotion).model_dump(mode="json")

    promotion = run_in_unit_of_work(work, write=False)
    if as_json:
        emit_json(promotion)
        return
    typer.echo(f"{promotion['name']}  ({promotion['code']})")
    typer.echo(f"  id:          {promotion['id']}")
    typer.echo(f"  status:      {promotion['status']}  version {promotion['version']}")
    typer.echo(f"  activated:   {promotion['first_activated_at'] or '-'}")
    if promotion["description"]:
        typer.echo(f"  description: {promotion['description']}")
    typer.echo(f"  properties:  {promotion['properties'] or '-'}")
    typer.echo(f"  tiers:       {len(promotion['tiers'])}")
    for tier in promotion["tiers"]:
        rewards = ", ".join(f"{r['reward_type']} {r['value']}" for r in tier.get("rewards", []))
        typer.echo(f"    - {tier['id']} {tier.get('name') or ''}: {rewards}")
    constrained = ", ".join(promotion["reward_constraints"]) or "-"
    typer.echo(f"  constraints: {constrained}")
    budgets = promotion["budgets"]
    caps = ", ".join(f"{c['window']}={c['limit']}" for c in budgets.get("audience_caps", []))
    typer.echo(f"  audience:    {caps or 'no caps'}")
    for b in budgets.get("reward_budgets", []):
        typer.echo(
            f"  budget:      {b['reward_type']} {b['window']} {b['limit']} ({b['on_exceed']})"
        )
