"""``openpromo sync run --tenant T``: run the tenant's customer synchronisation now."""

from __future__ import annotations

import asyncio
from typing import Any

import typer

from openpromo.auth.principal import Principal
from openpromo.cli.common import emit_json, info
from openpromo.cli.customers import fail
from openpromo.config import get_settings
from openpromo.customer.ingest import IngestReport
from openpromo.db import Database
from openpromo.errors import OpenPromoError
from openpromo.sync import runner
from openpromo.sync.schemas import SyncRun
from openpromo.sync.service import sync_service

app = typer.Typer(help="Customer synchronisation.", no_args_is_help=True)


@app.command("run")
def run_sync(
    tenant: str = typer.Option(..., "--tenant", help="Tenant id"),
    as_json: bool = typer.Option(False, "--json", help="Print the run report as one JSON object"),
) -> None:
    """Run the synchronisation now, wait for it, and print the run report (exit 1 if failed)."""

    def progress(report: IngestReport) -> None:
        if not as_json:
            info(f"  {report.rows_read} rows read, {report.rows_rejected} rejected")

    async def run() -> dict[str, Any]:
        database = Database(get_settings().database_url)
        principal = Principal.cli(tenant)
        try:
            async with database.unit_of_work() as session:
                run_id = (await sync_service.trigger_run(session, principal, "manual")).id
            info(f"sync run {run_id} queued")
            if not await runner.execute_run(database, run_id, on_progress=progress):
                info("another process is executing the run; waiting for it")
            while True:
                async with database.unit_of_work(write=False) as session:
                    run = await sync_service.get_run(session, principal, run_id)
                    out = SyncRun.model_validate(run).model_dump(mode="json")
                if out["status"] in ("succeeded", "failed"):
                    return out
                await asyncio.sleep(1.0)
        finally:
            await database.dispose()

    try:
        out = asyncio.run(run())
    except OpenPromoError as exc:
        raise fail(exc) from exc
    if as_json:
        emit_json(out)
    else:
        info(
            f"run {out['id']} {out['status']}: {out['rows_read']} rows read, "
            f"{out['rows_upserted']} upserted, {out['rows_rejected']} rejected"
        )
        for error in out["errors"][:20]:
            info(f"  line {error['line']} ({error['customer_id']}): {error['msg']}")
        if out["error"]:
            info(f"error: {out['error']}")
    if out["status"] == "failed":
        raise typer.Exit(1)
