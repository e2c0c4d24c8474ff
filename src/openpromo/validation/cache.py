"""Per-process caches of what validation reads on every call and rarely changes.

* A tenant's configuration (reward types with their constraints, the three property schemas)
  is keyed by ``tenants.config_version``, which database triggers bump in the same
  transaction as any change to reward types or property definitions (migration 0009): a
  validation that sees the new version sees the new rows.
* A promotion's documents, its compiled tiers and its typed ``promotion.*`` values are keyed
  by (id, version, updated_at) and the tenant's configuration version (an edit bumps the
  first two; a rolled-back edit may reuse a version but not an ``updated_at``).

Both keys are read in validation's first query (``ValidationRepository.promotion_head``), so a
warm call reads neither the configuration nor the promotion's documents.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

from openpromo.errors import NotFound
from openpromo.promotion.service import promotion_service
from openpromo.rules import CompiledPromotionRules, PropertyType, RewardTypeInfo
from openpromo.schema.service import definition_from_row
from openpromo.schema.values import PropertyDefinition, from_json_value
from openpromo.validation.repository import PromotionHead, ValidationRepository

_TENANTS_MAX: Final = 256
_PROMOTIONS_MAX: Final = 1024


@dataclass(frozen=True)
class RewardTypeView:
    info: RewardTypeInfo
    constraints: dict[str, Any]


@dataclass(frozen=True)
class TenantConfig:
    reward_types: dict[str, RewardTypeView]
    infos: dict[str, RewardTypeInfo]
    definitions: dict[str, list[PropertyDefinition]]  # scope → definitions in order
    types: dict[str, PropertyType]  # "scope.key" → type

    def scope(self, scope: str) -> list[PropertyDefinition]:
        return self.definitions.get(scope, [])

    def scope_types(self, scope: str) -> dict[str, PropertyType]:
        return {d.key: d.type for d in self.scope(scope)}


@dataclass(frozen=True)
class PromotionConfig:
    """What validation needs of a promotion (immutable: shared by concurrent calls)."""

    id: str
    version: int
    updated_at: datetime
    properties: dict[str, Any]
    reward_constraints: dict[str, Any]
    budgets: dict[str, Any]
    rules: CompiledPromotionRules
    base: dict[str, Any]  # typed "promotion.<key>" values


K = TypeVar("K")
V = TypeVar("V")


def _remember(cache: OrderedDict[K, V], key: K, value: V, limit: int) -> V:
    cache[key] = value
    while len(cache) > limit:
        cache.popitem(last=False)
    return value


_tenants: OrderedDict[tuple[str, int], TenantConfig] = OrderedDict()
_promotions: OrderedDict[tuple[Any, ...], PromotionConfig] = OrderedDict()


def clear() -> None:
    _tenants.clear()
    _promotions.clear()


async def tenant_config(vrepo: ValidationRepository, head: PromotionHead) -> TenantConfig:
    key = (vrepo.tenant_id, head.config_version)
    found = _tenants.get(key)
    if found is not None:
        return found
    views = {
        r.key: RewardTypeView(
            RewardTypeInfo(r.key, r.decimals, r.rounding),  # type: ignore[arg-type]
            r.constraints,
        )
        for r in await vrepo.reward_type_rows()
    }
    definitions: dict[str, list[PropertyDefinition]] = {}
    types: dict[str, PropertyType] = {}
    for row in await vrepo.property_definitions():
        definition = definition_from_row(row)
        definitions.setdefault(row.scope, []).append(definition)
        types[f"{row.scope}.{row.key}"] = definition.type
    config = TenantConfig(views, {k: v.info for k, v in views.items()}, definitions, types)
    return _remember(_tenants, key, config, _TENANTS_MAX)


async def promotion_config(
    vrepo: ValidationRepository, head: PromotionHead, config: TenantConfig
) -> PromotionConfig:
    key = (vrepo.tenant_id, head.id, head.version, head.updated_at, head.config_version)
    found = _promotions.get(key)
    if found is not None:
        return found
    body = await vrepo.promotion_body(head.id)
    if body is None:  # deleted between the two reads: as if not found
        raise NotFound(detail=f"promotion {head.id} not found")
    rules = promotion_service.compile_rules(head.id, body.tiers, config.types, config.infos)
    ptypes = config.scope_types("promotion")
    base: dict[str, Any] = {}
    for k, value in body.properties.items():
        if k in ptypes and value is not None:
            try:
                base[f"promotion.{k}"] = from_json_value(ptypes[k], value)
            except (ValueError, TypeError, ArithmeticError):
                continue
    promotion = PromotionConfig(
        id=head.id,
        version=head.version,
        updated_at=head.updated_at,
        properties=body.properties,
        reward_constraints=body.reward_constraints,
        budgets=body.budgets,
        rules=rules,
        base=base,
    )
    return _remember(_promotions, key, promotion, _PROMOTIONS_MAX)
