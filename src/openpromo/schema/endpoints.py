"""Property schemas over HTTP: ``/v1/schemas/{scope}`` (scope: customer, session, promotion)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from openpromo.api.deps import AdminWrite, Read
from openpromo.api.problems import COMMON_ERRORS, CONFLICT
from openpromo.schema.schemas import (
    KEY_PATTERN,
    PropertyDefinitionOut,
    PropertyDefinitionPut,
    Schema,
    SchemaPut,
    Scope,
)
from openpromo.schema.service import schema_service

router = APIRouter(prefix="/v1/schemas", tags=["schemas"], responses=COMMON_ERRORS)

PropertyKey = Annotated[str, Path(pattern=KEY_PATTERN, description="The property's key.")]


@router.get("/{scope}", summary="Get a property schema", response_model=Schema)
async def get_schema(scope: Scope, ctx: Read) -> Schema:
    return await schema_service.get_schema(ctx.session, ctx.principal, scope)


@router.put(
    "/{scope}",
    summary="Replace a property schema (dropping or retyping a used property is refused)",
    response_model=Schema,
    responses=CONFLICT,
)
async def replace_schema(scope: Scope, body: SchemaPut, ctx: AdminWrite) -> Schema:
    return await schema_service.replace_schema(ctx.session, ctx.principal, scope, body)


@router.put(
    "/{scope}/properties/{key}",
    summary="Create or replace one property definition (201 when created, 200 when replaced)",
    response_model=PropertyDefinitionOut,
    responses={**CONFLICT, 201: {"description": "Created", "model": PropertyDefinitionOut}},
)
async def put_schema_property(
    scope: Scope, key: PropertyKey, body: PropertyDefinitionPut, ctx: AdminWrite, response: Response
) -> PropertyDefinitionOut:
    definition, created = await schema_service.put_property(
        ctx.session, ctx.principal, scope, key, body
    )
    response.status_code = 201 if created else 200
    return definition


@router.delete(
    "/{scope}/properties/{key}",
    status_code=204,
    summary="Delete one property definition (refused while a promotion uses it)",
    responses=CONFLICT,
)
async def delete_schema_property(scope: Scope, key: PropertyKey, ctx: AdminWrite) -> Response:
    await schema_service.delete_property(ctx.session, ctx.principal, scope, key)
    return Response(status_code=204)
