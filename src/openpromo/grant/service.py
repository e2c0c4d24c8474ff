"""The grants ledger: list, get, reverse (exact give-back), and promotion stats.

Reversal gives back exactly what the grant recorded in ``consumed``: its calendar counters
(reward budgets, per-customer value and count), and — once the customer has no other live
grant in that window — its audience-cap place; once the customer's validation group has no
other live grant, its code redemption (the shared code's count and once-per-customer mark, the
single-use or bulk value, unless ``release_code`` is false). Rolling windows need nothing:
their usage is summed from live grants. Locks are taken in the repository's documented order
(the group's grant rows first), so two reversals of the same grant give back once and the
second returns the grant unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.errors import NotFound
from openpromo.grant.repository import GrantRepository
from openpromo.grant.schemas import (
    BudgetStats,
    CapStats,
    DailyStats,
    PromotionStats,
    TierStats,
)
from openpromo.grant.schemas import Grant as GrantOut
from openpromo.kit.clock import utcnow
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.kit.windows import is_rolling, window_end, window_start
from openpromo.models import Grant, Promotion, Tenant
from openpromo.rules import format_value, from_minor_units


def _decimals(session_types: Mapping[str, int], key: str) -> int:
    return session_types.get(key, 0)


async def _reward_decimals(session: AsyncSession, tenant_id: str) -> dict[str, int]:
    from openpromo.validation.repository import ValidationRepository

    return {
        r.key: r.decimals for r in await ValidationRepository(session, tenant_id).reward_types()
    }


def _show(minor: int, decimals: int) -> str:
    return format_value(from_minor_units(minor, decimals), decimals)


def grant_out(grant: Grant, decimals: Mapping[str, int]) -> GrantOut:
    return GrantOut(
        id=grant.id,
        customer_id=grant.customer_id,
        promotion_id=grant.promotion_id,
        promotion_version=grant.promotion_version,
        promocode_id=grant.promocode_id,
        code=grant.code,
        campaign_id=grant.campaign_id,
        tier_id=grant.tier_id,
        reward_type=grant.reward_type,
        value=_show(grant.value_minor, decimals.get(grant.reward_type, 0)),
        status=grant.status,
        reference=grant.reference,
        created_at=grant.created_at,
        expires_at=grant.expires_at,
        reversed_at=grant.reversed_at,
    )


class GrantService:
    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        limit: int,
        cursor: str | None,
        **filters: Any,
    ) -> Slice[GrantOut]:
        after_id = decode_cursor(cursor) if cursor else None
        for name in ("created_from", "created_to"):
            value = filters.get(name)
            if isinstance(value, datetime) and value.tzinfo is None:
                filters[name] = value.replace(tzinfo=UTC)  # a naive bound is read as UTC
        rows = await GrantRepository(session, principal.tenant_id).list_page(
            after_id=after_id, limit=limit + 1, **filters
        )
        page = slice_rows(rows, limit, lambda g: g.id)
        decimals = await _reward_decimals(session, principal.tenant_id)
        return Slice([grant_out(g, decimals) for g in page.items], page.next_cursor)

    async def get(self, session: AsyncSession, principal: Principal, grant_id: str) -> GrantOut:
        grant = await GrantRepository(session, principal.tenant_id).get(grant_id)
        if grant is None:
            raise NotFound(detail=f"grant {grant_id} not found")
        return grant_out(grant, await _reward_decimals(session, principal.tenant_id))

    async def reverse(
        self,
        session: AsyncSession,
        principal: Principal,
        grant_id: str,
        *,
        release_code: bool = True,
    ) -> GrantOut:
        from openpromo.tenant.service import tenant_service

        repo = GrantRepository(session, principal.tenant_id)
        grant = await repo.get(grant_id)
        if grant is None:
            raise NotFound(detail=f"grant {grant_id} not found")
        group = await repo.lock_group(grant.group_id)
        grant = next(g for g in group if g.id == grant_id)
        decimals = await _reward_decimals(session, principal.tenant_id)
        if grant.status == "reversed":
            return grant_out(grant, decimals)
        now = utcnow()
        others_live = any(g.status == "granted" and g.id != grant.id for g in group)
        tenant = await tenant_service.get(session, principal.tenant_id)
        tz = ZoneInfo(tenant.timezone)
        entries = list(grant.consumed or [])
        redemption = any(e.get("redemption") for e in entries)
        if redemption and not others_live and grant.promocode_id is not None:
            await repo.lock_promocode(grant.promocode_id)
        counters = sorted(
            (e["key"], datetime.fromisoformat(e["window_start"]), int(e["amount"]), e)
            for e in entries
            if "key" in e
        )
        await repo.read_counters([(k, s) for k, s, _, _ in counters], lock=True)
        await repo.mark_reversed(grant.id, now)
        for key, start, amount, entry in counters:
            if entry.get("audience"):
                window = key.rsplit(":", 1)[-1]
                end = window_end(window, start, tz) if not is_rolling(window) else None
                if await repo.has_other_live_grant(
                    grant.promotion_id, grant.customer_id, grant.id, start, end
                ):
                    continue
                if await repo.remove_member((key, start), grant.customer_id):
                    await repo.give_back((key, start), amount)
            elif key.startswith("code:"):
                if not others_live:
                    await repo.give_back((key, start), amount)
            else:
                await repo.give_back((key, start), amount)
        if redemption and not others_live and grant.promocode_id is not None:
            await repo.remove_redemption(grant.promocode_id)
        if (
            release_code
            and not others_live
            and grant.promocode_id is not None
            and grant.code is not None
        ):
            from openpromo.validation.repository import ValidationRepository

            promocode = await ValidationRepository(session, principal.tenant_id).promocode(
                grant.promocode_id
            )
            if (
                promocode is not None
                and promocode.type in ("single_use", "bulk")
                and grant.code != promocode.fallback_value
                and not await repo.live_grant_with_code(
                    grant.promocode_id, grant.code, grant.group_id
                )
            ):
                await repo.release_value(grant.promocode_id, grant.code.lower())
        refreshed = await repo.get(grant.id)
        assert refreshed is not None
        return grant_out(refreshed, decimals)

    async def budget_use(
        self, session: AsyncSession, principal: Principal, promotions: Sequence[Promotion]
    ) -> dict[str, tuple[Sequence[CapStats], Sequence[BudgetStats]]]:
        """Each audience cap and reward budget of the given promotions with its use in the
        current window: counter reads (rolling windows sum the window's live grants), no scan
        of a promotion's ledger — what the UI's promotion list shows for the active ones. The
        tenant and its reward types are read once for all of them."""
        from openpromo.tenant.service import tenant_service

        if not promotions:
            return {}
        tenant = await tenant_service.get(session, principal.tenant_id)
        decimals = await _reward_decimals(session, principal.tenant_id)
        return await self._budget_use(session, tenant, decimals, promotions, utcnow())

    async def _budget_use(
        self,
        session: AsyncSession,
        tenant: Tenant,
        decimals: Mapping[str, int],
        promotions: Sequence[Promotion],
        now: datetime,
    ) -> dict[str, tuple[Sequence[CapStats], Sequence[BudgetStats]]]:
        """Batched: one counter read for all calendar and lifetime windows, and per rolling
        window kind one query over all the promotions (no query per promotion)."""
        tz = ZoneInfo(tenant.timezone)
        repo = GrantRepository(session, tenant.id)
        wanted: list[tuple[str, datetime]] = []
        rolling: set[str] = set()
        for promotion in promotions:
            budgets = promotion.budgets or {}
            for cap in budgets.get("audience_caps") or []:
                if is_rolling(cap["window"]):
                    rolling.add(cap["window"])
                else:
                    start = window_start(cap["window"], now, tz, tenant.week_start)
                    wanted.append((f"{promotion.id}:cap:{cap['window']}", start))
            for b in budgets.get("reward_budgets") or []:
                if is_rolling(b["window"]):
                    rolling.add(b["window"])
                else:
                    start = window_start(b["window"], now, tz, tenant.week_start)
                    wanted.append(
                        (f"{promotion.id}:budget:{b['reward_type']}:{b['window']}", start)
                    )
        counters = await repo.read_counters(wanted, lock=False) if wanted else {}
        ids = [p.id for p in promotions]
        rolling_use = {
            window: await repo.rolling_use_by_promotion(ids, window_start(window, now, tz))
            for window in sorted(rolling)
        }
        out: dict[str, tuple[Sequence[CapStats], Sequence[BudgetStats]]] = {}
        for promotion in promotions:
            budgets = promotion.budgets or {}
            caps: list[CapStats] = []
            for cap in budgets.get("audience_caps") or []:
                start = window_start(cap["window"], now, tz, tenant.week_start)
                if is_rolling(cap["window"]):
                    used = rolling_use[cap["window"]][0].get(promotion.id, 0)
                else:
                    used = counters.get((f"{promotion.id}:cap:{cap['window']}", start), 0)
                caps.append(
                    CapStats(
                        window=cap["window"], limit=cap["limit"], used=used, window_start=start
                    )
                )
            reward_budgets: list[BudgetStats] = []
            for b in budgets.get("reward_budgets") or []:
                start = window_start(b["window"], now, tz, tenant.week_start)
                if is_rolling(b["window"]):
                    used = rolling_use[b["window"]][1].get((promotion.id, b["reward_type"]), 0)
                else:
                    key = f"{promotion.id}:budget:{b['reward_type']}:{b['window']}"
                    used = counters.get((key, start), 0)
                d = decimals.get(b["reward_type"], 0)
                limit = Decimal(str(b["limit"])).quantize(Decimal(1).scaleb(-d))
                reward_budgets.append(
                    BudgetStats(
                        reward_type=b["reward_type"],
                        window=b["window"],
                        limit=format_value(limit, d),
                        used=_show(used, d),
                        window_start=start,
                    )
                )
            out[promotion.id] = (caps, reward_budgets)
        return out

    async def recent_daily_grants(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_ids: Sequence[str],
        *,
        days: int = 14,
    ) -> dict[str, Sequence[int]]:
        """Live grants per day (tenant's timezone) over the last ``days`` days, today last,
        for each promotion given (one query): the lobby's sparklines."""
        from openpromo.tenant.service import tenant_service

        if not promotion_ids:
            return {}
        tenant = await tenant_service.get(session, principal.tenant_id)
        tz = ZoneInfo(tenant.timezone)
        today = utcnow().astimezone(tz).date()
        # Each day's local midnight (noon is never skipped nor repeated by a DST change).
        bounds = [
            window_start("day", datetime.combine(today - timedelta(days=back), time(12), tz), tz)
            for back in range(days - 1, -1, -1)
        ]
        counts = await GrantRepository(session, principal.tenant_id).daily_counts_by_promotion(
            promotion_ids, bounds
        )
        return dict(counts)

    async def stats(
        self, session: AsyncSession, principal: Principal, promotion_id: str
    ) -> PromotionStats:
        from openpromo.tenant.service import tenant_service
        from openpromo.validation.repository import ValidationRepository

        tenant_id = principal.tenant_id
        promotion = await ValidationRepository(session, tenant_id).promotion(promotion_id)
        if promotion is None:
            raise NotFound(detail=f"promotion {promotion_id} not found")
        tenant = await tenant_service.get(session, tenant_id)
        decimals = await _reward_decimals(session, tenant_id)
        now = utcnow()
        use = await self._budget_use(session, tenant, decimals, [promotion], now)
        caps, reward_budgets = use[promotion.id]
        tz = ZoneInfo(tenant.timezone)
        repo = GrantRepository(session, tenant_id)
        totals = await repo.totals(promotion_id)
        by_type: dict[str, int] = {}
        tiers: dict[str, tuple[int, dict[str, int]]] = {}
        count = 0
        for tier_id, reward_type, grants, value in totals:
            count += grants
            by_type[reward_type] = by_type.get(reward_type, 0) + value
            n, values = tiers.get(tier_id, (0, {}))
            values[reward_type] = values.get(reward_type, 0) + value
            tiers[tier_id] = (n + grants, values)

        def show_all(values: Mapping[str, int]) -> dict[str, str]:
            return {k: _show(v, decimals.get(k, 0)) for k, v in sorted(values.items())}

        since = now - timedelta(days=90)
        daily: dict[date, tuple[int, dict[str, int]]] = {}
        for created, reward_type, value in await repo.live_grants_since(promotion_id, since):
            day = created.astimezone(tz).date()
            n, values = daily.get(day, (0, {}))
            values[reward_type] = values.get(reward_type, 0) + value
            daily[day] = (n + 1, values)
        rows, firsts = await repo.daily_customers_since(promotion_id, since)
        customers: dict[date, set[str]] = {}
        for created, customer in rows:
            customers.setdefault(created.astimezone(tz).date(), set()).add(customer)
        new_customers: dict[date, int] = {}
        for first in firsts.values():
            day = first.astimezone(tz).date()
            new_customers[day] = new_customers.get(day, 0) + 1
        return PromotionStats(
            grants_count=count,
            customers_count=await repo.distinct_customers(promotion_id),
            rewards_total=show_all(by_type),
            by_tier=[
                TierStats(tier_id=t, grants_count=n, rewards_total=show_all(v))
                for t, (n, v) in sorted(tiers.items())
            ],
            audience_caps=caps,
            reward_budgets=reward_budgets,
            daily=[
                DailyStats(
                    date=d,
                    grants_count=n,
                    rewards_total=show_all(v),
                    customers_count=len(customers.get(d, ())),
                    new_customers_count=new_customers.get(d, 0),
                )
                for d, (n, v) in sorted(daily.items())
            ],
        )


grant_service = GrantService()
