"""Who references a property: a hook that the promotions domain fills in.

Property schemas come before promotions in the dependency order, so the promotions package
registers a check at import time and ``find_property_usages`` runs every registered check.
Deleting or retyping a referenced property is refused with 409 and the list of promotions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.errors import ConflictRef

# (session, tenant_id, "scope.key") -> the promotions that reference the property
PropertyUsageCheck = Callable[[AsyncSession, str, str], Awaitable[list[ConflictRef]]]

_checks: list[PropertyUsageCheck] = []


def register_property_usage_check(check: PropertyUsageCheck) -> None:
    """Add a check (idempotent: registering the same function twice keeps one)."""
    if check not in _checks:
        _checks.append(check)


def unregister_property_usage_check(check: PropertyUsageCheck) -> None:
    if check in _checks:
        _checks.remove(check)


async def find_property_usages(
    session: AsyncSession, tenant_id: str, scope: str, key: str
) -> list[ConflictRef]:
    """The promotions that reference ``scope.key``, by name then id, without duplicates."""
    refs: set[ConflictRef] = set()
    for check in list(_checks):
        refs.update(await check(session, tenant_id, f"{scope}.{key}"))
    return sorted(refs, key=lambda r: (r.name or "", r.id or ""))
