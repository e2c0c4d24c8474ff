"""``openpromo reservations confirm|release ID`` (docs/reservations.md)."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.cli.common import emit_json, run_in_unit_of_work
from openpromo.cli.promotions import _tenant_id
from openpromo.ledger.reservations import reservation_service

app = typer.Typer(help="Confirm or release reservations.", no_args_is_help=True)

TENANT = typer.Option(None, "--tenant", help="Tenant id (optional when there is only one)")
JSON = typer.Option(False, "--json", help="Print one JSON object")


def _show(out: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(out)
        return
    values = ", ".join(f"{g['reward_type']} {g['value']}" for g in out["grants"])
    typer.echo(f"{out['id']}  {out['status']}  {out['customer_id']}  {values}")


@app.command("confirm")
def confirm(
    reservation_id: str = typer.Argument(..., help="The reservation id"),
    value: list[str] = typer.Option(
        [], "--value", help="A lower value, as REWARD_TYPE=VALUE (repeatable)"
    ),
    tenant: str | None = TENANT,
    as_json: bool = JSON,
) -> None:
    """Confirm a reservation (turn it into grants), optionally for lower values."""
    rewards: list[tuple[str, str]] = []
    for item in value:
        reward_type, sep, amount = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"{item!r} is not REWARD_TYPE=VALUE", param_hint="--value")
        rewards.append((reward_type.strip(), amount.strip()))

    async def work(session: AsyncSession) -> dict[str, Any]:
        tenant_id = await _tenant_id(session, tenant)
        out = await reservation_service.confirm(
            session, Principal.cli(tenant_id), reservation_id, rewards or None
        )
        return out.model_dump(mode="json")

    _show(run_in_unit_of_work(work), as_json)


@app.command("release")
def release(
    reservation_id: str = typer.Argument(..., help="The reservation id"),
    tenant: str | None = TENANT,
    as_json: bool = JSON,
) -> None:
    """Release a reservation: give back everything it held."""

    async def work(session: AsyncSession) -> dict[str, Any]:
        tenant_id = await _tenant_id(session, tenant)
        out = await reservation_service.release(session, Principal.cli(tenant_id), reservation_id)
        return out.model_dump(mode="json")

    _show(run_in_unit_of_work(work), as_json)
