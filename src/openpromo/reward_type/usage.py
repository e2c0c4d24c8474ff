"""Who uses a reward type: a hook that the promotions domain fills in.

Reward types come before promotions in the dependency order, so this package cannot ask the
promotions repository itself. Instead the promotions package registers a check at import time;
``find_reward_type_usages`` runs every registered check. A type in use is archived instead of
deleted and keeps its category, currency and decimals.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.errors import ConflictRef

# (session, tenant_id, reward type key) -> the promotions that use it
RewardTypeUsageCheck = Callable[[AsyncSession, str, str], Awaitable[list[ConflictRef]]]

_checks: list[RewardTypeUsageCheck] = []


def register_reward_type_usage_check(check: RewardTypeUsageCheck) -> None:
    """Add a check (idempotent: registering the same function twice keeps one)."""
    if check not in _checks:
        _checks.append(check)


def unregister_reward_type_usage_check(check: RewardTypeUsageCheck) -> None:
    if check in _checks:
        _checks.remove(check)


async def find_reward_type_usages(
    session: AsyncSession, tenant_id: str, key: str
) -> list[ConflictRef]:
    """The promotions that use the reward type, by name then id, without duplicates."""
    refs: set[ConflictRef] = set()
    for check in list(_checks):
        refs.update(await check(session, tenant_id, key))
    return sorted(refs, key=lambda r: (r.name or "", r.id or ""))
