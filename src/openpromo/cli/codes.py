"""``openpromo codes upload|generate|export``: promocode values from the command line.

The commands call the same services as the API (one transaction each), so an upload from the
CLI is checked, counted and stored exactly like one through ``POST …/values``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Any

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.cli.common import emit_json, info, run_in_unit_of_work
from openpromo.promocode.csv_export import csv_header, csv_rows
from openpromo.promocode.schemas import GenerateReport, GenerateRequest, UploadReport
from openpromo.promocode.service import promocode_service

app = typer.Typer(help="Promocode values: upload, generate, export.", no_args_is_help=True)

READ_SIZE = 1 << 20
TENANT = typer.Option(..., "--tenant", help="Tenant id")
JSON = typer.Option(False, "--json", help="Print one JSON object")


def _summary(report: UploadReport) -> None:
    verb = "would insert" if report.dry_run else "inserted"
    typer.echo(
        f"{verb} {report.inserted}, duplicates in file {report.duplicates_in_file}, "
        f"already existing {report.already_existing}, invalid {report.invalid_count} "
        f"({report.lines} lines)"
    )
    for line in report.invalid[:20]:
        typer.echo(f"  line {line.line}: {line.value!r}: {line.reason}")
    if report.invalid_count > 20:
        typer.echo(f"  … {report.invalid_count - 20} more invalid lines")


@app.command()
def upload(
    promocode_id: str = typer.Argument(..., help="Bulk promocode id"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="One value per line"),
    tenant: str = TENANT,
    dry_run: bool = typer.Option(False, "--dry-run", help="Report without storing"),
    as_json: bool = JSON,
) -> None:
    """Upload a file of values to a bulk promocode (streamed: any size)."""
    with typer.progressbar(
        length=file.stat().st_size, label="uploading", file=sys.stderr
    ) as progress:

        async def chunks() -> AsyncIterator[bytes]:
            handle = await asyncio.to_thread(file.open, "rb")
            try:
                while chunk := await asyncio.to_thread(handle.read, READ_SIZE):
                    progress.update(len(chunk))
                    yield chunk
            finally:
                handle.close()

        async def work(session: AsyncSession) -> UploadReport:
            return await promocode_service.upload_values(
                session, Principal.cli(tenant), promocode_id, chunks(), dry_run=dry_run
            )

        report = run_in_unit_of_work(work)
    if as_json:
        emit_json(report.model_dump(mode="json"))
    else:
        _summary(report)


@app.command()
def generate(
    promocode_id: str = typer.Argument(..., help="Bulk promocode id"),
    tenant: str = TENANT,
    count: int = typer.Option(..., "--count", help="How many values (1-10,000,000)"),
    length: int | None = typer.Option(None, help="Random characters per value (default 8)"),
    charset: str | None = typer.Option(None, help="Characters to draw from"),
    prefix: str | None = typer.Option(None, help="Text before the random part"),
    suffix: str | None = typer.Option(None, help="Text after the random part"),
    pattern: str | None = typer.Option(
        None, help="'#' a digit, '?' a letter, anything else itself (e.g. XMAS-####-????)"
    ),
    as_json: bool = JSON,
) -> None:
    """Generate random, collision-free values for a bulk promocode."""
    fields: dict[str, Any] = {
        "count": count,
        "length": length,
        "charset": charset,
        "prefix": prefix,
        "suffix": suffix,
        "pattern": pattern,
    }
    try:
        request = GenerateRequest(**{k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        for error in exc.errors():
            info(f"error: --{'.'.join(str(p) for p in error['loc'])}: {error['msg']}")
        raise typer.Exit(1) from exc
    with typer.progressbar(length=count, label="generating", file=sys.stderr) as progress:

        async def work(session: AsyncSession) -> GenerateReport:
            return await promocode_service.generate_values(
                session, Principal.cli(tenant), promocode_id, request, on_progress=progress.update
            )

        report = run_in_unit_of_work(work)
    if as_json:
        emit_json(report.model_dump(mode="json"))
    else:
        typer.echo(f"generated {report.generated} values ({report.collisions} collisions redrawn)")


@app.command()
def export(
    promocode_id: str = typer.Argument(..., help="Promocode id"),
    tenant: str = TENANT,
    output: Path | None = typer.Option(None, "-o", "--output", help="CSV file (default stdout)"),
) -> None:
    """Export every value of a promocode as CSV (value, status, customer, dates)."""

    async def work(session: AsyncSession) -> int:
        principal = Principal.cli(tenant)
        described = await promocode_service.describe(session, principal, promocode_id)
        handle: IO[str] = (
            await asyncio.to_thread(output.open, "w", encoding="utf-8", newline="")
            if output is not None
            else sys.stdout
        )
        written = 0
        try:
            with typer.progressbar(
                length=described.counts.values, label="exporting", file=sys.stderr
            ) as progress:
                handle.write(csv_header())
                async for rows in promocode_service.iter_values(session, principal, promocode_id):
                    handle.write(csv_rows(rows))
                    written += len(rows)
                    progress.update(len(rows))
        finally:
            if output is not None:
                handle.close()
            else:
                handle.flush()
        return written

    written = run_in_unit_of_work(work, write=False)
    info(f"exported {written} values")
