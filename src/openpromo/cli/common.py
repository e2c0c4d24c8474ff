"""What every CLI command shares: running a service in a unit of work, output, errors."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.errors import OpenPromoError

T = TypeVar("T")


def run_in_unit_of_work(work: Callable[[AsyncSession], Awaitable[T]], *, write: bool = True) -> T:
    """Run ``work`` in one transaction; a domain error prints its detail and exits 1."""

    async def _run() -> T:
        # A database of its own (not the process-wide one): the command runs in its own loop.
        database = Database(get_settings().database_url)
        try:
            async with database.unit_of_work(write=write) as session:
                return await work(session)
        finally:
            await database.dispose()

    try:
        return asyncio.run(_run())
    except OpenPromoError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        for field_error in exc.errors:
            loc = ".".join(str(p) for p in field_error.loc)
            typer.echo(f"  {loc}: {field_error.msg}", err=True)
        raise typer.Exit(1) from exc


def emit_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, default=str) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    typer.echo(message, err=True)
