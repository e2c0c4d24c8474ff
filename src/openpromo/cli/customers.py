"""``openpromo customers import FILE --tenant T``: the import of the API, from a local file."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import typer

from openpromo.auth.principal import Principal
from openpromo.cli.common import emit_json, info, with_retries
from openpromo.config import get_settings
from openpromo.customer.ingest import ImportFormat, IngestReport
from openpromo.customer.schemas import ImportReport
from openpromo.customer.service import customer_service
from openpromo.db import Database
from openpromo.errors import OpenPromoError
from openpromo.tenant.service import tenant_service

app = typer.Typer(help="Customers.", no_args_is_help=True)

CHUNK = 256 * 1024


def fail(exc: OpenPromoError) -> typer.Exit:
    info(f"error: {exc.detail}")
    for field_error in exc.errors:
        info(f"  {'.'.join(str(p) for p in field_error.loc)}: {field_error.msg}")
    return typer.Exit(1)


@app.command("import")
def import_customers(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    tenant: str = typer.Option(..., "--tenant", help="Tenant id"),
    format_: str | None = typer.Option(
        None, "--format", help="csv or ndjson (default: from the file extension)"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and report; store nothing"),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object"),
) -> None:
    """Import customers from an NDJSON or CSV file (streamed; progress on stderr)."""
    chosen = format_ or (
        "csv" if file.suffix.lower() == ".csv" else "ndjson" if file.suffix else None
    )
    if chosen not in ("csv", "ndjson"):
        info("error: give --format csv or --format ndjson")
        raise typer.Exit(2)
    fmt: ImportFormat = "csv" if chosen == "csv" else "ndjson"
    size = file.stat().st_size

    async def run() -> IngestReport:
        database = Database(get_settings().database_url)
        try:
            with typer.progressbar(
                length=size, label="importing", file=sys.stderr, show_pos=True
            ) as bar:

                async def chunks() -> AsyncIterator[bytes]:
                    with file.open("rb") as handle:
                        while chunk := await asyncio.to_thread(handle.read, CHUNK):
                            bar.update(len(chunk))
                            yield chunk

                async def attempt() -> IngestReport:
                    async with database.unit_of_work() as session:
                        await tenant_service.get(session, tenant)
                        return await customer_service.import_stream(
                            session, Principal.cli(tenant), chunks(), fmt, dry_run=dry_run
                        )

                return await with_retries(attempt)  # the file is read again from its start
        finally:
            await database.dispose()

    try:
        report = asyncio.run(run())
    except OpenPromoError as exc:
        raise fail(exc) from exc
    out: dict[str, Any] = ImportReport.of(report, dry_run).model_dump(mode="json")
    if as_json:
        emit_json(out)
        return
    verb = "would be upserted" if dry_run else "upserted"
    info(
        f"{out['rows_read']} rows read, {out['rows_upserted']} {verb}, "
        f"{out['rows_rejected']} rejected"
    )
    for error in out["errors"][:20]:
        info(f"  line {error['line']} ({error['customer_id']}): {error['msg']}")
    if out["rows_rejected"] > 20:
        info(f"  … {out['rows_rejected'] - 20} more rejected rows (use --json for the list)")
    for warning in out["warnings"]:
        info(f"warning: {warning}")
