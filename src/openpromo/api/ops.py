"""Liveness, readiness and metrics: unauthenticated, outside /v1."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from openpromo.config import get_settings
from openpromo.db import get_database
from openpromo.errors import OpenPromoError

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def mark_worker(started: bool) -> None:
    """``serve --workers N``: this worker process has started (or is stopping)."""
    folder = get_settings().workers_ready_dir
    if not folder:
        return
    marker = Path(folder) / str(os.getpid())
    if started:
        marker.touch()
    else:
        with contextlib.suppress(OSError):
            marker.unlink()


def _workers_started() -> int:
    """How many of ``serve``'s worker processes have started and are alive."""
    alive = 0
    for marker in Path(get_settings().workers_ready_dir).iterdir():
        try:
            os.kill(int(marker.name), 0)
        except (ValueError, ProcessLookupError):
            continue
        except PermissionError:
            pass
        alive += 1
    return alive


@router.get(
    "/readyz",
    summary="Readiness: the database answers (and, under `serve --workers N`, all N workers "
    "have started)",
    responses={503: {}},
)
async def readyz() -> dict[str, str | int]:
    settings = get_settings()
    workers = settings.workers_expected
    if settings.workers_ready_dir:
        started = _workers_started()
        if started < workers:
            raise OpenPromoError(
                detail=f"{started} of {workers} worker processes have started",
                status=503,
                code="not_ready",
                title="Not ready",
            )
    try:
        async with get_database().unit_of_work(write=False) as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        raise OpenPromoError(
            detail="database unreachable", status=503, code="not_ready", title="Not ready"
        ) from exc
    if settings.workers_ready_dir:
        return {"status": "ready", "workers": workers}
    return {"status": "ready"}


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
