from __future__ import annotations

import os
import tempfile

import typer
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo import migrate
from openpromo.cli.common import info, run_in_unit_of_work, warn_unshared_secret_key
from openpromo.config import get_settings
from openpromo.tenant.service import BootstrappedTenant, tenant_service


def _bootstrap_first_tenant() -> BootstrappedTenant | None:
    async def work(session: AsyncSession) -> BootstrappedTenant | None:
        if await tenant_service.count(session) > 0:
            return None
        return await tenant_service.create(session, "Default tenant")

    return run_in_unit_of_work(work)


def _seed_demo(host: str, port: int) -> None:
    from openpromo.cli.demo import print_login
    from openpromo.demo.seed import DEFAULT_TENANT_NAME, DemoExists, seed_demo

    async def work(session: AsyncSession) -> None:
        try:
            async with session.begin_nested():
                demo = await seed_demo(session, DEFAULT_TENANT_NAME)
        except DemoExists:
            info(f"The demo tenant '{DEFAULT_TENANT_NAME}' exists already: not seeded again")
            return
        print_login(demo, f"http://{host}:{port}/")

    run_in_unit_of_work(work)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, help="Port to listen on"),
    workers: int = typer.Option(1, help="Worker processes (PostgreSQL only; SQLite uses 1)"),
    no_migrate: bool = typer.Option(False, "--no-migrate", help="Do not apply migrations"),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Also seed the demo tenant (as `openpromo demo seed`) unless it exists already",
    ),
    worker: bool | None = typer.Option(
        None,
        "--worker/--no-worker",
        help="Run the background scheduler in this process — in each of them with --workers "
        "(default: yes on SQLite, no on PostgreSQL, where `openpromo worker` runs it; every "
        "background duty is safe in many processes at once: docs/deployment.md)",
    ),
) -> None:
    """Migrate the database, bootstrap a first tenant if it is empty, and serve the API."""
    settings = get_settings()
    warn_unshared_secret_key()
    if not no_migrate:
        migrate.upgrade(settings.database_url)
    if demo:  # before the bootstrap: on an empty database the demo tenant is the first one
        _seed_demo(host, port)
    created = _bootstrap_first_tenant()
    if created is not None:
        info("=" * 72)
        info(f"Created the first tenant: {created.tenant.id}")
        info(f"Admin API key (shown once, store it now): {created.plain_key}")
        info(f"UI login at http://{host}:{port}/ (shown once, store it now):")
        info(f"  e-mail {created.admin_email}  password {created.admin_password}")
        info("=" * 72)
    if settings.database_url.startswith("sqlite") and workers > 1:
        info("SQLite serialises writers: running a single worker process")
        workers = 1
    is_sqlite = settings.database_url.startswith("sqlite")
    ready_dir = None
    if workers > 1:
        # Read by every worker (spawned processes inherit the environment): /readyz is ready
        # once all of them have marked themselves started in this folder.
        ready_dir = tempfile.TemporaryDirectory(prefix="openpromo-workers-")
        os.environ["OPENPROMO_WORKERS_READY_DIR"] = ready_dir.name
        os.environ["OPENPROMO_WORKERS_EXPECTED"] = str(workers)
        get_settings.cache_clear()
    if worker if worker is not None else is_sqlite:
        # Read by create_app() in this process (uvicorn builds the app from the factory).
        os.environ["OPENPROMO_EMBEDDED_WORKER"] = "1"
        get_settings.cache_clear()
    uvicorn.run(
        "openpromo.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        # uvicorn replaces a worker that does not answer its health check within this time,
        # which includes the worker's start (importing the app): its default of 5 s killed
        # workers that were merely slow to start on a busy 2-core machine (docs/faults.md).
        timeout_worker_healthcheck=settings.worker_start_timeout_seconds,
    )
    if ready_dir is not None:
        ready_dir.cleanup()
