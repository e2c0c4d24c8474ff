"""What promotions need from the property schemas and the reward types, in one place.

The promotion service reads other domains only through these functions, which call those
domains' services: when their interfaces move, this is the one file to adapt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.errors import FieldError, Unprocessable
from openpromo.reward_type.schemas import RewardConstraints, validate_constraints_for
from openpromo.reward_type.service import reward_type_service
from openpromo.rules import PropertyType, RewardTypeInfo
from openpromo.schema.service import schema_service
from openpromo.schema.values import to_json_value, validate_values

Loc = tuple[str | int, ...]


async def property_types(session: AsyncSession, tenant_id: str) -> Mapping[str, PropertyType]:
    """``{"scope.key": type}`` of every property of the tenant's three schemas."""
    return await schema_service.property_types(session, tenant_id)


async def reward_type_infos(session: AsyncSession, tenant_id: str) -> Mapping[str, RewardTypeInfo]:
    """Decimals and rounding of every reward type, archived ones included."""
    return await reward_type_service.infos(session, tenant_id)


async def reward_type_statuses(session: AsyncSession, tenant_id: str) -> Mapping[str, str]:
    """``{key: "active" | "archived"}`` of every reward type."""
    return {r.key: r.status for r in await reward_type_service.list_all(session, tenant_id)}


async def validate_promotion_values(
    session: AsyncSession, tenant_id: str, values: dict[str, Any], loc: Loc
) -> dict[str, Any]:
    """Promotion property values checked against the promotion schema (unknown keys and bad
    values refused; required properties are only enforced at activation). Returns the
    values as stored: canonical JSON, nulls dropped (null means unset)."""
    definitions = await schema_service.definitions(session, tenant_id, "promotion")
    typed, errors = validate_values(definitions, values, loc=loc, check_required=False)
    if errors:
        first = errors[0]
        raise Unprocessable(
            detail=first.msg + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
            errors=errors,
        )
    types = {d.key: d.type for d in definitions}
    return {k: to_json_value(types[k], v) for k, v in typed.items() if v is not None}


async def promotion_values_problems(
    session: AsyncSession, tenant_id: str, values: dict[str, Any], loc: Loc
) -> list[FieldError]:
    """Why the stored values do not satisfy the promotion schema as it is now, required
    properties included (empty: they do)."""
    definitions = await schema_service.definitions(session, tenant_id, "promotion")
    return validate_values(definitions, values, loc=loc, check_required=True)[1]


async def validate_reward_constraints(
    session: AsyncSession, tenant_id: str, constraints: dict[str, Any], loc: Loc
) -> dict[str, Any]:
    """``{reward_type_key: constraints}``: keys must be existing reward types, constraints
    must fit the type's decimals. Returns the stored document."""
    infos = await reward_type_infos(session, tenant_id)
    problems: list[FieldError] = []
    stored: dict[str, Any] = {}
    for key, raw in constraints.items():
        here = (*loc, key)
        info = infos.get(key)
        if info is None:
            problems.append(FieldError(here, f"unknown reward type {key!r}", "unknown_reward_type"))
            continue
        try:
            parsed = RewardConstraints.model_validate(raw)
        except ValidationError as exc:
            problems.extend(
                FieldError(
                    (*here, *(p if isinstance(p, int) else str(p) for p in e["loc"])),
                    e["msg"],
                    e["type"],
                )
                for e in exc.errors()
            )
            continue
        errors = validate_constraints_for(parsed, info.decimals, here)
        if errors:
            problems.extend(errors)
            continue
        stored[key] = parsed.to_json()
    if problems:
        first = problems[0]
        raise Unprocessable(
            detail=f"{'.'.join(map(str, first.loc))}: {first.msg}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            errors=problems,
        )
    return stored
