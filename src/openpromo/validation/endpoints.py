"""Validation endpoints (SPEC §7): on a promocode, on a promotion, and by code value.

A dry run (``commit=false``) runs in a read-only unit of work (a plain deferred ``BEGIN`` on
SQLite, so it never queues behind writers); a commit in a write unit. ``Idempotency-Key`` is
honoured on commits (a dry run has nothing to protect).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Security
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.api.auth import (
    authenticate,
    authenticate_once,
    bearer_scheme,
    header_scheme,
    presented_key,
)
from openpromo.api.deps import Ctx, idempotent
from openpromo.api.lean_route import LeanJSONRoute
from openpromo.api.limits import VALIDATION_BODY_LIMIT
from openpromo.api.problems import COMMON_ERRORS
from openpromo.api.responses import FastJSONResponse
from openpromo.auth.principal import INTEGRATION, Principal
from openpromo.config import get_settings
from openpromo.db import get_database, validation_unit_of_work
from openpromo.errors import Forbidden
from openpromo.validation.coalescing import coalescer, groupable
from openpromo.validation.schemas import ValidateByCodeRequest, ValidateRequest, ValidationResponse
from openpromo.validation.service import Target, request_seed, validation_service

# Declared as usual, handled by LeanJSONRoute: the hot path skips FastAPI's generic
# per-request parameter solving (see openpromo.api.lean_route).
router = APIRouter(
    tags=["validation"],
    responses=COMMON_ERRORS,
    route_class=LeanJSONRoute,
    max_body_size=VALIDATION_BODY_LIMIT,
)

Bearer = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]
HeaderKey = Annotated[str | None, Security(header_scheme)]


async def _run(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None,
    header_key: str | None,
    body: ValidateRequest,
    target: Target,
) -> Response:
    raw = await request.body()
    database = get_database()
    settings = get_settings()
    if (settings.group_commits if body.commit else settings.group_dry_runs) and groupable(
        body, request.headers.get("idempotency-key")
    ):
        principal = _check_role(
            await authenticate_once(
                presented_key(bearer, header_key), lambda: database.unit_of_work(write=False)
            )
        )
        # Runs with concurrent validations of the target (validation.coalescing).
        return FastJSONResponse(
            await coalescer.validate(principal, target, body, request_seed(raw))
        )
    async with validation_unit_of_work(bool(body.commit)) as session:
        principal = await _principal(session, bearer, header_key)

        async def produce() -> Any:
            return await validation_service.validate(
                session, principal, target, body, seed=request_seed(raw)
            )

        if body.commit and request.headers.get("idempotency-key") is not None:
            return await idempotent(request, Ctx(session, principal), 200, produce)
        # The service answers plain JSON types already: no jsonable_encoder walk over 10,000
        # results.
        return FastJSONResponse(await produce())


async def _principal(
    session: AsyncSession, bearer: HTTPAuthorizationCredentials | None, header_key: str | None
) -> Principal:
    """The caller, who must be allowed to validate."""
    return _check_role(await authenticate(session, presented_key(bearer, header_key)))


def _check_role(principal: Principal) -> Principal:
    if principal.role not in INTEGRATION:
        raise Forbidden(
            detail="this action needs one of the roles: admin, integration; "
            f"the API key has the role {principal.role}",
            code="insufficient_role",
        )
    return principal


@router.post(
    "/v1/promocodes/{promocode_id}/validate-customers",
    summary="Validate customers against a promocode (dry run or commit)",
    response_model=ValidationResponse,
)
async def validate_promocode_customers(
    promocode_id: str,
    body: ValidateRequest,
    request: Request,
    bearer: Bearer,
    header_key: HeaderKey,
) -> Response:
    return await _run(request, bearer, header_key, body, Target(promocode_id=promocode_id))


@router.post(
    "/v1/promotions/{promotion_id}/validate-customers",
    summary="Validate customers against a promotion reached without a promocode",
    response_model=ValidationResponse,
)
async def validate_promotion_customers(
    promotion_id: str,
    body: ValidateRequest,
    request: Request,
    bearer: Bearer,
    header_key: HeaderKey,
) -> Response:
    return await _run(request, bearer, header_key, body, Target(promotion_id=promotion_id))


@router.post(
    "/v1/validate",
    summary="Validate customers with a promocode value (an unknown value: code_not_found)",
    response_model=ValidationResponse,
)
async def validate_code(
    body: ValidateByCodeRequest,
    request: Request,
    bearer: Bearer,
    header_key: HeaderKey,
) -> Response:
    return await _run(request, bearer, header_key, body, Target(code=body.code))
