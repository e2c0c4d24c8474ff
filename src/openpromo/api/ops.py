"""Liveness, readiness and metrics: unauthenticated, outside /v1."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from openpromo.db import get_database
from openpromo.errors import OpenPromoError

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: the database answers", responses={503: {}})
async def readyz() -> dict[str, str]:
    try:
        async with get_database().unit_of_work(write=False) as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        raise OpenPromoError(
            detail="database unreachable", status=503, code="not_ready", title="Not ready"
        ) from exc
    return {"status": "ready"}


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
